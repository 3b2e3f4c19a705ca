import { createHmac } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { getBotPr, recordBotPr } from "../../src/jobs/outcomes.js";
import { registry } from "../../src/web/metrics.js";
import { refreshDatabaseGauges } from "../../src/web/metrics-route.js";
import { useHandlerRig } from "../helpers/handler-rig.js";
import { examplePayload } from "../helpers/payloads.js";

// Outcome tracking reads strangers' events: a stranger must not be able to make the bot's record say its PR was
// merged, closed or reverted, nor read repository names out of the unauthenticated /metrics.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const rig = useHandlerRig("outcome-ingress");
const REPO = "Codertocat/Hello-World";
const MERGE_SHA = "c4295bd74fb0f4fda03689c3df3f2803b658fd85";

async function deliver(name: string, payload: AnyJson, id: string): Promise<void> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", "test-secret").update(body).digest("hex")}`;
  await rig.probot.webhooks.verifyAndReceive({ id, name: name as never, payload: body, signature });
}

function closedMerged(edit: (p: AnyJson) => void): AnyJson {
  const p = examplePayload("pull_request", (x) => x.action === "closed");
  Object.assign(p.pull_request, { merged: true, merged_at: p.pull_request.closed_at, merge_commit_sha: MERGE_SHA });
  p.pull_request.user = { ...p.pull_request.user, login: "codex-dispatch[bot]", type: "Bot" };
  p.pull_request.head.ref = "codex/issue/1";
  edit(p);
  return p;
}

beforeEach(async () => {
  await rig.db.query("DELETE FROM codex_dispatch.bot_prs");
  await recordBotPr(rig.db, { repo: REPO, number: 2, jobKey: "fix:k", kind: "fix", agent: "codex", headSha: null });
});

describe("outcome tracking against forged events", () => {
  it("[S28.1] a person's PR numbered like the bot's, on a codex/ branch of a fork, closed merged → the bot's PR stays open", async () => {
    await deliver(
      "pull_request",
      closedMerged((p) => {
        p.pull_request.user = { ...p.pull_request.user, login: "mallory", type: "User" };
        p.pull_request.head.repo = { ...p.pull_request.head.repo, full_name: "mallory/Hello-World" };
      }),
      "person-fork",
    );
    expect(await getBotPr(rig.db, REPO, 2)).toMatchObject({ state: "open", mergeSha: null });
  });

  it("[S28.2] another App's bot PR on a codex/ branch, closed merged → not counted as the bot's merge", async () => {
    await deliver(
      "pull_request",
      closedMerged((p) => (p.pull_request.user = { ...p.pull_request.user, login: "codex-dispatch-evil[bot]", type: "Bot" })),
      "other-app",
    );
    expect(await getBotPr(rig.db, REPO, 2)).toMatchObject({ state: "open" });
  });

  it("[S28.3] a commit in GitHub's revert form pushed to a side branch → the merged PR is not marked reverted", async () => {
    await deliver(
      "pull_request",
      closedMerged(() => undefined),
      "merged",
    );
    const push = examplePayload("push", (x) => x.ref === "refs/heads/master" && x.commits.length === 1);
    push.ref = "refs/heads/mallory-branch";
    push.commits[0].message = `Revert "x"\n\nThis reverts commit ${MERGE_SHA}.`;
    await deliver("push", push, "side-branch-revert");
    expect(await getBotPr(rig.db, REPO, 2)).toMatchObject({ state: "merged", revertedAt: null });
  });

  it("[S28.4] jobs of a private repository with text in their outcomes → /metrics shows kinds and counts, no name or text", async () => {
    await rig.db.query(
      `INSERT INTO codex_dispatch.job_records (id, key, kind, repo, status, outcome)
       VALUES ('s1', 'fix:secret-org/hidden-repo#7', 'fix', 'secret-org/hidden-repo', 'succeeded', 'pr-opened #7 ghp_notreallyatoken')`,
    );
    await refreshDatabaseGauges(rig.db);
    const text = await registry.metrics();
    expect(text).toMatch(/codex_dispatch_jobs\{kind="fix",status="succeeded",outcome="pr-opened"\} 1/);
    expect(text).not.toMatch(/secret-org|hidden-repo|ghp_|#7/);
  });
});
