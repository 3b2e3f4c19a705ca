import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import nock from "nock";
import type { Probot } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { registerWebhookHandlers } from "../../src/app.js";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { checkRunTriageKey, workflowRunTriageKey } from "../../src/jobs/keys.js";
import { createQueue, type JobQueue } from "../../src/jobs/queue.js";
import { getJobRecord, listJobRecords } from "../../src/jobs/records.js";
import { failedCheckRunPayload, failedWorkflowRunPayload } from "../helpers/payloads.js";
import { testProbot } from "../helpers/probot.js";

// Handlers only validate, record and enqueue: no GitHub call may happen, so nock has no mocks at all and
// any request fails the test.
let dir: string;
let db: Database;
let queue: JobQueue;
let probot: Probot;
const APP_ID = 4242;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ingress-"));
  db = await openDatabase({ dataDir: dir });
  queue = createQueue(db, { schedule: false });
  await queue.start();
});

afterAll(async () => {
  await queue.stop();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  nock.disableNetConnect();
  await db.query("DELETE FROM codex_dispatch.job_records");
  await db.query("DELETE FROM codex_dispatch.deliveries");
  await db.query("DELETE FROM pgboss.job");
  probot = testProbot({ appId: APP_ID });
  await probot.load((app) => registerWebhookHandlers(app, { db, queue, appId: APP_ID, appSlug: "codex-dispatch" }));
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
  nock.enableNetConnect();
});

async function jobsInQueue(): Promise<number> {
  const { rows } = await db.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'triage'");
  return rows[0].n;
}

describe("workflow_run.completed", () => {
  it("enqueues one triage job for a failed run, with the run's facts", async () => {
    const payload = failedWorkflowRunPayload();
    await probot.receive({ id: "delivery-1", name: "workflow_run", payload } as never);

    const key = workflowRunTriageKey(payload.repository.full_name, payload.workflow_run.head_sha, payload.workflow_run.id, 1);
    const record = await getJobRecord(db, key);
    expect(record).toMatchObject({ kind: "triage", status: "queued", repo: payload.repository.full_name });
    expect(record?.data).toMatchObject({
      headSha: payload.workflow_run.head_sha,
      pullNumbers: [2],
      installationId: 77,
      source: { type: "workflow_run", runId: payload.workflow_run.id, runAttempt: 1, workflowPath: ".github/workflows/test.yml" },
    });
    expect(await jobsInQueue()).toBe(1);
  });

  it("starts one job for a redelivery, a re-sent event and a concurrent duplicate", async () => {
    const payload = failedWorkflowRunPayload();
    await probot.receive({ id: "delivery-1", name: "workflow_run", payload } as never);
    await probot.receive({ id: "delivery-1", name: "workflow_run", payload } as never); // redelivery: same GUID
    await Promise.all([
      probot.receive({ id: "delivery-2", name: "workflow_run", payload } as never), // same event, new GUID
      probot.receive({ id: "delivery-3", name: "workflow_run", payload } as never),
    ]);
    expect(await listJobRecords(db, { limit: 10 })).toHaveLength(1);
    expect(await jobsInQueue()).toBe(1);
    const { rows } = await db.query("SELECT count(*)::int AS n FROM codex_dispatch.deliveries");
    expect(rows[0].n).toBe(3);
  });

  it("starts a new job for a re-run (a new attempt)", async () => {
    await probot.receive({ id: "d-1", name: "workflow_run", payload: failedWorkflowRunPayload({ attempt: 1 }) } as never);
    await probot.receive({ id: "d-2", name: "workflow_run", payload: failedWorkflowRunPayload({ attempt: 2 }) } as never);
    expect(await jobsInQueue()).toBe(2);
  });

  it("treats timed_out as a failure and ignores success, cancelled and skipped runs", async () => {
    for (const conclusion of ["success", "cancelled", "skipped", "neutral"]) {
      await probot.receive({ id: `d-${conclusion}`, name: "workflow_run", payload: failedWorkflowRunPayload({ conclusion }) } as never);
    }
    expect(await jobsInQueue()).toBe(0);
    await probot.receive({
      id: "d-timeout",
      name: "workflow_run",
      payload: failedWorkflowRunPayload({ conclusion: "timed_out" }),
    } as never);
    expect(await jobsInQueue()).toBe(1);
  });

  it("marks a run whose head is in another repository as a fork", async () => {
    const payload = failedWorkflowRunPayload();
    payload.workflow_run.head_repository.full_name = "someone/fork";
    payload.workflow_run.pull_requests = [];
    await probot.receive({ id: "d-fork", name: "workflow_run", payload } as never);
    const [record] = await listJobRecords(db, { limit: 1 });
    expect(record.data).toMatchObject({ fromFork: true, pullNumbers: [] });
  });

  it("ignores events the App itself caused", async () => {
    const payload = failedWorkflowRunPayload();
    payload.sender = { ...payload.sender, login: "codex-dispatch[bot]", type: "Bot" };
    await probot.receive({ id: "d-self", name: "workflow_run", payload } as never);
    expect(await jobsInQueue()).toBe(0);
  });

  it("ignores a malformed payload without throwing or enqueuing", async () => {
    const payload = failedWorkflowRunPayload();
    delete payload.workflow_run.head_sha;
    await probot.receive({ id: "d-bad", name: "workflow_run", payload } as never);
    expect(await jobsInQueue()).toBe(0);
  });
});

describe("check_run.completed", () => {
  it("enqueues a triage for another CI app's failed check run, once", async () => {
    const payload = failedCheckRunPayload();
    await probot.receive({ id: "c-1", name: "check_run", payload } as never);
    await probot.receive({ id: "c-1", name: "check_run", payload } as never);
    const key = checkRunTriageKey(payload.repository.full_name, payload.check_run.head_sha, payload.check_run.id);
    const record = await getJobRecord(db, key);
    expect(record?.data).toMatchObject({
      source: { type: "check_run", name: payload.check_run.name, output: { title: "2 tests failed" } },
    });
    expect(await jobsInQueue()).toBe(1);
  });

  it("leaves GitHub Actions check runs to workflow_run, and never triages its own check run", async () => {
    await probot.receive({ id: "c-actions", name: "check_run", payload: failedCheckRunPayload("github-actions") } as never);
    const own = failedCheckRunPayload("codex-dispatch");
    own.check_run.app.id = APP_ID;
    await probot.receive({ id: "c-own", name: "check_run", payload: own } as never);
    expect(await jobsInQueue()).toBe(0);
  });
});
