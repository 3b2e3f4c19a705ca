import { describe, expect, it } from "vitest";
import { maintenanceRunKey } from "../../../src/jobs/keys.js";
import { listJobRecords, updateJobRecord } from "../../../src/jobs/records.js";
import type { DashboardJob, RepoRef } from "../../../src/jobs/types.js";
import { renderDashboardJob } from "../../../src/pipeline/maintenance/dashboard-job.js";
import { enqueueMaintenanceRun } from "../../../src/pipeline/maintenance/enqueue-run.js";
import { DEPS_TASK, maintenanceConfig, useMaintenanceRig } from "./rig.js";

const rig = useMaintenanceRig();
const NOW = new Date("2025-03-10T12:00:00Z");

function job(repo: RepoRef, edit?: DashboardJob["edit"], deliveryId = "tick"): DashboardJob {
  return { kind: "dashboard", key: `dashboard:test:${Math.random()}`, installationId: 1, deliveryId, repo, edit };
}

function botIssues(repo: string) {
  return rig.standIn.state.issues.filter((i) => String(i.url).includes(`/repos/${repo}/`));
}

describe("the dashboard job", () => {
  it("creates the issue once with the configured title and updates it in place", async () => {
    const repo = rig.addRepo("dash-once", maintenanceConfig(DEPS_TASK, "  dashboard:\n    title: Repo chores\n"));
    const first = await renderDashboardJob(rig.deps, job(repo), NOW);
    expect(first.outcome).toBe("dashboard #1 created");
    const [issue] = botIssues(repo.fullName);
    expect(issue).toMatchObject({ title: "Repo chores", user: { login: "codex-dispatch[bot]" } });
    expect(issue.body).toContain("| `deps` | `0 3 * * *` UTC | never |");
    expect(issue.body).toContain("2025-03-11 03:00 UTC");

    expect((await renderDashboardJob(rig.deps, job(repo), NOW)).outcome).toBe("dashboard #1 unchanged");
    // A run finished with a PR: the same issue shows it.
    const { key } = await enqueueMaintenanceRun(rig.deps, {
      installationId: 1,
      repo,
      task: "deps",
      period: "2025-03-10T03:00:00.000Z",
      trigger: "schedule",
      deliveryId: "x",
      requestedBy: null,
    });
    await updateJobRecord(rig.db, key, {
      status: "succeeded",
      finishedAt: "2025-03-10T03:30:00.000Z",
      outcome: "draft PR updated",
      links: { pullRequest: "https://github.com/acme/dash-once/pull/7" },
    });
    expect((await renderDashboardJob(rig.deps, job(repo), NOW)).outcome).toBe("dashboard #1 updated");
    expect(botIssues(repo.fullName)).toHaveLength(1);
    expect(botIssues(repo.fullName)[0].body).toContain("| `deps` | `0 3 * * *` UTC | 2025-03-10 03:30 UTC | draft PR updated | #7 |");
  });

  it("shows the budget spent when today's runs reached daily_runs", async () => {
    const repo = rig.addRepo("dash-budget", maintenanceConfig(DEPS_TASK, "  daily_runs: 2\n  daily_tokens: 5000\n"));
    for (const period of ["manual-a", "manual-b"]) {
      const run = { installationId: 1, repo, task: "deps", period, trigger: "dashboard" as const, deliveryId: period };
      const { key } = await enqueueMaintenanceRun(rig.deps, { ...run, requestedBy: "wendy" });
      await updateJobRecord(rig.db, key, { status: "succeeded", tokens: { input: 1000, output: 200 }, outcome: "ok" });
    }
    // Records are created "now" (the database's clock): the view counts from the start of that UTC day.
    await renderDashboardJob(rig.deps, job(repo), new Date());
    const body = String(botIssues(repo.fullName)[0].body);
    expect(body).toContain("- Runs: 2 of 2");
    expect(body).toContain("- Tokens: 2,400 of 5,000");
    expect(body).toContain("Budget spent");
  });

  it("shows a broken config's errors with their keys", async () => {
    const repo = rig.addRepo("dash-errors", maintenanceConfig(`    - name: deps\n      schedule: "every day"\n      preset: lint\n`));
    await renderDashboardJob(rig.deps, job(repo), NOW);
    const body = String(botIssues(repo.fullName)[0].body);
    expect(body).toContain("### Configuration errors");
    expect(body).toContain("`maintenance.tasks.0.schedule`");
  });

  it("a writer's ticked box queues that task as a run-now, and the box comes back unticked and marked queued", async () => {
    const repo = rig.addRepo("dash-writer", maintenanceConfig(DEPS_TASK));
    rig.standIn.setPermission(repo.fullName, "wendy", "write");
    await renderDashboardJob(rig.deps, job(repo), NOW);
    const previousBody = String(botIssues(repo.fullName)[0].body);
    const body = previousBody.replace("- [ ] Run deps now", "- [x] Run deps now");
    const result = await renderDashboardJob(
      rig.deps,
      job(repo, { sender: "wendy", issueNumber: 1, previousBody, body }, "delivery-1"),
      NOW,
    );
    expect(result.outcome).toBe("dashboard #1 updated; queued deps");
    const [run] = (await listJobRecords(rig.db, { limit: 10, repo: repo.fullName })).filter((r) => r.kind === "fix");
    expect(run.key).toBe(maintenanceRunKey(repo.fullName, "deps", "manual-delivery-1"));
    expect(run.data).toMatchObject({
      requestedBy: "wendy",
      origin: { type: "maintenance", task: "deps", period: "manual-delivery-1", trigger: "dashboard" },
    });
    const after = String(botIssues(repo.fullName)[0].body);
    expect(after).toContain("- [ ] Run deps now (queued) <!-- codex-dispatch:run:deps -->");
    expect(after).not.toContain("- [x]");
  });
});
