// The live timeline: Server-Sent Events of a job's new job_events rows. It polls the table rather than listening
// to the agent in this process, so it works whichever worker process runs the job. It ends (event "end") once
// the job has finished and every row is sent; a browser that reconnects resumes after Last-Event-ID.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "../../jobs/db.js";
import { listJobEvents } from "../../jobs/job-events.js";
import { isLive } from "./job-page.js";
import { jobStatus, type JobRow } from "./queries.js";

export interface StreamOptions {
  pollMs?: number;
  /** A stream is closed after this long; the browser reconnects and resumes. */
  maxMs?: number;
}

export async function streamEvents(db: Database, job: JobRow, req: IncomingMessage, res: ServerResponse, url: URL, o: StreamOptions = {}) {
  const pollMs = o.pollMs ?? 500;
  const deadline = Date.now() + (o.maxMs ?? 5 * 60_000);
  const resume = Number(req.headers["last-event-id"] ?? url.searchParams.get("after") ?? 0);
  let after = Number.isSafeInteger(resume) && resume > 0 ? resume : 0;
  let closed = false;
  req.on("close", () => (closed = true));
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-accel-buffering": "no",
    connection: "close",
  });
  res.write("retry: 2000\n\n");
  // server.close() (Probot's stop on SIGTERM) waits for open responses: a stream ends as soon as its server stops
  // listening, so an open dashboard tab never holds up a shutdown. The browser reconnects to the next process.
  const server = (req.socket as { server?: { listening?: boolean } }).server;
  while (!closed && Date.now() < deadline && server?.listening !== false) {
    // Status first: a row written before the job finished is then read below, before "end" is sent.
    const status = (await jobStatus(db, job.key)) ?? "missing";
    const events = await listJobEvents(db, job.key, after, 200);
    for (const e of events) res.write(`id: ${e.seq}\nevent: timeline\ndata: ${JSON.stringify(e)}\n\n`);
    if (events.length) after = events[events.length - 1].seq;
    else if (!isLive(status)) {
      res.write(`event: end\ndata: ${JSON.stringify({ status })}\n\n`);
      break;
    } else res.write(": waiting\n\n");
    if (events.length < 200) await new Promise((r) => setTimeout(r, pollMs));
  }
  res.end();
}
