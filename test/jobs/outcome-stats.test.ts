import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { costByRepo, mergeRateByWeek, outcomeStats, runsPerDay, timeToTriage } from "../../src/jobs/outcome-stats.js";

// The statistics over rows seeded by hand: every expected number below is worked out from the rows in this file.
let db: Database;
let dir: string;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const today = new Date(Math.floor(Date.now() / DAY) * DAY);
// Times are counted back from noon UTC today (which may be a few hours ahead): a row "3 hours ago" is on today's
// date whatever the hour the test runs, so the per-day numbers do not depend on the clock.
const NOON = today.getTime() + 12 * HOUR;
const at = (msAgo: number) => new Date(NOON - msAgo).toISOString();
const dayKey = (daysAgo: number) => new Date(today.getTime() - daysAgo * DAY).toISOString().slice(0, 10);

async function job(j: {
  key: string;
  kind: string;
  repo?: string;
  status?: string;
  outcome?: string | null;
  createdAgo: number;
  tookMs?: number;
  tokens?: [number, number];
  cost?: number | null;
  origin?: string;
}) {
  await db.query(
    `INSERT INTO codex_dispatch.job_records (id, key, kind, repo, status, outcome, created_at, finished_at, input_tokens, output_tokens, cost_usd, data)
     VALUES ($1, $1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz, $8, $9, $10, $11::jsonb)`,
    [
      j.key,
      j.kind,
      j.repo ?? "Octo/App",
      j.status ?? "succeeded",
      j.outcome ?? null,
      at(j.createdAgo),
      j.tookMs === undefined ? null : at(j.createdAgo - j.tookMs),
      j.tokens?.[0] ?? null,
      j.tokens?.[1] ?? null,
      j.cost ?? null,
      JSON.stringify(j.origin ? { origin: { type: j.origin } } : {}),
    ],
  );
}

async function agentRun(jobKey: string, kind: string, agent: string, race: string | null = null, repo = "octo/app") {
  await db.query(
    `INSERT INTO codex_dispatch.agent_runs (job_key, repo, kind, agent, answered, tokens, race) VALUES ($1, $2, $3, $4, true, 1, $5)`,
    [jobKey, repo, kind, agent, race],
  );
}

async function pr(p: {
  number: number;
  jobKey: string;
  agent: string;
  openedAgo: number;
  state: string;
  closedAgo?: number;
  reverted?: boolean;
}) {
  await db.query(
    `INSERT INTO codex_dispatch.bot_prs (repo, number, job_key, kind, agent, opened_at, state, closed_at, merged_at, reverted_at)
     VALUES ('octo/app', $1, $2, 'fix', $3, $4::timestamptz, $5, $6::timestamptz, $7::timestamptz, $8::timestamptz)`,
    [
      p.number,
      p.jobKey,
      p.agent,
      at(p.openedAgo),
      p.state,
      p.closedAgo === undefined ? null : at(p.closedAgo),
      p.state === "merged" ? at(p.closedAgo!) : null,
      p.reverted ? at(1000) : null,
    ],
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "outcome-stats-"));
  db = await openDatabase({ dataDir: dir });
  // Triage on octo/app today: three explained (60 s, 120 s, 600 s), one that failed (not counted), one skipped.
  await job({ key: "t1", kind: "triage", outcome: "explained: code", createdAgo: 3 * HOUR, tookMs: 60_000, tokens: [100, 10], cost: 0.01 });
  await job({
    key: "t2",
    kind: "triage",
    outcome: "explained: flaky",
    createdAgo: 2 * HOUR,
    tookMs: 120_000,
    tokens: [100, 10],
    cost: 0.01,
  });
  await job({ key: "t3", kind: "triage", outcome: "explained: code", createdAgo: HOUR, tookMs: 600_000, tokens: [100, 10], cost: 0.01 });
  await job({ key: "t4", kind: "triage", status: "failed", createdAgo: HOUR, tookMs: 5_000 });
  await job({ key: "t5", kind: "triage", outcome: "skipped: no logs", createdAgo: HOUR, tookMs: 1_000 });
  for (const k of ["t1", "t2", "t3"]) await agentRun(k, "triage", "codex");
  // Fixes from labelled issues, three days ago: f1 and f2 by codex, f3 by claude; f4 from a command (not a label).
  await job({
    key: "f1",
    kind: "fix",
    outcome: "pr-opened #1",
    createdAgo: 3 * DAY,
    tookMs: HOUR,
    tokens: [1000, 200],
    cost: 0.5,
    origin: "issue",
  });
  await job({
    key: "f2",
    kind: "fix",
    outcome: "pr-opened #2",
    createdAgo: 3 * DAY,
    tookMs: HOUR,
    tokens: [3000, 600],
    cost: 1.5,
    origin: "issue",
  });
  await job({
    key: "f3",
    kind: "fix",
    outcome: "pr-opened #3",
    createdAgo: 3 * DAY,
    tookMs: HOUR,
    tokens: [500, 100],
    cost: 0.2,
    origin: "issue",
  });
  await job({
    key: "f4",
    kind: "fix",
    outcome: "pr-opened #4",
    createdAgo: 3 * DAY,
    tookMs: HOUR,
    tokens: [700, 0],
    cost: null,
    origin: "command",
  });
  for (const [k, a] of [
    ["f1", "codex"],
    ["f2", "codex"],
    ["f3", "claude"],
    ["f4", "codex"],
  ])
    await agentRun(k, "fix", a);
  // Label → PR: f1's PR 10 minutes after its label, f2's 30 minutes, f3's 20 minutes; f4's is not a labelled fix.
  await pr({ number: 1, jobKey: "f1", agent: "codex", openedAgo: 3 * DAY - 10 * 60_000, state: "merged", closedAgo: DAY });
  await pr({ number: 2, jobKey: "f2", agent: "codex", openedAgo: 3 * DAY - 30 * 60_000, state: "merged", closedAgo: DAY, reverted: true });
  await pr({ number: 3, jobKey: "f3", agent: "claude", openedAgo: 3 * DAY - 20 * 60_000, state: "closed", closedAgo: DAY });
  await pr({ number: 4, jobKey: "f4", agent: "codex", openedAgo: 3 * DAY - 5 * 60_000, state: "open" });
  // A race: codex won one and lost one; claude won one.
  await agentRun("r1", "fix", "codex", "won");
  await agentRun("r1", "fix", "claude", "lost");
  await agentRun("r2", "fix", "codex", "lost");
  await agentRun("r2", "fix", "claude", "won");
  await agentRun("r3", "fix", "codex", "won");
  // Another repository, long ago (40 days): outside the default 30-day window.
  await job({
    key: "old",
    kind: "triage",
    repo: "other/lib",
    outcome: "explained: code",
    createdAgo: 40 * DAY,
    tookMs: 1000,
    tokens: [5, 5],
    cost: 9,
  });
  await job({ key: "o2", kind: "explain", repo: "Other/Lib", outcome: "answered", createdAgo: 2 * DAY, tookMs: 1000, tokens: [40, 2] });
}, 60_000);

afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe("outcomeStats", () => {
  it("per repository, kind and agent: merged share, label→PR median, tokens and cost per merged fix, races, triage median", async () => {
    const rows = await outcomeStats(db, { repo: "OCTO/app" });
    expect(rows.map((r) => `${r.kind}/${r.agent}`)).toEqual(["fix/claude", "fix/codex", "triage/codex"]);
    const [claude, codex, triage] = rows;
    // codex: PRs 1 (merged), 2 (merged, reverted), 4 (open) → 2 of 2 decided merged.
    expect(codex.prs).toEqual({ opened: 3, merged: 2, closed: 0, open: 1, reverted: 1 });
    expect(codex.mergedShare).toBe(1);
    // Merged fixes f1 + f2: (1000 + 200 + 3000 + 600) / 2 tokens, (0.5 + 1.5) / 2 USD.
    expect(codex.tokensPerMergedFix).toBe(2400);
    expect(codex.costPerMergedFixUsd).toBeCloseTo(1.0, 9);
    // Labelled fixes of codex: f1 (10 min) and f2 (30 min) → median 20 min; f4 came from a command.
    expect(codex.labelledFixes).toBe(2);
    expect(codex.medianLabelToPrMs).toBeCloseTo(20 * 60_000, -1);
    // Races of codex: r1 won, r2 lost, r3 won.
    expect(codex.races).toEqual({ run: 3, won: 2 });
    // claude: PR 3 closed unmerged → 0 of 1; nothing merged, so no per-merged-fix numbers.
    expect(claude).toMatchObject({ prs: { opened: 1, merged: 0, closed: 1, open: 0, reverted: 0 }, mergedShare: 0 });
    expect(claude).toMatchObject({ tokensPerMergedFix: null, costPerMergedFixUsd: null, labelledFixes: 1, races: { run: 2, won: 1 } });
    expect(claude.medianLabelToPrMs).toBeCloseTo(20 * 60_000, -1);
    // Triage: explained in 60 s, 120 s, 600 s → median 120 s (the failed and the skipped ones do not count).
    expect(triage).toMatchObject({ triages: 3, prs: { opened: 0 }, mergedShare: null });
    expect(triage.medianTriageMs).toBeCloseTo(120_000, -1);
  });

  it("the window: 40-day-old rows only with sinceDays 60; an even count's median is the mean of the middle two", async () => {
    expect((await outcomeStats(db, { repo: "other/lib" })).filter((r) => r.kind === "triage")).toEqual([]);
    const wide = await outcomeStats(db, { sinceDays: 60 });
    expect(wide.find((r) => r.repo === "other/lib")).toMatchObject({ kind: "triage", agent: "unknown", triages: 1, medianTriageMs: 1000 });
    // A fourth explained triage makes the count even.
    await job({ key: "t6", kind: "triage", outcome: "explained: code", createdAgo: HOUR, tookMs: 300_000 });
    await agentRun("t6", "triage", "codex");
    const triage = (await outcomeStats(db, { repo: "octo/app" })).find((r) => r.kind === "triage");
    // 60, 120, 300, 600 s → (120 + 300) / 2 = 210 s.
    expect(triage?.medianTriageMs).toBeCloseTo(210_000, -1);
    await db.query(`DELETE FROM codex_dispatch.job_records WHERE key = 't6'`);
    await db.query(`DELETE FROM codex_dispatch.agent_runs WHERE job_key = 't6'`);
  });
});

describe("the dashboard's series", () => {
  it("runsPerDay: every day of the range, succeeded jobs by their outcome's first word, others by status", async () => {
    const days = await runsPerDay(db, { days: 7, repo: "octo/app" });
    expect(days.map((d) => d.day)).toEqual([6, 5, 4, 3, 2, 1, 0].map(dayKey));
    const byDay = Object.fromEntries(days.map((d) => [d.day, d]));
    expect(byDay[dayKey(0)]).toEqual({ day: dayKey(0), counts: { explained: 3, failed: 1, skipped: 1 }, total: 5 });
    expect(byDay[dayKey(3)]).toEqual({ day: dayKey(3), counts: { "pr-opened": 4 }, total: 4 });
    expect(byDay[dayKey(5)]).toEqual({ day: dayKey(5), counts: {}, total: 0 });
  });

  it("mergeRateByWeek: PRs opened per week, and of those decided in a week the share merged", async () => {
    const weeks = await mergeRateByWeek(db, { weeks: 4, repo: "octo/app" });
    expect(weeks).toHaveLength(4);
    expect(new Date(`${weeks[3].weekStart}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(weeks.reduce((a, w) => a + w.opened, 0)).toBe(4);
    // Decided one day ago: 2 merged, 1 closed → 2/3 in the week that holds "a day ago".
    const decidedWeek = weeks.find((w) => w.merged + w.closed > 0)!;
    expect(decidedWeek).toMatchObject({ merged: 2, closed: 1 });
    expect(decidedWeek.mergeRate).toBeCloseTo(2 / 3, 9);
    expect(weeks.filter((w) => w !== decidedWeek).every((w) => w.mergeRate === null)).toBe(true);
  });

  it("costByRepo: tokens and cost of each repository's jobs in the range, unpriced jobs counted apart", async () => {
    expect(await costByRepo(db, { days: 30 })).toEqual([
      // 3 triages (110 tokens, 0.01 each) + f1..f4 (1200 + 3600 + 600 + 700 tokens; 0.5 + 1.5 + 0.2) + t4, t5 without tokens.
      { repo: "octo/app", jobs: 9, tokens: 330 + 6100, costUsd: expect.closeTo(2.23, 9), unpricedJobs: 1 },
      // The 40-day-old triage is out of range; the explain spent 42 tokens on an unpriced model.
      { repo: "other/lib", jobs: 1, tokens: 42, costUsd: 0, unpricedJobs: 1 },
    ]);
  });

  it("timeToTriage: per day the explained triages, their median and slowest time", async () => {
    const days = await timeToTriage(db, { days: 2, repo: "octo/app" });
    expect(days.map((d) => d.day)).toEqual([dayKey(1), dayKey(0)]);
    expect(days[0]).toEqual({ day: dayKey(1), triages: 0, medianMs: null, maxMs: null });
    expect(days[1]).toMatchObject({ day: dayKey(0), triages: 3 });
    expect(days[1].medianMs).toBeCloseTo(120_000, -1);
    expect(days[1].maxMs).toBeCloseTo(600_000, -1);
    await expect(timeToTriage(db, { days: 0 })).rejects.toThrow(/days must be an integer/);
  });
});
