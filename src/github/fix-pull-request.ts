import { z } from "zod";
import { validateBotBranch } from "./branches.js";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";
import { fitBody } from "./limits.js";

export { addLabels } from "./issue-labels.js";
export { requestReviewers } from "./review-requests.js";
export { countOpenBotPullRequests } from "./bot-pull-count.js";

// GitHub refuses longer titles with a 422; a cut title is better than a lost pull request.
const TITLE_LIMIT = 256;

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  head: z.string(),
  base: z.string().min(1),
  title: z.string().trim().min(1, "the pull request title is empty"),
  body: z.string(),
  /** On an existing PR, leave the title people may have edited; the body (and its hand-off block) is renewed. */
  keepTitle: z.boolean().optional(),
});

const Pull = z.object({
  number: z.number(),
  html_url: z.string(),
  title: z.string(),
  body: z.string().nullable().optional(),
  head: z.object({ ref: z.string(), sha: z.string().optional(), repo: z.object({ full_name: z.string() }).nullable() }),
  base: z.object({ ref: z.string() }),
});
type Pull = z.infer<typeof Pull>;

function cutTitle(title: string): string {
  return title.length <= TITLE_LIMIT ? title : `${title.slice(0, TITLE_LIMIT - 1)}…`;
}

async function findOpen(gh: GitHubClient, owner: string, repo: string, branch: string, base: string): Promise<Pull | undefined> {
  const route = `GET /repos/${owner}/${repo}/pulls?head=${owner}:${branch}&state=open`;
  const response = await callGitHub(route, () =>
    gh.request("GET /repos/{owner}/{repo}/pulls", { owner, repo, head: `${owner}:${branch}`, state: "open", per_page: 100 }),
  );
  // The filter is GitHub's; checked again so a fork's branch of the same name is never taken for ours.
  const same = z
    .array(Pull)
    .parse(response.data)
    .filter((p) => p.head.ref === branch && p.head.repo?.full_name.toLowerCase() === `${owner}/${repo}`.toLowerCase());
  return same.find((p) => p.base.ref === base) ?? same[0];
}

/** The open pull request of one of the bot's branches, or null: a later trigger on an issue updates it. */
export async function findOpenBotPullRequest(
  gh: GitHubClient,
  params: { owner: string; repo: string; branch: string },
): Promise<{ number: number; headSha: string; baseRef: string } | null> {
  const pr = await findOpen(gh, params.owner, params.repo, validateBotBranch(params.branch), "");
  return pr?.head.sha ? { number: pr.number, headSha: pr.head.sha, baseRef: pr.base.ref } : null;
}

/**
 * The open pull request of the bot's branch, its title and body brought up to date, or a new **draft** one.
 * A retry finds the PR the first attempt opened, so there is never a second PR for one branch.
 */
export async function findOrCreateDraftPullRequest(
  gh: GitHubClient,
  params: { owner: string; repo: string; head: string; base: string; title: string; body: string; keepTitle?: boolean },
): Promise<{ number: number; htmlUrl: string; created: boolean }> {
  const p = Params.parse(params);
  const { owner, repo, base } = p;
  const branch = validateBotBranch(p.head);
  const title = cutTitle(p.title);
  const body = fitBody(p.body);

  const update = async (pr: Pull) => {
    const newTitle = p.keepTitle ? pr.title : title;
    if (pr.title !== newTitle || (pr.body ?? "") !== body) {
      const route = `PATCH /repos/${owner}/${repo}/pulls/${pr.number}`;
      await callGitHub(route, () =>
        gh.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: pr.number, title: newTitle, body }),
      );
    }
    return { number: pr.number, htmlUrl: pr.html_url, created: false };
  };

  const existing = await findOpen(gh, owner, repo, branch, base);
  if (existing) return update(existing);

  const route = `POST /repos/${owner}/${repo}/pulls`;
  const create = (draft: boolean) =>
    callGitHub(route, () => gh.request("POST /repos/{owner}/{repo}/pulls", { owner, repo, title, head: branch, base, body, draft }));
  try {
    let response;
    try {
      response = await create(true);
    } catch (error) {
      // Draft PRs are not available on every plan (private repositories on the free plans): open a normal one.
      if (!(isGitHubStatus(error, 422) && /draft/i.test(error instanceof Error ? error.message : ""))) throw error;
      response = await create(false);
    }
    const pr = Pull.parse(response.data);
    return { number: pr.number, htmlUrl: pr.html_url, created: true };
  } catch (error) {
    // Another attempt opened it between our look-up and our create ("A pull request already exists").
    if (!isGitHubStatus(error, 422)) throw error;
    const raced = await findOpen(gh, owner, repo, branch, base);
    if (!raced) throw error;
    return update(raced);
  }
}
