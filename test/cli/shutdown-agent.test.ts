import { createHmac, generateKeyPairSync } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import type { Harness } from "../../demo/harness.js";
import { issueFixScript, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import { startScriptedModel, type ScriptedModel, type ScriptStep } from "../../demo/scripted-model.js";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { HANDED_BACK_PHASE } from "../../src/jobs/worker/hand-back.js";
import { startTestPostgres, type TestPostgres } from "../helpers/postgres.js";

// The app as deployed: `npm start` processes on one PostgreSQL, a signed webhook, the real codex binary and git;
// GitHub and the model are the stand-ins. Docker stops a worker with SIGTERM while its agent runs.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const MAIN = path.resolve("dist/src/main.js");
const SECRET = "shutdown-webhook-secret";
let dir: string;
let keyPath: string;
let standIn: GitHubStandIn;
let model: ScriptedModel;
let pg: TestPostgres;
let db: Database;
let steps: ScriptStep[] = [];
const procs: ResultPromise[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "shutdown-agent-"));
  // As root, agents run under their own uids, which must be able to pass through `dir`.
  await chmod(dir, 0o711);
  keyPath = path.join(dir, "key.pem");
  await writeFile(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }), {
    mode: 0o600,
  });
  standIn = await startGitHubStandIn();
  model = await startScriptedModel(() => steps);
  pg = await startTestPostgres();
  db = await openDatabase({ dataDir: "", databaseUrl: pg.url });
}, 60_000);
afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
  await Promise.allSettled(procs);
  await db?.close();
  await pg?.stop();
  await model?.close();
  await standIn?.close();
  await rm(dir, { recursive: true, force: true });
});

function start(name: string, env: Record<string, string>): ResultPromise {
  const p = execa(process.execPath, [MAIN], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "development",
      APP_ID: "4242",
      APP_SLUG: "codex-dispatch",
      PRIVATE_KEY_PATH: keyPath,
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: standIn.host,
      GHE_PROTOCOL: "http",
      MODEL_BASE_URL: model.baseUrl,
      CODEX_API_KEY: "sk-upstream-shutdown",
      CODEX_MODEL: "gpt-5.5",
      DATABASE_URL: pg.url,
      DATA_DIR: path.join(dir, name),
      // No retry at all: a shutdown that spent one would leave the job failed and given up.
      JOB_RETRY_LIMIT: "0",
      LOG_LEVEL: "info",
      ...env,
    },
    extendEnv: false,
    reject: false,
    forceKillAfterDelay: false,
  });
  procs.push(p);
  return p;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function deliverLabel(port: number, issue: IssueFixSetup): Promise<number> {
  const body = JSON.stringify(issue.payload);
  await until(
    "the web server",
    () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
  );
  const res = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": issue.deliveryId,
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
    },
    body,
  });
  return res.status;
}

const pullsOf = (repo: string) => (standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes(`/repos/${repo}/`));
const botComments = (issue: IssueFixSetup) =>
  (standIn.snapshot().comments as AnyJson[]).filter(
    (c) => c.user?.type === "Bot" && String(c.issue_url).endsWith(`/repos/${issue.repoFullName}/issues/${issue.issueNumber}`),
  );
const bossJob = async (id: string) =>
  (await db.query<{ state: string; retry_count: number }>("SELECT state, retry_count FROM pgboss.job WHERE id = $1::uuid", [id])).rows[0];

describe("SIGTERM while a real agent runs", () => {
  it("grace shorter than the run: codex is killed, the fix job goes back unspent, a fresh worker makes the one PR", async () => {
    const issue = await setupIssueFix({ standIn } as unknown as Harness, { repoName: "shutdown-short" });
    try {
      // The model stalls: codex waits on it until the shutdown kills it.
      steps = [{ kind: "hang" }];
      const port = 41000 + Math.floor(Math.random() * 2000);
      const first = start("first", { ROLE: "all", PORT: String(port), SHUTDOWN_GRACE_SECONDS: "2" });
      expect(await deliverLabel(port, issue)).toBe(200);
      const record = await until("the agent to ask the model", async () => model.requests.length > 0 && getJobRecord(db, issue.key));
      expect(record.status).toBe("running");
      first.kill("SIGTERM");
      const stopped = await first;
      expect(stopped.exitCode).toBe(0);
      expect(String(stopped.stdout)).toContain("job handed back");
      expect(await getJobRecord(db, issue.key)).toMatchObject({ status: "queued", attempts: 1, phase: HANDED_BACK_PHASE });
      expect(await bossJob(record.id)).toMatchObject({ state: "created", retry_count: 0 });
      expect(pullsOf(issue.repoFullName)).toHaveLength(0);

      // Another worker, the model now answering: the same first attempt, to the end.
      steps = issueFixScript();
      const second = start("second", { ROLE: "worker", HEALTH_PORT: "0" });
      const done = await until("the fresh worker to finish the job", async () => {
        const r = await getJobRecord(db, issue.key);
        return r && (r.status === "succeeded" || r.status === "failed") && r;
      });
      expect(done).toMatchObject({ status: "succeeded", attempts: 1 });
      expect(await bossJob(record.id)).toMatchObject({ retry_count: 0 });
      expect(pullsOf(issue.repoFullName)).toHaveLength(1);
      // One comment, updated in place: the killed attempt left no failure behind it.
      const comments = botComments(issue);
      expect(comments).toHaveLength(1);
      expect(comments[0].body).toMatch(/drafting a change for #\d+: done/);
      second.kill("SIGTERM");
      expect((await second).exitCode).toBe(0);
    } finally {
      await issue.remote.cleanup();
    }
  }, 180_000);

  it("grace longer than the run: the agent finishes, the PR is made, the process exits 0", async () => {
    const issue = await setupIssueFix({ standIn } as unknown as Harness, { repoName: "shutdown-long" });
    try {
      // A few seconds of agent work (a real `sleep` in codex's sandbox), then the fix.
      steps = [{ kind: "exec", cmd: "sleep 4" }, ...issueFixScript()];
      const port = 43000 + Math.floor(Math.random() * 2000);
      const app = start("long", { ROLE: "all", PORT: String(port), SHUTDOWN_GRACE_SECONDS: "120" });
      const before = model.requests.length;
      expect(await deliverLabel(port, issue)).toBe(200);
      await until("the agent to ask the model", () => model.requests.length > before);
      app.kill("SIGTERM");
      const stopped = await app;
      expect(stopped.exitCode).toBe(0);
      expect(String(stopped.stdout)).not.toContain("job handed back");
      expect(await getJobRecord(db, issue.key)).toMatchObject({ status: "succeeded", attempts: 1, error: null });
      expect(pullsOf(issue.repoFullName)).toHaveLength(1);
      const comments = botComments(issue);
      expect(comments).toHaveLength(1);
      expect(comments[0].body).toContain("`sleep 4` (exit 0)");
    } finally {
      await issue.remote.cleanup();
    }
  }, 180_000);
});
