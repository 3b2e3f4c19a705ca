import { describe, expect, it } from "vitest";
import { listJobRecords } from "../../src/jobs/records.js";
import type { DashboardJob, RepoRef } from "../../src/jobs/types.js";
import { renderDashboardJob } from "../../src/pipeline/maintenance/dashboard-job.js";
import { DEPS_TASK, maintenanceConfig, useMaintenanceRig } from "../pipeline/maintenance/rig.js";

// The dashboard's "run now" boxes start agent runs: only people with `commands.permission` may start one, and
// only for tasks the default branch's config has.
const rig = useMaintenanceRig();
const NOW = new Date("2025-03-10T12:00:00Z");

function editJob(repo: RepoRef, edit: DashboardJob["edit"]): DashboardJob {
  return { kind: "dashboard", key: `dashboard:sec:${Math.random()}`, installationId: 1, deliveryId: "d-1", repo, edit };
}

async function dashboardBody(repo: RepoRef): Promise<string> {
  await renderDashboardJob(rig.deps, editJob(repo, undefined), NOW);
  return String(rig.standIn.state.issues.find((i) => String(i.url).includes(`/repos/${repo.fullName}/`))!.body);
}

async function runs(repo: RepoRef) {
  return (await listJobRecords(rig.db, { limit: 10, repo: repo.fullName })).filter((r) => r.kind === "fix");
}

describe("dashboard run-now", () => {
  it("[S16.7] a reader ticks a run-now box → nothing runs; the box is unticked and the body says a request was refused, naming no one", async () => {
    const repo = rig.addRepo("sec-reader", maintenanceConfig(DEPS_TASK));
    rig.standIn.setPermission(repo.fullName, "rita", "read");
    const previousBody = await dashboardBody(repo);
    const body = previousBody.replace("- [ ] Run deps now", "- [x] Run deps now");
    const result = await renderDashboardJob(rig.deps, editJob(repo, { sender: "rita", issueNumber: 1, previousBody, body }), NOW);
    expect(result.outcome).toBe("dashboard #1 updated; refused: rita");
    expect(await runs(repo)).toEqual([]);
    const after = String(rig.standIn.state.issues.find((i) => String(i.url).includes(`/repos/${repo.fullName}/`))!.body);
    expect(after).toContain("- [ ] Run deps now <!-- codex-dispatch:run:deps -->");
    expect(after).toContain("A run-now request was refused: ticking a box needs `write` permission");
    expect(after).not.toMatch(/rita/i);
  });

  it("[S16.8] a writer ticks boxes forged for a task the config lacks or has disabled → nothing runs", async () => {
    const disabled = `    - name: off\n      schedule: "0 3 * * *"\n      preset: docs\n      enabled: false\n`;
    const repo = rig.addRepo("sec-forged", maintenanceConfig(DEPS_TASK + disabled));
    rig.standIn.setPermission(repo.fullName, "wendy", "write");
    const real = await dashboardBody(repo);
    // Two edits by the person: first forged unticked lines into our section, then ticked them.
    const forged = ["- [ ] Run evil now <!-- codex-dispatch:run:evil -->", "- [ ] Run off now <!-- codex-dispatch:run:off -->"];
    const previousBody = real.replace("<!-- codex-dispatch:run-now:end -->", `${forged.join("\n")}\n<!-- codex-dispatch:run-now:end -->`);
    const body = previousBody.replace("- [ ] Run evil", "- [x] Run evil").replace("- [ ] Run off", "- [x] Run off");
    const result = await renderDashboardJob(rig.deps, editJob(repo, { sender: "wendy", issueNumber: 1, previousBody, body }), NOW);
    expect(result.outcome).toBe("dashboard #1 unchanged");
    expect(await runs(repo)).toEqual([]);
  });
});
