import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { postCommand } from "../../demo/scenarios/command.js";
import { setupIssueFix } from "../../demo/scenarios/issue-fix.js";

// README: `commands.permission: read | triage | write | maintain | admin`. GitHub's classic permission field
// folds maintain into write and triage into read; the role decides.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => h?.close());

describe("commands.permission by role", () => {
  it("maintain: a writer is refused, a maintainer is served", async () => {
    const issue = await setupIssueFix(h, { repoName: "perm-maintain", config: "commands:\n  permission: maintain\n" });
    h.standIn.setPermission(issue.repoFullName, "wendy-writer", "write");
    h.standIn.setPermission(issue.repoFullName, "mia-maintainer", "maintain");
    const writer = await postCommand(h, issue, { body: "/codex help", user: "wendy-writer" });
    await h.deliver("issue_comment", writer.payload);
    expect((await h.waitForJob(writer.key)).outcome).toBe("refused: wendy-writer");
    const maintainer = await postCommand(h, issue, { body: "/codex help", user: "mia-maintainer" });
    await h.deliver("issue_comment", maintainer.payload);
    expect((await h.waitForJob(maintainer.key)).outcome).toBe("help");
    await issue.remote.cleanup();
  });

  it("triage: a triager is served, a reader is refused", async () => {
    const issue = await setupIssueFix(h, { repoName: "perm-triage", config: "commands:\n  permission: triage\n" });
    h.standIn.setPermission(issue.repoFullName, "tess-triager", "triage");
    h.standIn.setPermission(issue.repoFullName, "rita-reader", "read");
    const triager = await postCommand(h, issue, { body: "/codex help", user: "tess-triager" });
    await h.deliver("issue_comment", triager.payload);
    expect((await h.waitForJob(triager.key)).outcome).toBe("help");
    const reader = await postCommand(h, issue, { body: "/codex help", user: "rita-reader" });
    await h.deliver("issue_comment", reader.payload);
    expect((await h.waitForJob(reader.key)).outcome).toBe("refused: rita-reader");
    await issue.remote.cleanup();
  });
});
