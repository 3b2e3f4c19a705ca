// The dashboard's four charts, drawn from the same outcome queries the CLI and the tests use
// (jobs/outcome-stats.ts), so a figure on the page and a figure from the command line cannot disagree.
import type { Database } from "../../jobs/db.js";
import { costByRepo, mergeRateByWeek, runsPerDay, timeToTriage } from "../../jobs/outcome-stats.js";
import { columns, horizontalBars, shareLine, stackedBars } from "./charts.js";
import { duration, usd } from "./format.js";
import { html, type Safe } from "./html.js";

const DAYS = 30;
const WEEKS = 26;
const MAX_SERIES = 7;
const MAX_REPOS = 12;

/** The charts, for one repository when the page is filtered by one (cost per repository always shows them all). */
export async function chartsHtml(db: Database, repo: string | undefined): Promise<Safe> {
  const [runs, merges, costs, triage] = await Promise.all([
    runsPerDay(db, { days: DAYS, repo }),
    mergeRateByWeek(db, { weeks: WEEKS, repo }),
    costByRepo(db, { days: DAYS }),
    timeToTriage(db, { days: DAYS, repo }),
  ]);
  // The most frequent outcomes get their own colour; the rest are summed as "other".
  const totals = new Map<string, number>();
  for (const d of runs) for (const [name, n] of Object.entries(d.counts)) totals.set(name, (totals.get(name) ?? 0) + n);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  const series = ranked.length > MAX_SERIES ? [...ranked.slice(0, MAX_SERIES - 1), "other"] : ranked;
  const columnsByDay = runs.map((d) => {
    const parts: Record<string, number> = {};
    for (const [name, n] of Object.entries(d.counts)) {
      const s = series.includes(name) ? name : "other";
      parts[s] = (parts[s] ?? 0) + n;
    }
    return { label: d.day, parts };
  });
  // Weeks and days without a decided PR or a triage have no value to draw (not a zero): they are left out.
  const decided = merges.filter((m) => m.mergeRate !== null);
  const triaged = triage.filter((t) => t.medianMs !== null);
  return html`${stackedBars(`Runs per day by outcome (${DAYS} days)`, totals.size ? columnsByDay : [], series)}
  ${shareLine(
    "Merge rate of the bot's PRs (share merged of PRs decided, per week)",
    decided.map((m) => ({ label: m.weekStart, share: m.mergeRate!, note: `${m.merged} of ${m.merged + m.closed} merged` })),
  )}
  ${horizontalBars(
    `Cost per repository (${DAYS} days)`,
    costs.slice(0, MAX_REPOS).map((c) => ({
      label: c.repo,
      value: c.costUsd,
      text: `${usd(c.costUsd)} · ${c.jobs} job${c.jobs === 1 ? "" : "s"}${c.unpricedJobs ? ` · ${c.unpricedJobs} unpriced` : ""}`,
    })),
  )}
  ${columns(
    "Time to triage: failed run → triage comment (median per day)",
    triaged.map((t) => ({ label: t.day, value: t.medianMs! / 1000, text: `${duration(t.medianMs)} median of ${t.triages}` })),
    "s",
  )}`;
}
