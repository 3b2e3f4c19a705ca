// /dashboard: the filters, four charts and the newest jobs.
import type { Database } from "../../jobs/db.js";
import { JOB_STATUSES } from "../../jobs/records.js";
import { columns, horizontalBars, shareLine, stackedBars } from "./charts.js";
import { count, duration, subjectOf, usd, when } from "./format.js";
import { html, type Safe } from "./html.js";
import { layout } from "./layout.js";
import { renderLinks } from "./links.js";
import {
  costPerRepo,
  filterChoices,
  listJobs,
  mergeRatePerWeek,
  runsPerDay,
  timeToTriage,
  type JobFilter,
  type JobRow,
} from "./queries.js";

const MAX_SERIES = 7;

export async function listPage(db: Database, filter: JobFilter): Promise<string> {
  const [jobs, choices, charts] = await Promise.all([listJobs(db, filter), filterChoices(db), chartsHtml(db)]);
  const body = html`${filterForm(filter, choices)}
    <section class="charts">${charts}</section>
    <h2>Jobs <span class="muted">(${jobs.length}${jobs.length === 200 ? ", newest" : ""})</span></h2>
    ${jobsTable(jobs)}`;
  return layout("jobs and outcomes", body);
}

function select(name: string, label: string, values: readonly string[], current: string | undefined): Safe {
  const options = values.map((v) => html`<option value="${v}" ${v === current ? html` selected` : ""}>${v}</option>`);
  return html`<label
    >${label}<select name="${name}">
      <option value="">any</option>
      ${options}
    </select></label
  >`;
}

function filterForm(f: JobFilter, c: { repos: string[]; kinds: string[]; agents: string[] }): Safe {
  return html`<form class="filters" method="get" action="/dashboard">
    ${select("repo", "repository", c.repos, f.repo)}${select("kind", "kind", c.kinds, f.kind)}${select("status", "status", JOB_STATUSES, f.status)}${select("agent", "agent", c.agents, f.agent)}<button
      type="submit"
    >
      filter
    </button>
  </form>`;
}

function jobsTable(jobs: JobRow[]): Safe {
  if (!jobs.length) return html`<p class="muted">No jobs match.</p>`;
  const rows = jobs.map(
    (j) =>
      html`<tr class="job" data-kind="${j.kind}" data-status="${j.status}">
        <td>
          <a href="/dashboard/jobs/${encodeURIComponent(j.id)}">${j.kind}</a><br /><span class="muted"
            >${subjectOf(j.kind, j.data, j.target)}</span
          >
        </td>
        <td>${j.repo}</td>
        <td class="status status-${j.status}">${j.status}</td>
        <td>${j.agents ?? "–"}</td>
        <td class="num">${duration(j.durationMs)}</td>
        <td class="num">${count(j.tokens)}</td>
        <td class="num">${usd(j.costUsd)}</td>
        <td class="outcome">${j.outcome ?? ""}${j.error ? html`<div class="error">${j.error.slice(0, 300)}</div>` : ""}</td>
        <td class="links">${renderLinks(j.links)}</td>
        <td class="muted">${when(j.createdAt)}</td>
      </tr>`,
  );
  return html`<table class="jobs">
    <thead>
      <tr>
        <th>trigger</th>
        <th>repository</th>
        <th>status</th>
        <th>agent</th>
        <th>duration</th>
        <th>tokens</th>
        <th>cost</th>
        <th>outcome</th>
        <th>links</th>
        <th>created</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

async function chartsHtml(db: Database): Promise<Safe> {
  const [runs, merges, costs, triage] = await Promise.all([runsPerDay(db), mergeRatePerWeek(db), costPerRepo(db), timeToTriage(db)]);
  // The most frequent outcomes get their own colour; the rest are summed as "other".
  const totals = new Map<string, number>();
  for (const r of runs) totals.set(r.outcome, (totals.get(r.outcome) ?? 0) + r.n);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  const series = ranked.length > MAX_SERIES ? [...ranked.slice(0, MAX_SERIES - 1), "other"] : ranked;
  const days = new Map<string, Record<string, number>>();
  for (const r of runs) {
    const parts = days.get(r.day) ?? {};
    const name = series.includes(r.outcome) ? r.outcome : "other";
    parts[name] = (parts[name] ?? 0) + r.n;
    days.set(r.day, parts);
  }
  return html`${stackedBars(
    "Runs per day by outcome (30 days)",
    [...days.entries()].map(([label, parts]) => ({ label, parts })),
    series,
  )}
  ${shareLine(
    "Merge rate of the bot's PRs (share merged of PRs closed, per week)",
    merges.map((m) => ({ label: m.week, share: m.merged / m.closed, note: `${m.merged} of ${m.closed} merged` })),
  )}
  ${horizontalBars(
    "Cost per repository (30 days)",
    costs.map((c) => ({ label: c.repo, value: c.usd, text: `${usd(c.usd)} · ${c.jobs} job${c.jobs === 1 ? "" : "s"}` })),
  )}
  ${columns(
    "Time to triage: failed run → triage comment (median per day)",
    triage.map((t) => ({ label: t.day, value: t.medianSeconds, text: `${duration(t.medianSeconds * 1000)} median of ${t.n}` })),
    "s",
  )}`;
}
