import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { createOnce, NO_BLIND_RETRY } from "./create-once.js";
import { callGitHub, isGitHubStatus } from "./errors.js";
import { fitBody } from "./limits.js";

// A hidden HTML comment; "--" inside would end it early and show the rest on the page.
const MARKER = /^<!-- (?:(?!--)[^<>\r\n])+ -->$/;

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  issueNumber: z.number().int().positive(),
  marker: z.string().regex(MARKER, "marker must be a hidden HTML comment such as <!-- codex-dispatch:triage:123 -->"),
  body: z.string(),
  /** The comment's id when the caller knows it (kept in the database): one PATCH, no search. */
  knownId: z.number().int().positive().optional(),
  /** The App's slug: only its own comments can be the sticky one. */
  appSlug: z.string().min(1).optional(),
  /** No comment of ours with this marker can be older than this (ISO time): the search asks for newer ones only. */
  since: z.string().optional(),
});

const Comment = z.object({
  id: z.number(),
  html_url: z.string(),
  body: z.string().nullable().optional(),
  user: z.object({ type: z.string(), login: z.string().optional() }).nullable().optional(),
});
type Comment = z.infer<typeof Comment>;

export type StickyCommentParams = z.input<typeof Params>;

/**
 * Edits the comment of ours that carries `marker`, or posts one: a retried or repeated job updates its
 * report instead of stacking new ones. Cheap on long threads: with `knownId` it is one request; otherwise
 * the search is limited to comments updated since `since` and stops at the first match. Only the App's own
 * comments count (a bot's when the slug is unknown), so a person or another bot quoting the marker does not
 * capture the report. The body always ends with the marker.
 */
export async function upsertStickyComment(
  gh: GitHubClient,
  params: StickyCommentParams,
): Promise<{ id: number; htmlUrl: string; created: boolean }> {
  const { owner, repo, issueNumber, marker, body, knownId, appSlug, since } = Params.parse(params);
  const text = fitBody(body.split(marker).join("").trimEnd(), `\n\n${marker}`);
  const edit = async (id: number) => {
    const route = `PATCH /repos/${owner}/${repo}/issues/comments/${id}`;
    const response = await callGitHub(route, () =>
      gh.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner, repo, comment_id: id, body: text }),
    );
    const updated = Comment.parse(response.data);
    return { id: updated.id, htmlUrl: updated.html_url, created: false };
  };

  if (knownId !== undefined) {
    try {
      return await edit(knownId);
    } catch (error) {
      // Deleted by a person: find or post it again.
      if (!isGitHubStatus(error, 404)) throw error;
    }
  }
  const ours = (c: Comment) =>
    c.user?.type === "Bot" && (!appSlug || c.user.login === `${appSlug}[bot]`) && (c.body ?? "").includes(marker);
  const listRoute = `GET /repos/${owner}/${repo}/issues/${issueNumber}/comments`;
  const search = async () => {
    const matches = await callGitHub(listRoute, () =>
      gh.paginate(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
        { owner, repo, issue_number: issueNumber, per_page: 100, ...(since ? { since } : {}) },
        (response, done) => {
          const found = response.data.map((c) => Comment.parse(c)).filter(ours);
          if (found.length > 0) done();
          return found;
        },
      ),
    );
    return matches[0] ?? null;
  };
  const existing = await search();
  if (existing && existing.id !== knownId) return edit(existing.id);
  const route = `POST /repos/${owner}/${repo}/issues/${issueNumber}/comments`;
  // A POST answered 5xx may have been done all the same: look for it before posting again (create-once.ts).
  return createOnce(
    async () => {
      const found = await search();
      return found ? { id: found.id, htmlUrl: found.html_url, created: true } : null;
    },
    async () => {
      const response = await callGitHub(route, () =>
        gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          owner,
          repo,
          issue_number: issueNumber,
          body: text,
          ...NO_BLIND_RETRY,
        }),
      );
      const created = Comment.parse(response.data);
      return { id: created.id, htmlUrl: created.html_url, created: true };
    },
  );
}
