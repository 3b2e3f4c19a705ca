import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { dashboardEditKey, maintenanceRunKey } from "../../src/jobs/keys.js";
import { getJobRecord } from "../../src/jobs/records.js";
import { renderDashboard } from "../../src/pipeline/maintenance/dashboard.js";
import { examplePayload } from "../helpers/payloads.js";

// The production wiring: a signed issues.edited webhook → the handler → the queue → the worker's dashboard
// pipeline (runtime deps: installation client, App slug) → the issue on the stand-in, and the run-now queued.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => h?.close());

describe("dashboard run-now end to end", () => {
  it("a writer ticks a box on the dashboard issue: the run is queued and the box is cleared", async () => {
    const repo = h.standIn.addRepo({ owner: "acme", name: "dash-e2e", cloneUrl: "/nonexistent/dash-e2e.git", installationId: 77 });
    h.standIn.setFile(
      "acme/dash-e2e",
      "main",
      ".github/codex.yml",
      'maintenance:\n  tasks:\n    - { name: deps, schedule: "0 3 * * *", preset: lint }\n',
    );
    h.standIn.setPermission("acme/dash-e2e", "wendy", "write");
    const before = renderDashboard({ tasks: [{ name: "deps", schedule: "0 3 * * *" }] });
    const issue = h.standIn.addIssue("acme/dash-e2e", { title: "Codex dispatch dashboard", body: before, user: "codex-dispatch[bot]" });
    const after = before.replace("- [ ] Run deps now", "- [x] Run deps now");

    const payload = examplePayload("issues", (x) => x.action === "edited");
    Object.assign(payload, { installation: { id: 77 }, repository: repo, changes: { body: { from: before } } });
    payload.issue = { ...payload.issue, number: issue.number, body: after, updated_at: "2025-03-10T12:00:00Z" };
    payload.sender = { ...payload.sender, login: "wendy", type: "User" };
    await h.deliver("issues", payload, "dash-e2e-delivery");

    const record = await h.waitForJob(dashboardEditKey("acme/dash-e2e", issue.number, "2025-03-10T12:00:00Z", after));
    expect(record.outcome).toBe(`dashboard #${issue.number} updated; queued deps`);
    expect(await getJobRecord(h.db, maintenanceRunKey("acme/dash-e2e", "deps", "manual-dash-e2e-delivery"))).not.toBeNull();
    const body = String(h.standIn.state.issues.find((i) => i.number === issue.number && String(i.url).includes("dash-e2e"))!.body);
    expect(body).toContain("- [ ] Run deps now (queued)");
  }, 60_000);
});
