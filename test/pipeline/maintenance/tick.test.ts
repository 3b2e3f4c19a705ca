import { describe, expect, it } from "vitest";
import { maintenanceRunKey } from "../../../src/jobs/keys.js";
import { listJobRecords } from "../../../src/jobs/records.js";
import { RepoConfigCache } from "../../../src/pipeline/maintenance/config-cache.js";
import { tickMaintenance } from "../../../src/pipeline/maintenance/tick.js";
import { DEPS_TASK, maintenanceConfig, useMaintenanceRig } from "./rig.js";

const rig = useMaintenanceRig();
const at = (iso: string) => new Date(iso);

async function records(repo: string, kind: string) {
  return (await listJobRecords(rig.db, { limit: 100, repo })).filter((r) => r.kind === kind);
}

describe("the maintenance tick", () => {
  it("enqueues a due task once, and not again in the same period; the next period is due again", async () => {
    const repo = rig.addRepo("tick-once", maintenanceConfig(DEPS_TASK));
    const cache = new RepoConfigCache();
    // The daily 03:00 run's jitter is at most 15 minutes: 03:20 is past it.
    const first = await tickMaintenance(rig.deps, { now: at("2025-03-10T03:20:00Z"), cache });
    const key = maintenanceRunKey(repo.fullName, "deps", "2025-03-10T03:00:00.000Z");
    expect(first.enqueued).toEqual([key]);
    const [run] = await records(repo.fullName, "fix");
    expect(run).toMatchObject({ key, status: "queued", target: "acme/tick-once:maintenance/deps" });
    expect((run.data as { origin: unknown }).origin).toEqual({
      type: "maintenance",
      task: "deps",
      period: "2025-03-10T03:00:00.000Z",
      trigger: "schedule",
    });

    const again = await tickMaintenance(rig.deps, { now: at("2025-03-10T05:00:00Z"), cache });
    expect(again.enqueued).toEqual([]);
    expect(await records(repo.fullName, "fix")).toHaveLength(1);
    // The second read of the unchanged config was a 304.
    const reads = rig.standIn.requests.filter((r) => r.path.startsWith("/api/v3/repos/acme/tick-once/contents/.github%2Fcodex.yml"));
    expect(reads.map((r) => r.status)).toEqual([200, 304]);

    const nextDay = await tickMaintenance(rig.deps, { now: at("2025-03-11T03:20:00Z"), cache });
    expect(nextDay.enqueued).toEqual([maintenanceRunKey(repo.fullName, "deps", "2025-03-11T03:00:00.000Z")]);
  });

  it("holds a due task while the day's budget is spent, and runs it the next day within the same period", async () => {
    const weekly = `    - name: weekly\n      schedule: "0 3 * * 1"\n      preset: docs\n`;
    const repo = rig.addRepo("tick-budget", maintenanceConfig(weekly, "  daily_runs: 1\n"));
    // Monday 2025-03-10: one run of another task already happened today.
    await rig.db.query(
      `INSERT INTO codex_dispatch.job_records (id, key, kind, repo, outcome, created_at) VALUES ('spent', $1, 'fix', $2, 'pr-opened #1', '2025-03-10T01:00:00Z')`,
      [maintenanceRunKey(repo.fullName, "other", "earlier"), repo.fullName],
    );
    const cache = new RepoConfigCache();
    const monday = await tickMaintenance(rig.deps, { now: at("2025-03-10T03:20:00Z"), cache });
    expect(monday.enqueued).toEqual([]);
    expect(monday.held).toEqual([`${repo.fullName}:weekly`]);
    // Tuesday: a new budget, the same weekly period (Monday's), still unrun.
    const tuesday = await tickMaintenance(rig.deps, { now: at("2025-03-11T00:05:00Z"), cache });
    expect(tuesday.enqueued).toEqual([maintenanceRunKey(repo.fullName, "weekly", "2025-03-10T03:00:00.000Z")]);
    expect(tuesday.held).toEqual([]);
  });

  it("does not enqueue before the task's jittered start, nor a disabled task", async () => {
    const disabled = `    - name: off\n      schedule: "0 3 * * *"\n      preset: docs\n      enabled: false\n`;
    const repo = rig.addRepo("tick-early", maintenanceConfig(DEPS_TASK + disabled));
    // 02:59: still yesterday's period, which was never run, so it is due; 03:00 exactly starts today's.
    const summary = await tickMaintenance(rig.deps, { now: at("2025-03-10T02:59:00Z"), cache: new RepoConfigCache() });
    expect(summary.enqueued).toEqual([maintenanceRunKey(repo.fullName, "deps", "2025-03-09T03:00:00.000Z")]);
    const runs = await records(repo.fullName, "fix");
    expect(runs.map((r) => (r.data as { origin: { task: string } }).origin.task)).toEqual(["deps"]);
  });

  it("after a restart mid-period (empty cache, new process) enqueues nothing more, even with the clock stepped back", async () => {
    const repo = rig.addRepo("tick-restart", maintenanceConfig(DEPS_TASK));
    await tickMaintenance(rig.deps, { now: at("2025-03-10T03:20:00Z"), cache: new RepoConfigCache() });
    const afterRestart = await tickMaintenance(rig.deps, { now: at("2025-03-10T09:00:00Z"), cache: new RepoConfigCache() });
    expect(afterRestart.enqueued).toEqual([]);
    const clockBack = await tickMaintenance(rig.deps, { now: at("2025-03-09T23:00:00Z"), cache: new RepoConfigCache() });
    expect(clockBack.enqueued).toEqual([]);
    expect(await records(repo.fullName, "fix")).toHaveLength(1);
  });

  it("asks for a dashboard render when what it shows changed, and not every minute", async () => {
    const repo = rig.addRepo("tick-dash", maintenanceConfig(DEPS_TASK));
    const cache = new RepoConfigCache();
    expect((await tickMaintenance(rig.deps, { now: at("2025-03-10T01:00:00Z"), cache })).dashboards).toBe(1);
    // Same state a minute later: the same render key, no new job.
    expect((await tickMaintenance(rig.deps, { now: at("2025-03-10T01:01:00Z"), cache })).dashboards).toBe(0);
    // The config changed (a 200 with a new text): a new render.
    rig.standIn.setFile(repo.fullName, "main", ".github/codex.yml", maintenanceConfig(DEPS_TASK, "  daily_runs: 3\n"));
    expect((await tickMaintenance(rig.deps, { now: at("2025-03-10T01:02:00Z"), cache })).dashboards).toBe(1);
    const dashboards = await records(repo.fullName, "dashboard");
    expect(dashboards).toHaveLength(2);
    expect(dashboards.every((d) => d.target === "acme/tick-dash:dashboard")).toBe(true);
  });

  it("reads an _extends base conditionally too: unchanged, it costs a 304 like the repository's own file", async () => {
    rig.addRepo(".github", maintenanceConfig(DEPS_TASK));
    rig.addRepo("tick-extends", "_extends: .github\n");
    const cache = new RepoConfigCache();
    const first = await tickMaintenance(rig.deps, { now: at("2025-03-10T03:20:00Z"), cache });
    expect(first.enqueued).toContain(maintenanceRunKey("acme/tick-extends", "deps", "2025-03-10T03:00:00.000Z"));
    await tickMaintenance(rig.deps, { now: at("2025-03-10T03:21:00Z"), cache });
    const baseReads = rig.standIn.requests.filter((r) => r.path.startsWith("/api/v3/repos/acme/.github/contents/.github%2Fcodex.yml"));
    // The .github repository's own tick reads it (200, 304), and so does the base read of tick-extends (200, 304).
    expect(baseReads.map((r) => r.status).sort()).toEqual([200, 200, 304, 304]);
  });

  it("leaves repositories without a maintenance section alone, and one repository's failure does not stop the others", async () => {
    rig.addRepo("tick-none", "triage:\n  enabled: true\n");
    rig.addRepo("tick-broken", maintenanceConfig(DEPS_TASK));
    const other = rig.addRepo("tick-other", maintenanceConfig(DEPS_TASK), 2);
    rig.standIn.failNext("GET", /^\/repos\/acme\/tick-broken\/contents\//, 500);
    const summary = await tickMaintenance(rig.deps, { now: at("2025-03-10T03:20:00Z"), cache: new RepoConfigCache() });
    expect(summary).toMatchObject({ repositories: 3, failed: 1 });
    expect(summary.enqueued).toEqual([maintenanceRunKey(other.fullName, "deps", "2025-03-10T03:00:00.000Z")]);
    expect(await listJobRecords(rig.db, { limit: 10, repo: "acme/tick-none" })).toEqual([]);
  });
});
