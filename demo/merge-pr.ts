// A maintainer merges the bot's pull request, the way the app learns of it on GitHub: a signed pull_request.closed
// delivery with merged: true. The payload is GitHub's own example (@octokit/webhooks-examples, a devDependency: the
// demo runs from a checkout) with the stand-in's PR laid over it, so the handler and outcome tracking see every
// field GitHub sends. The stand-in's PR is marked merged too, so that GitHub's side says the same.
import { createRequire } from "node:module";
import type { Harness } from "./harness.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as { name: string; examples: Json[] }[];

function closedPullRequestExample(): Json {
  const found = examples.find((e) => e.name === "pull_request")?.examples.find((p) => p.action === "closed");
  if (!found) throw new Error("@octokit/webhooks-examples has no pull_request.closed payload");
  return structuredClone(found);
}

/** Where the PR lives, as the scenario's own webhook named it (its `repository` and `installation`). */
export interface WebhookContext {
  repository: Json;
  installation: Json;
}

/** Merges PR `number` on the stand-in and delivers the pull_request.closed webhook for it. */
export async function mergeBotPullRequest(h: Harness, where: WebhookContext, number: number, mergedBy = "maintainer-mona"): Promise<void> {
  const repoFullName = String(where.repository.full_name);
  const inRepo = (p: Json) => p.number === number && String(p.url).includes(`/repos/${repoFullName}/`);
  const pr = (h.standIn.state.pullRequests as Json[]).find(inRepo);
  if (!pr) throw new Error(`no pull request #${number} in ${repoFullName}`);
  const now = new Date().toISOString();
  const merger = { login: mergedBy, id: 9001, type: "User" };
  // A rebase merge: the PR's head commit becomes the default branch's.
  Object.assign(pr, { state: "closed", merged: true, merged_at: now, closed_at: now, merge_commit_sha: pr.head.sha, merged_by: merger });
  const payload = closedPullRequestExample();
  payload.number = number;
  payload.pull_request = { ...payload.pull_request, ...structuredClone(pr) };
  payload.repository = { ...payload.repository, ...where.repository };
  payload.installation = where.installation;
  payload.sender = { ...payload.sender, ...merger };
  await h.deliver("pull_request", payload);
}
