import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../../demo/github-standin.js";
import { maintenanceRunKey } from "../../../src/jobs/keys.js";
import { listJobRecords } from "../../../src/jobs/records.js";
import { startTestPostgres, type TestPostgres } from "../../helpers/postgres.js";
import { openAll } from "../../jobs/setup.js";
import { DEPS_TASK, maintenanceConfig, newPrivateKey } from "./rig.js";

const LOADER = fileURLToPath(new URL("../../jobs/fixtures/ts-loader.mjs", import.meta.url));
const SCRIPT = fileURLToPath(new URL("./fixtures/tick-child.ts", import.meta.url));

interface Ticked {
  pid: number;
  summary: { enqueued: string[]; dashboards: number; failed: number; repositories: number };
}

function tickInChild(env: Record<string, string>): Promise<Ticked> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", LOADER, SCRIPT], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith('{"event":"ticked"'));
      if (code === 0 && line) resolve(JSON.parse(line) as Ticked);
      else reject(new Error(`tick child exited ${code}\n${out}\n${err}`));
    });
  });
}

// Two worker processes on one PostgreSQL tick in the same moment with the same clock (as when pg-boss's cron
// fired twice, or a slow tick overlapped the next): the run key lets exactly one enqueue through.
describe("maintenance tick on PostgreSQL, two processes at once", () => {
  let server: TestPostgres;
  let standIn: GitHubStandIn;

  beforeAll(async () => {
    server = await startTestPostgres();
    standIn = await startGitHubStandIn();
  }, 120_000);
  afterAll(async () => {
    await standIn?.close();
    await server?.stop();
  });

  it("enqueues one run for the period, whichever process is first", async () => {
    standIn.addRepo({ owner: "acme", name: "pg-tick", cloneUrl: "/nonexistent/pg-tick.git" });
    standIn.setFile("acme/pg-tick", "main", ".github/codex.yml", maintenanceConfig(DEPS_TASK));
    const env = {
      DATABASE_URL: server.url,
      STANDIN_URL: standIn.baseUrl,
      APP_KEY_B64: Buffer.from(newPrivateKey()).toString("base64"),
      NOW: "2025-03-10T03:20:00Z",
      START_AT: String(Date.now() + 8_000),
    };
    const results = await Promise.all([tickInChild(env), tickInChild(env)]);
    expect(new Set(results.map((r) => r.pid)).size).toBe(2);
    const key = maintenanceRunKey("acme/pg-tick", "deps", "2025-03-10T03:00:00.000Z");
    // Both saw the task due; one got the key.
    expect(results.flatMap((r) => r.summary.enqueued)).toEqual([key]);
    expect(results.map((r) => r.summary.failed)).toEqual([0, 0]);

    const { db, close } = await openAll("", { schedule: false }, server.url);
    try {
      const records = await listJobRecords(db, { limit: 20, repo: "acme/pg-tick" });
      expect(records.filter((r) => r.kind === "fix").map((r) => r.key)).toEqual([key]);
      // One dashboard render for the one state both saw.
      expect(records.filter((r) => r.kind === "dashboard")).toHaveLength(1);
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'fix'");
      expect(rows[0].n).toBe(1);
    } finally {
      await close();
    }
  }, 120_000);
});
