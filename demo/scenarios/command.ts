import { commandFixKey, commandKey } from "../../src/jobs/keys.js";
import type { Harness } from "../harness.js";
import { DEMO_MAINTAINER, setupIssueFix, type IssueFixSetup } from "./issue-fix.js";

export interface CommandSetup {
  issue: IssueFixSetup;
  commentId: number;
  payload: Record<string, unknown>;
  /** The command job's key. */
  key: string;
}

/**
 * A person comments on an issue (by default the maintainer writes `/codex fix`). Returns the
 * issue_comment.created webhook as GitHub sends it.
 */
export async function postCommand(
  h: Harness,
  issue: Pick<IssueFixSetup, "repoFullName" | "issueNumber" | "payload">,
  opts: { body: string; user?: string; userType?: "User" | "Bot"; action?: "created" | "edited" },
): Promise<CommandSetup> {
  const user = opts.user ?? DEMO_MAINTAINER;
  const comment = h.standIn.addComment(issue.repoFullName, issue.issueNumber, { body: opts.body, user, userType: opts.userType });
  const inRepo = (i: Record<string, unknown>) => i.number === issue.issueNumber && String(i.url).includes(`/repos/${issue.repoFullName}/`);
  const asIssue = (h.standIn.state.issues as Record<string, unknown>[]).find(inRepo);
  const pr = (h.standIn.state.pullRequests as Record<string, unknown>[]).find(inRepo);
  // GitHub sends a PR's comments as issue comments whose issue has a `pull_request` field.
  const issueJson = asIssue ?? (pr && { ...pr, pull_request: { url: pr.url, html_url: pr.html_url } });
  const payload = {
    action: opts.action ?? "created",
    issue: issueJson,
    comment,
    repository: (issue.payload as { repository: unknown }).repository,
    sender: comment.user,
    installation: (issue.payload as { installation: unknown }).installation,
  };
  return {
    issue: issue as IssueFixSetup,
    commentId: comment.id,
    payload,
    key: commandKey(issue.repoFullName, issue.issueNumber, "issue", comment.id),
  };
}

/** The `command` demo: a maintainer asks `/codex fix` on an issue; the bot acknowledges and drafts a PR. */
export async function setupCommandDemo(
  h: Harness,
  opts: { repoName?: string } = {},
): Promise<{ command: CommandSetup; fixKey: string; cleanup(): Promise<void> }> {
  const issue = await setupIssueFix(h, opts);
  const command = await postCommand(h, issue, { body: "/codex fix\nThe test in test/sum.test.js shows the bug." });
  const fixKey = commandFixKey(issue.repoFullName, issue.issueNumber, "issue", command.commentId);
  return { command, fixKey, cleanup: () => issue.remote.cleanup() };
}
