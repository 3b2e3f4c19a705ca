import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { dashboardEditKey } from "../../src/jobs/keys.js";
import { startPlan } from "../../src/jobs/plans.js";
import { listJobRecords } from "../../src/jobs/records.js";
import { useHandlerRig } from "../helpers/handler-rig.js";
import { examplePayload } from "../helpers/payloads.js";

type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const rig = useHandlerRig("issues-edited");

const MARKER = "<!-- codex-dispatch:dashboard -->";
const BEFORE = `${MARKER}\n<!-- codex-dispatch:run-now:start -->\n- [ ] Run deps now <!-- codex-dispatch:run:deps -->\n<!-- codex-dispatch:run-now:end -->\n`;
const AFTER = BEFORE.replace("- [ ]", "- [x]");

/** GitHub's own issues.edited example, made a body edit of the dashboard issue by a person. */
function edited(opts: { body?: string; from?: string | null; senderType?: string; login?: string } = {}): AnyJson {
  const p = examplePayload("issues", (x) => x.action === "edited");
  p.installation = { id: 77, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=" };
  p.issue.body = opts.body ?? AFTER;
  p.changes = opts.from === null ? {} : { body: { from: opts.from ?? BEFORE } };
  p.sender = { ...p.sender, type: opts.senderType ?? "User", login: opts.login ?? p.sender.login };
  return p;
}

async function deliver(payload: AnyJson, id: string): Promise<void> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", "test-secret").update(body).digest("hex")}`;
  await rig.probot.webhooks.verifyAndReceive({ id, name: "issues", payload: body, signature });
}

describe("issues.edited", () => {
  it("a person's edit of the dashboard issue enqueues one dashboard job with the edit; a redelivery is the same job", async () => {
    const payload = edited();
    await deliver(payload, "edit-1");
    await deliver(payload, "edit-1-redelivered");
    const jobs = await listJobRecords(rig.db, { limit: 10 });
    expect(jobs).toHaveLength(1);
    const repo = payload.repository.full_name as string;
    expect(jobs[0]).toMatchObject({
      kind: "dashboard",
      key: dashboardEditKey(repo, payload.issue.number, payload.issue.updated_at, AFTER),
      target: `${repo.toLowerCase()}:dashboard`,
      data: {
        deliveryId: "edit-1",
        installationId: 77,
        edit: { sender: payload.sender.login, issueNumber: payload.issue.number, previousBody: BEFORE, body: AFTER },
      },
    });
  });

  it("ignores edits that are not a person's body edit of the dashboard", async () => {
    await deliver(edited({ body: "- [x] Run deps now <!-- codex-dispatch:run:deps -->", from: "- [ ] Run deps now" }), "no-marker");
    await deliver(edited({ from: null }), "title-only");
    await deliver(edited({ senderType: "Bot", login: "renovate[bot]" }), "other-bot");
    // A task list without the dashboard marker and without a plan: any issue's checklist, nothing for the bot.
    expect(await listJobRecords(rig.db, { limit: 10 })).toEqual([]);
  });

  it("an edit of a plan issue's list, or a tick of the planner's approval box → one plan job; other checklists → none", async () => {
    const list = (tick: string) => `- [${tick}] Make sum add\n- [ ] Run this plan <!-- codex-dispatch:go -->`;
    await deliver(edited({ body: list("x"), from: list(" ") }), "unrelated-list");
    expect(await listJobRecords(rig.db, { limit: 10 })).toEqual([]);
    const go = (tick: string) => `- [ ] Make sum add\n- [${tick}] Run this plan <!-- codex-dispatch:go -->`;
    await deliver(edited({ body: go("x"), from: go(" ") }), "go-ticked");
    expect((await listJobRecords(rig.db, { limit: 10 })).map((r) => r.kind)).toEqual(["plan"]);
    const payload = edited({ body: "- [ ] one\n- [ ] two", from: "- [ ] one" });
    await startPlan(rig.db, {
      repo: payload.repository.full_name,
      issueNumber: payload.issue.number,
      installationId: 77,
      requestedBy: "x",
    });
    await deliver(payload, "plan-list-edit");
    expect((await listJobRecords(rig.db, { limit: 10 })).map((r) => r.kind)).toEqual(["plan", "plan"]);
  });

  it("the App's own re-render (an edit by codex-dispatch[bot]) → no job, so a render never feeds itself", async () => {
    await deliver(edited({ senderType: "Bot", login: "codex-dispatch[bot]" }), "own");
    expect(await listJobRecords(rig.db, { limit: 10 })).toEqual([]);
  });
});
