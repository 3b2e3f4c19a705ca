import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";
import { fitBody } from "./limits.js";

// A hidden HTML comment; "--" inside would end it early and show the rest on the page.
const MARKER = /^<!-- (?:(?!--)[^<>\r\n])+ -->$/;

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  issueNumber: z.number().int().positive(),
  marker: z.string().regex(MARKER, "marker must be a hidden HTML comment such as <!-- codex-dispatch:triage:123 -->"),
  body: z.string(),
});

const Comment = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string().nullable().optional(),
  user: z.object({ type: z.string() }).nullable().optional(),
});

/**
 * Edits the comment of ours that carries `marker`, or posts one: a retried or repeated job updates its
 * report instead of stacking new ones. Only comments by bots count, so a person quoting the marker does not
 * capture the report (and we could not edit their comment anyway). The body always ends with the marker.
 */
export async function upsertStickyComment(
  gh: GitHubClient,
  params: { owner: string; repo: string; issueNumber: number; marker: string; body: string },
): Promise<{ id: number; htmlUrl: string; created: boolean }> {
  const { owner, repo, issueNumber, marker, body } = Params.parse(params);
  const text = fitBody(body.split(marker).join("").trimEnd(), `\n\n${marker}`);

  const listRoute = `GET /repos/${owner}/${repo}/issues/${issueNumber}/comments`;
  const matches = await callGitHub(listRoute, () =>
    gh.paginate(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { owner, repo, issue_number: issueNumber, per_page: 100 },
      (response, done) => {
        const found = response.data
          .map((c) => Comment.parse(c))
          .filter((c) => c.user?.type === "Bot" && (c.body ?? "").includes(marker));
        if (found.length > 0) done();
        return found;
      },
    ),
  );
  const existing = matches[0];
  if (existing) {
    const route = `PATCH /repos/${owner}/${repo}/issues/comments/${existing.id}`;
    const response = await callGitHub(route, () =>
      gh.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
        owner,
        repo,
        comment_id: existing.id,
        body: text,
      }),
    );
    const updated = Comment.parse(response.data);
    return { id: updated.id, htmlUrl: updated.html_url, created: false };
  }
  const route = `POST /repos/${owner}/${repo}/issues/${issueNumber}/comments`;
  const response = await callGitHub(route, () =>
    gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner,
      repo,
      issue_number: issueNumber,
      body: text,
    }),
  );
  const created = Comment.parse(response.data);
  return { id: created.id, htmlUrl: created.html_url, created: true };
}
