import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { postCommand } from "../../demo/scenarios/command.js";
import { RETRY_TICKET, setupExplainHistory, type ExplainHistorySetup } from "../../demo/scenarios/explain-history.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { askKey } from "../../src/jobs/keys.js";
import { runGit } from "../../src/workspace/git.js";

// `/codex explain` archaeology end to end: a webhook comment, the command job, the explain job, real git (a local
// bare remote, the bot's mirror and a worktree of it), the real codex binary in its read-only sandbox under the
// agent's own uid (tests run as root: isolation is on). The answer is only in an old commit message, so the
// scripted model can cite it only if git in the agent's checkout really reads the history.
const QUESTION = "why does this retry twice?";
const MADE_UP = "0123456789abcdef0123456789abcdef01234567";
const SHA_LINE = /^([0-9a-f]{40}) Retry twice/m;

function script(req: RecordedRequest): ScriptStep[] {
  if (!JSON.stringify(req.body).includes(QUESTION)) return [{ kind: "message", text: "done" }];
  // Step 2 is written from what step 1's git printed: no readable history, no sha to cite.
  const out = req.toolOutputs[0] ?? "";
  const sha = SHA_LINE.exec(out)?.[1];
  const answer = sha
    ? {
        answer: `\`src/vendor.js:2\` retries twice because the vendor API drops the first connection after 30 s idle (${RETRY_TICKET}); see \`${sha.slice(0, 8)}\` and [the vendor's note](https://evil.example/vend) and \`#3\`.`,
        references: [{ path: "src/vendor.js", line: 2, note: "the retry count" }],
        commits: [
          {
            sha: sha.slice(0, 10),
            pull_request: 3,
            note: `added retries: 2 for ${RETRY_TICKET}; see [post-mortem](https://evil.example/pm)`,
          },
          { sha: MADE_UP, pull_request: null, note: "a commit the model made up" },
        ],
      }
    : { answer: `The history did not show it: ${out.slice(0, 200)}`, references: [], commits: [] };
  return [
    { kind: "exec", cmd: "id -u; git log -S'retries: 2' --format='%H %s%n%b' -- src/vendor.js" },
    { kind: "message", text: JSON.stringify(answer) },
  ];
}

let h: Harness;
let s: ExplainHistorySetup;

beforeAll(async () => {
  h = await startHarness({ script });
  s = await setupExplainHistory(h, { repoName: "vendor-retries" });
}, 60_000);
afterAll(async () => {
  await s?.issue.remote.cleanup();
  await h?.close();
});

describe("/codex explain reads the history", () => {
  it("finds the reason in an old commit message (blame names a later reformat) and links that commit on the host", async () => {
    const { issue, reasonSha, reformatSha } = s;
    // The fixture does what it claims: today's line is blamed on the reformat, not on the commit with the reason.
    const blame = await runGit(["blame", "--porcelain", "-L", "2,2", "main", "--", "src/vendor.js"], { cwd: issue.remote.url });
    expect(blame.slice(0, 40)).toBe(reformatSha);

    const command = await postCommand(h, issue, { body: `/codex explain ${QUESTION}` });
    await h.deliver("issue_comment", command.payload);
    const key = askKey("explain", issue.repoFullName, issue.issueNumber, "issue", command.commentId);
    const record = await h.waitForJob(key, 90_000);
    expect(record).toMatchObject({ status: "succeeded", outcome: "answered" });

    // The agent's git read the history: its tool output (as codex sent it back to the model) holds the ticket and
    // the sha, and it ran under an agent uid, not the bot's (root).
    const turn = h.model.requests.find((r) => JSON.stringify(r.body).includes(QUESTION) && r.toolOutputs.length === 1);
    expect(turn).toBeDefined();
    const output = turn!.toolOutputs[0] as string;
    expect(output).toContain(RETRY_TICKET);
    expect(SHA_LINE.exec(output)?.[1]).toBe(reasonSha);
    // (codex prints a header, then "Output:" and what the command printed: `id -u` first)
    const uid = Number(/Output:\n(\d+)\n/.exec(output)?.[1]);
    if (process.getuid?.() === 0) expect(uid).toBeGreaterThanOrEqual(200_000);
    else expect(uid).toBe(process.getuid?.());
    // The prompt told it how.
    expect(JSON.stringify(turn!.body)).toContain("git log -S");

    const web = h.standIn.baseUrl.replace(/\/api\/v3$/, "");
    const commitLink = `${web}/${issue.repoFullName}/commit/${reasonSha}`;
    const body: string = h.standIn.state.comments
      .filter((c) => c.user.type === "Bot" && c.issue_url.endsWith(`/${issue.repoFullName}/issues/${issue.issueNumber}`))
      .at(-1)!.body;
    expect(body).toContain(RETRY_TICKET);
    // The cited commit, by its full sha, in the Commits list with its PR, and inline.
    expect(body).toContain(`[\`${reasonSha.slice(0, 10)}\`](${commitLink}) ([#3](${web}/${issue.repoFullName}/issues/3))`);
    expect(body).toContain(`[\`${reasonSha.slice(0, 8)}\`](${commitLink})`);
    expect(body).toContain(`[\`#3\`](${web}/${issue.repoFullName}/issues/3)`);
    // A made-up commit is counted, never linked; links to another host stay text.
    expect(body).not.toContain(MADE_UP.slice(0, 7));
    expect(body).toContain("1 commit not in the checked-out history left out");
    expect(body).not.toMatch(/\]\(https:\/\/evil\.example/);
    expect(body).toContain("`https://evil.example/vend`");
  }, 120_000);
});
