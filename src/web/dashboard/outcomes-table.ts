// "Does it help?" on the dashboard: outcomeStats (jobs/outcome-stats.ts) per repository, task kind and agent. A row
// stays per kind and agent rather than summed per repository because a median cannot be combined from medians.
import type { Database } from "../../jobs/db.js";
import { outcomeStats, type OutcomeStatsRow } from "../../jobs/outcome-stats.js";
import { duration, usd } from "./format.js";
import { html, type Safe } from "./html.js";

const DAYS = 30;

const share = (v: number | null) => (v === null ? "–" : `${Math.round(v * 100)}%`);

export async function outcomesTable(db: Database, repo: string | undefined): Promise<Safe> {
  const rows = await outcomeStats(db, { repo, sinceDays: DAYS });
  const caption = html`<h2>Does it help? <span class="muted">(outcomes per repository, ${DAYS} days)</span></h2>`;
  if (!rows.length)
    return html`${caption}
      <p class="muted">No outcomes yet.</p>`;
  return html`${caption}
    <table class="outcomes">
      <thead>
        <tr>
          <th>repository</th>
          <th>kind</th>
          <th>agent</th>
          <th title="opened · merged · closed unmerged · reverted">PRs</th>
          <th title="merged ÷ (merged + closed unmerged)">merged</th>
          <th title="failed run's webhook → triage comment posted">time to triage</th>
          <th title="issue label's webhook → PR opened">label → PR</th>
          <th title="cost of the jobs that opened the merged PRs ÷ merged PRs">cost per merged fix</th>
          <th>races won</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(row)}
      </tbody>
    </table>`;
}

function row(r: OutcomeStatsRow): Safe {
  const p = r.prs;
  return html`<tr class="outcome-row" data-repo="${r.repo}" data-kind="${r.kind}" data-agent="${r.agent}">
    <td>${r.repo}</td>
    <td>${r.kind}</td>
    <td>${r.agent}</td>
    <td class="num">${p.opened ? `${p.opened} · ${p.merged} · ${p.closed} · ${p.reverted}` : "–"}</td>
    <td class="num merged-share" data-value="${r.mergedShare === null ? "" : r.mergedShare.toFixed(3)}">${share(r.mergedShare)}</td>
    <td class="num">${r.triages ? `${duration(r.medianTriageMs)} (${r.triages})` : "–"}</td>
    <td class="num">${r.labelledFixes ? `${duration(r.medianLabelToPrMs)} (${r.labelledFixes})` : "–"}</td>
    <td class="num">${usd(r.costPerMergedFixUsd)}</td>
    <td class="num">${r.races.run ? `${r.races.won} of ${r.races.run}` : "–"}</td>
  </tr>`;
}
