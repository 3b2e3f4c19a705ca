// /dashboard: the filters, four charts, the outcomes per repository ("does it help?") and the newest jobs.
import type { Database } from "../../jobs/db.js";
import { JOB_STATUSES } from "../../jobs/records.js";
import { chartsHtml } from "./chart-section.js";
import { count, duration, subjectOf, usd, when } from "./format.js";
import { html, type Safe } from "./html.js";
import { layout } from "./layout.js";
import { renderLinks } from "./links.js";
import { filterChoices, listJobs, type JobFilter, type JobRow } from "./queries.js";
import { outcomesTable } from "./outcomes-table.js";

export async function listPage(db: Database, filter: JobFilter): Promise<string> {
  const [jobs, choices, charts, outcomes] = await Promise.all([
    listJobs(db, filter),
    filterChoices(db),
    chartsHtml(db, filter.repo),
    outcomesTable(db, filter.repo),
  ]);
  const body = html`${filterForm(filter, choices)}
    <section class="charts">${charts}</section>
    <section class="outcomes">${outcomes}</section>
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
