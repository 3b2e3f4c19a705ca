import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { maintenanceScript, setupMaintenance, submitMaintenanceRun, type MaintenanceSetup } from "../../demo/scenarios/maintenance.js";
import { maintenanceRunKey } from "../../src/jobs/keys.js";
import { SCHEMA } from "../../src/jobs/migrations.js";

// The gates of a maintenance run, before any checkout: a task that is gone or disabled, the open-PR limit and
// the daily budget each stop the run with a clear outcome, nothing posted and no agent started.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONFIG = [
  "maintenance:",
  "  max_open_prs: 1",
  "  daily_runs: 1",
  "  tasks:",
  "    - { name: docs, schedule: '0 3 * * 1', prompt: Keep docs current. }",
  "    - { name: lint, schedule: '0 3 * * 1', preset: lint }",
  "    - { name: off, schedule: '0 3 * * 1', prompt: Never runs., enabled: false }",
  "",
].join("\n");

let h: Harness;
let s: MaintenanceSetup;
beforeAll(async () => {
  h = await startHarness({ script: maintenanceScript("docs/x.md", "never") });
  s = await setupMaintenance(h, { repoName: "maint-limits", config: CONFIG });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await s?.remote.cleanup();
});

const posted = () => {
  const snap = h.standIn.snapshot();
  return [...(snap.comments as AnyJson[]), ...(snap.pullRequests as AnyJson[])].filter(
    (o) => String(o.url).includes("/maint-limits/") && o.user?.type === "Bot",
  );
};
const outcome = async (task: string, period: string) =>
  (await h.waitForJob(await submitMaintenanceRun(h, s, task, period), 60_000)).outcome;

describe("maintenance gates", () => {
  it("a task no longer in the config → task-gone; a disabled one → task-disabled; nothing posted", async () => {
    expect(await outcome("removed", "p1")).toBe("task-gone");
    expect(await outcome("off", "p1")).toBe("task-disabled");
    expect(posted()).toEqual([]);
  });

  it("max_open_prs reached by another task's open PR → a new PR is refused (limit-open-prs), no agent run", async () => {
    const sha = await s.remote.commit({ "docs/x.md": "x\n" }, "An earlier maintenance commit", "refs/heads/codex/maintenance/docs");
    h.standIn.addPullRequest(s.repo.fullName, { title: "Docs", head: "codex/maintenance/docs", headSha: sha, base: "main", draft: true });
    expect(await outcome("lint", "p1")).toBe("limit-open-prs");
    expect(h.model.requests).toHaveLength(0);
  });

  it("daily_runs spent by an earlier run today → budget-spent, no agent run, nothing posted", async () => {
    await h.db.query(
      `INSERT INTO ${SCHEMA}.job_records (id, key, kind, repo, outcome, input_tokens, output_tokens) VALUES ('earlier', $1, 'fix', $2, 'pr-opened #9', 10, 10)`,
      [maintenanceRunKey(s.repo.fullName, "docs", "earlier"), s.repo.fullName],
    );
    const before = posted().length;
    expect(await outcome("docs", "p2")).toBe("budget-spent");
    expect(h.model.requests).toHaveLength(0);
    expect(posted()).toHaveLength(before);
  });
});
