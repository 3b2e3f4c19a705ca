// A repository's dashboard issue (see src/pipeline/maintenance/dashboard.ts): one open issue, written by the
// App, found again by a hidden marker. Found by listing the open issues the App's bot user created (the list
// API filters by creator; search would lag behind a just-created issue and has its own rate limit). Only
// issues by the bot count, so a person's issue quoting the marker is never taken over. Creation goes through
// one job key per repository (the caller's), so two copies are unlikely; if two exist anyway (an old worker,
// a reopened one) the oldest is kept and the others are closed with a comment that points to it.
import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { postComment } from "./comments.js";
import { callGitHub } from "./errors.js";
import { fitBody } from "./limits.js";

// A hidden HTML comment; "--" inside would end it early and show the rest on the page.
const MARKER = /^<!-- (?:(?!--)[^<>\r\n])+ -->$/;

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  /** The App's slug: its issues are created by `<slug>[bot]`. */
  appSlug: z.string().min(1),
  marker: z.string().regex(MARKER, "marker must be a hidden HTML comment such as <!-- codex-dispatch:dashboard -->"),
  title: z.string().trim().min(1).max(256),
  body: z.string(),
});

const ListedIssue = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string().nullable().optional(),
  html_url: z.string(),
  created_at: z.string(),
  user: z.object({ login: z.string() }).nullable().optional(),
  pull_request: z.unknown().optional(),
});
type ListedIssue = z.infer<typeof ListedIssue>;

const Written = z.object({ number: z.number().int(), html_url: z.string() });

export type DashboardIssueParams = z.input<typeof Params>;

export interface DashboardIssueResult {
  number: number;
  htmlUrl: string;
  created: boolean;
  /** The title or body was edited (false when both were already as wanted). */
  updated: boolean;
  /** Extra copies closed as duplicates of `number`. */
  closed: number[];
}

// Bodies edited in GitHub's web UI come back with CRLF line ends: the same text must not count as a change.
function same(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\r\n?/g, "\n").trimEnd();
  return norm(a) === norm(b);
}

async function listOurs(gh: GitHubClient, owner: string, repo: string, login: string, marker: string): Promise<ListedIssue[]> {
  const route = `GET /repos/${owner}/${repo}/issues?state=open&creator=${login}`;
  const listed = await callGitHub(route, () =>
    gh.paginate("GET /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      state: "open",
      creator: login,
      sort: "created",
      direction: "asc",
      per_page: 100,
    }),
  );
  return listed
    .map((i) => ListedIssue.parse(i))
    .filter((i) => i.pull_request === undefined && i.user?.login.toLowerCase() === login.toLowerCase() && (i.body ?? "").includes(marker))
    .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.number - b.number);
}

/** Finds the dashboard issue, creating it when absent and editing it only when its title or body differ. */
export async function upsertDashboardIssue(gh: GitHubClient, params: DashboardIssueParams): Promise<DashboardIssueResult> {
  const { owner, repo, appSlug, marker, title, body } = Params.parse(params);
  const login = `${appSlug}[bot]`;
  // The marker opens the body so a cut (fitBody keeps the head) never loses it.
  const text = fitBody(body.includes(marker) ? body : `${marker}\n${body}`);
  const [kept, ...extra] = await listOurs(gh, owner, repo, login, marker);

  if (!kept) {
    const route = `POST /repos/${owner}/${repo}/issues`;
    const response = await callGitHub(route, () => gh.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title, body: text }));
    const created = Written.parse(response.data);
    return { number: created.number, htmlUrl: created.html_url, created: true, updated: false, closed: [] };
  }

  const closed: number[] = [];
  for (const duplicate of extra) {
    await postComment(gh, { owner, repo, issueNumber: duplicate.number, body: `Closing: a duplicate of the dashboard #${kept.number}.` });
    const route = `PATCH /repos/${owner}/${repo}/issues/${duplicate.number}`;
    await callGitHub(route, () =>
      gh.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
        owner,
        repo,
        issue_number: duplicate.number,
        state: "closed",
        state_reason: "not_planned",
      }),
    );
    closed.push(duplicate.number);
  }

  if (kept.title === title && same(kept.body ?? "", text)) {
    return { number: kept.number, htmlUrl: kept.html_url, created: false, updated: false, closed };
  }
  const route = `PATCH /repos/${owner}/${repo}/issues/${kept.number}`;
  await callGitHub(route, () =>
    gh.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner, repo, issue_number: kept.number, title, body: text }),
  );
  return { number: kept.number, htmlUrl: kept.html_url, created: false, updated: true, closed };
}
