import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { demoFixAnswer, DEMO_FIX_CONFIG, issueFixScript, SUM_FIX_PATCH } from "../../demo/scenarios/issue-fix.js";
import { recordFaultRow } from "./fault-row.js";
import { fixThenNext } from "./fix-cases.js";
import { startFaultStack, type FaultStack } from "./stack.js";
import { mountSmallDisk, type SmallDisk } from "./tmpfs.js";

// The worker's workspace lives on a small disk, and a fix fills it: the agent writes until the disk is full
// (as a runaway build or a huge test fixture would), then patches and answers as usual. Random bytes, so that
// git cannot compress them into the few kilobytes left: committing the change meets the full disk every time. The bot must say
// clearly that the fix failed, push nothing half-written, and free the space, so that the next fix on the same
// worker, with no one cleaning up by hand, opens its PR.
const DISK_MB = 24;
const fills = (req: RecordedRequest) => JSON.stringify(req.body).includes("octo-org/disk-full");
const script = (req: RecordedRequest): ScriptStep[] =>
  fills(req)
    ? [
        { kind: "exec", cmd: `head -c ${DISK_MB * 2}M /dev/urandom > build-cache.bin; df -k .` },
        { kind: "patch", patch: SUM_FIX_PATCH },
        { kind: "message", text: JSON.stringify(demoFixAnswer()) },
      ]
    : issueFixScript();
let disk: SmallDisk;
let stack: FaultStack;

beforeAll(async () => {
  disk = await mountSmallDisk(DISK_MB);
  stack = await startFaultStack({ workers: 1, script, workerEnv: () => ({ WORKSPACE_DIR: disk.dir }) });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await disk?.remove();
});

describe("fault: the workspace disk is full", () => {
  it("the workspace disk full → one clear comment, no branch; the space is freed and the next job is fine", async (ctx) => {
    const r = await fixThenNext(stack, "disk-full", DEMO_FIX_CONFIG, async () => undefined);
    recordFaultRow(ctx, { case: "The workspace disk full", ...r.row });
    // Every attempt fills the disk again (the script is the same), so the job fails for good, and says why.
    expect(r.failed.record).toMatchObject({ status: "failed", attempts: 3 });
    const [comment] = r.failed.counts.commentBodies;
    expect(comment).toContain("Codex stopped on an error");
    expect(comment).toContain("No space left on device");
    expect(comment).not.toContain("working…");
    r.assertClean();
  }, 240_000);
});
