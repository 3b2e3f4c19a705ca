import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { SCHEMA } from "../../src/jobs/migrations.js";
import { TimelineRecorder } from "../../src/pipeline/steps/timeline.js";
import { tempDataDir } from "../jobs/setup.js";
import { insertJob, serveDashboard } from "./dashboard-server.js";

// The live stream without a browser: what it sends, when it ends, and that it never holds up a shutdown.
const TOKEN = "sse-test-token-0123456789";
let tmp: { dir: string; remove(): Promise<void> };
let db: Database;

beforeAll(async () => {
  tmp = await tempDataDir();
  db = await openDatabase({ dataDir: tmp.dir });
}, 60_000);

afterAll(async () => {
  await db?.close();
  await tmp?.remove();
});

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, pattern: RegExp, soFar = ""): Promise<string> {
  let text = soFar;
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
    text += new TextDecoder().decode(value);
  }
  return text;
}

describe("the timeline stream", () => {
  it("sends rows written after it opened, resumes after Last-Event-ID, and ends with the job's status", async () => {
    const id = await insertJob(db, { key: "job:live", status: "running" });
    const server = await serveDashboard({ db, token: TOKEN, stream: { pollMs: 50 } });
    try {
      const t = new TimelineRecorder(db, "job:live", pino({ level: "silent" }));
      t.start("codex", undefined);
      await t.flush();
      const res = await fetch(`${server.url}/dashboard/jobs/${id}/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const reader = res.body!.getReader();
      let text = await readUntil(reader, /codex started/);
      t.onEvent({ type: "item.completed", item: { type: "command_execution", command: "make", exit_code: 2 } });
      await t.flush();
      text = await readUntil(reader, /"exitCode":2/, text);
      await db.query(`UPDATE ${SCHEMA}.job_records SET status = 'failed' WHERE key = 'job:live'`);
      text = await readUntil(reader, /event: end\ndata: \{"status":"failed"\}/, text);
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(ids).toHaveLength(2);

      const resumed = await fetch(`${server.url}/dashboard/jobs/${id}/events`, {
        headers: { authorization: `Bearer ${TOKEN}`, "last-event-id": String(ids[0]) },
      });
      const again = await resumed.text();
      expect(again).toContain('"text":"make"');
      expect(again).not.toContain("codex started");
    } finally {
      await server.close();
    }
  });

  it("an open stream of a running job ends as soon as the server stops listening, so shutdown is not held up", async () => {
    const id = await insertJob(db, { key: "job:open", status: "running" });
    const server = await serveDashboard({ db, token: TOKEN, stream: { pollMs: 50, maxMs: 60_000 } });
    const res = await fetch(`${server.url}/dashboard/jobs/${id}/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const reader = res.body!.getReader();
    await readUntil(reader, /waiting/);
    const started = Date.now();
    await server.closeGracefully();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
