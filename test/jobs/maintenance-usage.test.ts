import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { maintenanceRunKey } from "../../src/jobs/keys.js";
import { maintenanceUsageToday, utcDayStart } from "../../src/jobs/maintenance-usage.js";
import { SCHEMA, runMigrations } from "../../src/jobs/migrations.js";
import { tempDataDir } from "./setup.js";

// maintenance.daily_runs / daily_tokens are per repository per UTC day, read from the job records.
const NOW = new Date("2026-03-10T15:00:00Z");
let tmp: Awaited<ReturnType<typeof tempDataDir>>;
let db: Database;
let n = 0;

async function record(repo: string, key: string, opts: { at?: string; outcome?: string | null; tokens?: [number, number] } = {}) {
  n += 1;
  await db.query(
    `INSERT INTO ${SCHEMA}.job_records (id, key, kind, repo, created_at, outcome, input_tokens, output_tokens)
     VALUES ($1, $2, 'fix', $3, $4::timestamptz, $5, $6, $7)`,
    [`id-${n}`, key, repo, opts.at ?? "2026-03-10T09:00:00Z", opts.outcome ?? null, opts.tokens?.[0] ?? null, opts.tokens?.[1] ?? null],
  );
}

beforeAll(async () => {
  tmp = await tempDataDir();
  db = await openDatabase({ dataDir: tmp.dir });
  await runMigrations(db);
  const run = (task: string, period: string) => maintenanceRunKey("acme/app", task, period);
  await record("acme/app", run("docs", "a"), { outcome: "pr-opened #3", tokens: [1000, 200] });
  await record("acme/app", run("docs", "b"), { outcome: "no-change", tokens: [500, 50] });
  await record("acme/app", run("lint", "a"), { outcome: null }); // still queued: it may yet spend
  await record("acme/app", run("lint", "b"), { outcome: "budget-spent" }); // stopped in the gates: free
  await record("acme/app", run("docs", "y"), { at: "2026-03-09T23:59:59Z", outcome: "pr-opened #2", tokens: [9000, 0] }); // yesterday
  await record("acme/other", maintenanceRunKey("acme/other", "docs", "a"), { outcome: "pr-opened #1", tokens: [7, 7] });
  await record("acme/app", "fix:acme/app#12:label:codex@x", { outcome: "pr-opened #13", tokens: [5000, 5000] }); // an issue fix
  await record("acme/app", run("docs", "self"));
}, 60_000);
afterAll(async () => {
  await db?.close();
  await tmp?.remove();
});

describe("maintenanceUsageToday", () => {
  it("counts today's (UTC) maintenance runs of the repository, not gate refusals, not itself, not other repos or kinds", async () => {
    const usage = await maintenanceUsageToday(db, {
      repo: "Acme/App",
      excludeKey: maintenanceRunKey("acme/app", "docs", "self"),
      now: NOW,
    });
    expect(usage).toEqual({ runs: 3, tokens: 1750 });
  });

  it("a new UTC day starts from nothing", async () => {
    const tomorrow = new Date("2026-03-11T00:00:01Z");
    expect(utcDayStart(tomorrow).toISOString()).toBe("2026-03-11T00:00:00.000Z");
    expect(await maintenanceUsageToday(db, { repo: "acme/app", excludeKey: "x", now: tomorrow })).toEqual({ runs: 0, tokens: 0 });
  });
});
