import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";
import { htmlCommentsOf } from "./outgoing-guard.js";

const Issue = z.object({
  number: z.number(),
  title: z.string(),
  body: z.string().nullable().optional(),
  state: z.string(),
  html_url: z.string(),
  labels: z.array(z.union([z.string(), z.object({ name: z.string().optional() })])).default([]),
  pull_request: z.unknown().optional(),
});

export interface IssueInfo {
  number: number;
  title: string;
  body: string;
  state: string;
  htmlUrl: string;
  labels: string[];
  isPullRequest: boolean;
}

/** An issue (or a PR seen as an issue) as plain data; its text is untrusted. */
export async function getIssue(gh: GitHubClient, params: { owner: string; repo: string; number: number }): Promise<IssueInfo> {
  const { owner, repo, number } = params;
  const route = `GET /repos/${owner}/${repo}/issues/${number}`;
  const response = await callGitHub(route, () =>
    gh.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner, repo, issue_number: number }),
  );
  const issue = Issue.parse(response.data);
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    state: issue.state,
    htmlUrl: issue.html_url,
    labels: issue.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
    isPullRequest: issue.pull_request !== undefined,
  };
}

/**
 * Replaces an issue's body (the planner's section: pipeline/plan/). `previous` is the body the caller read just
 * before and built the new one from: its HTML comments (an issue template's hints, written by a person) are
 * kept by the outgoing guard, which drops every other comment the bot would send.
 */
export async function updateIssueBody(
  gh: GitHubClient,
  params: { owner: string; repo: string; number: number; body: string; previous: string },
): Promise<void> {
  const { owner, repo, number, body } = params;
  const route = `PATCH /repos/${owner}/${repo}/issues/${number}`;
  const keepComments = htmlCommentsOf(params.previous);
  await callGitHub(route, () =>
    gh.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner, repo, issue_number: number, body, request: { keepComments } }),
  );
}
