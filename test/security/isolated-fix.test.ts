import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { issueFixScript, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import { runGit } from "../../src/workspace/git.js";

// A fix with AGENT_ISOLATION=uid, through the whole app: the agent (and the verify command) run under their
// own uid, yet the agent's edit lands in the worktree and the bot, as itself again, collects and commits it.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let h: Harness;
let setup: IssueFixSetup;

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("the isolation tests need root (CI and the container run as root)");
  h = await startHarness({ script: [{ kind: "exec", cmd: "id -u" }, ...issueFixScript()], env: { AGENT_ISOLATION: "uid" } });
  setup = await setupIssueFix(h, { repoName: "isolated-fix" });
  await h.deliver("issues", setup.payload, setup.deliveryId);
  await h.waitForJob(setup.key, 90_000);
}, 120_000);

afterAll(async () => {
  await setup?.remote.cleanup();
  await h?.close();
});

describe("a fix by an isolated agent", () => {
  it("ran the agent under a uid of the agent range", () => {
    const last = h.model.requests.at(-1);
    const uid = Number(/Output:\n(\d+)/.exec(last?.toolOutputs[0] ?? "")?.[1]);
    expect(uid).toBeGreaterThanOrEqual(200_000);
    expect(uid).toBeLessThan(201_000);
  });

  it("still opened the PR with exactly the agent's edit, verify going from failing to passing", async () => {
    const { getJobRecord } = await import("../../src/jobs/records.js");
    expect(await getJobRecord(h.db, setup.key)).toMatchObject({ status: "succeeded", outcome: expect.stringMatching(/^pr-opened #\d+$/) });
    const branch = `codex/issue/${setup.issueNumber}`;
    expect(await runGit(["show", `${branch}:src/sum.js`], { cwd: setup.remote.url })).toContain("return a + b;");
    expect((await runGit(["diff", "--name-only", "main", branch], { cwd: setup.remote.url })).trim()).toBe("src/sum.js");
    const { pullRequests } = h.standIn.snapshot() as unknown as { pullRequests: AnyJson[] };
    expect(pullRequests[0]?.body).toMatch(/`node --test`: before the change failed \(exit \d+\), after it passed/);
  });

  it("left no job dir behind", async () => {
    expect(await readdir(path.join(h.env.workspaceDir, "jobs"))).toEqual([]);
  });
});
