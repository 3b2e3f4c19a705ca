// /dashboard/jobs/<id>: one job's facts and its agent timeline; while the job runs, live.js follows the timeline
// over /dashboard/jobs/<id>/events (sse.ts).
import type { Database } from "../../jobs/db.js";
import { listJobEvents, type JobEvent } from "../../jobs/job-events.js";
import { count, duration, subjectOf, usd, when } from "./format.js";
import { html, type Safe } from "./html.js";
import { layout } from "./layout.js";
import { renderLinks } from "./links.js";
import type { JobRow } from "./queries.js";

export const isLive = (status: string) => status === "queued" || status === "running";

export function eventRow(e: JobEvent): Safe {
  const exit = e.exitCode === null ? "" : html`<span class="exit ${e.exitCode === 0 ? "exit-ok" : "exit-bad"}">exit ${e.exitCode}</span>`;
  // Spaces between the parts, as live.js adds them: copied or read as text, a row stays readable.
  const parts = html`<time>${e.at.slice(11, 19)}</time> <span class="type">${e.type}</span> <span class="text">${e.text}</span> ${exit}`;
  return html`<li class="ev ev-${e.type}" data-seq="${e.seq}">${parts}</li>`;
}

export async function jobPage(db: Database, job: JobRow): Promise<string> {
  const events = await listJobEvents(db, job.key);
  const live = isLive(job.status);
  const last = events.at(-1)?.seq ?? 0;
  const stream = `/dashboard/jobs/${encodeURIComponent(job.id)}/events?after=${last}`;
  const body = html`<h2>${job.kind}: ${subjectOf(job.kind, job.data, job.target)}</h2>
    <dl class="facts">
      <dt>repository</dt>
      <dd>${job.repo}</dd>
      <dt>status</dt>
      <dd><span id="job-status" class="status status-${job.status}">${job.status}</span></dd>
      <dt>agent</dt>
      <dd>${job.agents ?? "–"}</dd>
      <dt>created</dt>
      <dd>${when(job.createdAt)}</dd>
      <dt>duration</dt>
      <dd>${duration(job.durationMs)}</dd>
      <dt>tokens</dt>
      <dd>${count(job.tokens)}</dd>
      <dt>cost</dt>
      <dd>${usd(job.costUsd)}</dd>
      <dt>outcome</dt>
      <dd class="outcome">${job.outcome ?? "–"}</dd>
      ${
        job.error
          ? html`<dt>error</dt>
              <dd class="error">${job.error}</dd>`
          : ""
      }
      <dt>links</dt>
      <dd>${renderLinks(job.links)}</dd>
      <dt>key</dt>
      <dd class="muted">${job.key}</dd>
    </dl>
    <h3>
      Agent timeline <span class="muted">(<span id="event-count">${events.length}</span> events${live ? ", live" : ""})</span>
    </h3>
    <ol id="timeline" class="timeline" data-live="${live ? "1" : "0"}" data-stream="${stream}">
      ${events.map(eventRow)}
    </ol>
    ${events.length || live ? "" : html`<p class="muted">No agent events were recorded for this job.</p>`}`;
  return layout(`${job.kind} job`, body, { script: live });
}
