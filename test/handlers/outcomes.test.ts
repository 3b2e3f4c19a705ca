import { createHmac } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { getBotPr, recordBotPr } from "../../src/jobs/outcomes.js";
import { revertedShas } from "../../src/jobs/outcomes-revert.js";
import { useHandlerRig } from "../helpers/handler-rig.js";
import { examplePayload } from "../helpers/payloads.js";

// How the bot's PRs end, from GitHub's own payloads (@octokit/webhooks-examples) delivered signed through Probot:
// pull_request.closed merged and not, reopened, and a revert pushed to the default branch.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const rig = useHandlerRig("outcomes");
const MERGE_SHA = "c4295bd74fb0f4fda03689c3df3f2803b658fd85";
const REVERT_SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";

async function deliver(name: string, payload: AnyJson, id: string): Promise<void> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", "test-secret").update(body).digest("hex")}`;
  await rig.probot.webhooks.verifyAndReceive({ id, name: name as never, payload: body, signature });
}

/** GitHub's pull_request.closed example, made the App's PR on a codex/ branch of the same repository. */
function closedPayload(opts: { merged: boolean; author?: { login: string; type: string }; branch?: string }): AnyJson {
  const p = examplePayload("pull_request", (x) => x.action === "closed");
  p.installation = { id: 77, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=" };
  p.pull_request.user = { ...p.pull_request.user, ...(opts.author ?? { login: "codex-dispatch[bot]", type: "Bot" }) };
  p.pull_request.head.ref = opts.branch ?? "codex/issue/1";
  if (opts.merged) {
    // GitHub's example is a PR closed unmerged; a merged one differs in exactly these fields.
    p.pull_request.merged = true;
    p.pull_request.merged_at = p.pull_request.closed_at;
    p.pull_request.merge_commit_sha = MERGE_SHA;
  }
  return p;
}

function reopenedPayload(): AnyJson {
  const p = examplePayload("pull_request", (x) => x.action === "reopened");
  p.pull_request.user = { ...p.pull_request.user, login: "codex-dispatch[bot]", type: "Bot" };
  p.pull_request.head.ref = "codex/issue/1";
  p.pull_request.head.repo = p.pull_request.base.repo;
  return p;
}

/** GitHub's push example to the default branch, its commit made the revert GitHub's button writes. */
function revertPush(message: string, ref = "refs/heads/master"): AnyJson {
  const p = examplePayload("push", (x) => x.ref === "refs/heads/master" && x.commits.length === 1);
  p.ref = ref;
  p.commits[0].message = message;
  p.head_commit.message = message;
  return p;
}

const revertMessage = (sha: string) => `Revert "Make sum add its arguments (#2)"\n\nThis reverts commit ${sha}.`;

describe("outcomes of the bot's pull requests", () => {
  const repo = "Codertocat/Hello-World";
  beforeEach(async () => {
    await rig.db.query("DELETE FROM codex_dispatch.bot_prs");
    await recordBotPr(rig.db, { repo, number: 2, jobKey: "fix:k1", kind: "fix", agent: "codex", headSha: "a".repeat(40) });
  });

  it("a merged pull_request.closed marks the bot's PR merged with GitHub's times and merge commit", async () => {
    const payload = closedPayload({ merged: true });
    await deliver("pull_request", payload, "closed-merged");
    expect(await getBotPr(rig.db, repo, 2)).toMatchObject({
      repo: "codertocat/hello-world",
      state: "merged",
      jobKey: "fix:k1",
      agent: "codex",
      mergeSha: MERGE_SHA,
      closedAt: new Date(payload.pull_request.closed_at).toISOString(),
      mergedAt: new Date(payload.pull_request.closed_at).toISOString(),
      revertedAt: null,
    });
  });

  it("an unmerged pull_request.closed marks it closed, without a merge; reopened makes it open again", async () => {
    await deliver("pull_request", closedPayload({ merged: false }), "closed-unmerged");
    expect(await getBotPr(rig.db, repo, 2)).toMatchObject({ state: "closed", mergedAt: null, mergeSha: null });
    await deliver("pull_request", reopenedPayload(), "reopened");
    expect(await getBotPr(rig.db, repo, 2)).toMatchObject({ state: "open", closedAt: null });
  });

  it("a person's PR, another bot's, or a non-codex branch is not touched (and a PR the bot never recorded is not added)", async () => {
    await deliver("pull_request", closedPayload({ merged: true, author: { login: "Codertocat", type: "User" } }), "person");
    await deliver("pull_request", closedPayload({ merged: true, author: { login: "renovate[bot]", type: "Bot" } }), "other-bot");
    await deliver("pull_request", closedPayload({ merged: true, branch: "feature/x" }), "branch");
    expect(await getBotPr(rig.db, repo, 2)).toMatchObject({ state: "open" });
    const unknown = closedPayload({ merged: true });
    unknown.pull_request.number = unknown.number = 99;
    await deliver("pull_request", unknown, "unknown-pr");
    expect(await getBotPr(rig.db, repo, 99)).toBeNull();
  });

  it("a revert of the merge commit pushed to the default branch marks the merged PR reverted", async () => {
    await deliver("pull_request", closedPayload({ merged: true }), "merged-then-reverted");
    // On another branch, or a message that only quotes the form: nothing.
    await deliver("push", revertPush(revertMessage(MERGE_SHA), "refs/heads/topic"), "push-topic");
    await deliver("push", revertPush(`Fix things\n\nThis reverts commit ${MERGE_SHA}.`), "push-quote");
    expect(await getBotPr(rig.db, repo, 2)).toMatchObject({ state: "merged", revertedAt: null });
    const push = revertPush(revertMessage(MERGE_SHA));
    await deliver("push", push, "push-revert");
    expect(await getBotPr(rig.db, repo, 2)).toMatchObject({
      state: "merged",
      revertSha: REVERT_SHA,
      revertedAt: new Date(push.commits[0].timestamp).toISOString(),
    });
  });
});

describe("GitHub's revert form", () => {
  it("finds the reverted sha of a squash revert and of a merge-commit revert; nothing in other messages", () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const parent = "89abcdef0123456789abcdef0123456789abcdef";
    expect(revertedShas(`Revert "Fix (#3)"\n\nThis reverts commit ${sha}.`)).toEqual([sha]);
    expect(
      revertedShas(
        `Revert "Merge pull request #3 from o/codex/issue/3"\n\nThis reverts commit ${sha}, reversing\nchanges made to ${parent}.`,
      ),
    ).toEqual([sha]);
    expect(revertedShas(`Revert "x"\n\nThis reverts commit ${sha.slice(0, 12)}.`)).toEqual([]);
    expect(revertedShas(`Update docs\n\nThis reverts commit ${sha}.`)).toEqual([]);
  });
});
