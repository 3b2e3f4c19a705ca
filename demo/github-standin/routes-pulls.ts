import { gitDirOf, numberParam, repoApi, repoHtml, repoOf, type StandInCore } from "./core.js";
import { resolveRef } from "./git-store.js";
import { HttpError, field, isArray, isBoolean, isString, paginate, type Router } from "./http-kit.js";
import { actor } from "./routes-issues.js";
import { inRepo, nextId, nextIssueNumber, type GhUser, type Json, type RepoRecord, type StandInState } from "./state.js";

export interface PullSpec {
  title: string;
  body?: string;
  head: string;
  headSha: string;
  base: string;
  baseSha?: string;
  draft?: boolean;
  user?: GhUser;
  /** owner/name of a fork the head lives in; the repository itself when omitted. */
  headRepoFullName?: string;
}

type Pull = StandInState["pullRequests"][number];

/** Stores a pull request as the REST API returns it. */
export function createPullRequest(core: StandInCore, record: RepoRecord, spec: PullSpec): Pull {
  const number = nextIssueNumber(core.state, record.fullName);
  const headRepo =
    spec.headRepoFullName && spec.headRepoFullName !== record.fullName
      ? {
          id: nextId(core.state),
          full_name: spec.headRepoFullName,
          name: spec.headRepoFullName.split("/")[1],
          owner: { login: spec.headRepoFullName.split("/")[0], type: "User" },
          fork: true,
        }
      : record.repo;
  const now = new Date().toISOString();
  const pr: Pull = {
    id: nextId(core.state),
    number,
    node_id: `PR_${number}`,
    url: `${repoApi(core, record)}/pulls/${number}`,
    html_url: `${repoHtml(core, record)}/pull/${number}`,
    issue_url: `${repoApi(core, record)}/issues/${number}`,
    state: "open",
    title: spec.title,
    body: spec.body ?? null,
    draft: spec.draft ?? false,
    user: spec.user ?? actor(),
    labels: [],
    requested_reviewers: [],
    requested_teams: [],
    merged: false,
    maintainer_can_modify: false,
    created_at: now,
    updated_at: now,
    head: { label: `${String((headRepo.owner as Json).login)}:${spec.head}`, ref: spec.head, sha: spec.headSha, repo: headRepo },
    base: { label: `${record.repo.owner.login}:${spec.base}`, ref: spec.base, sha: spec.baseSha ?? "", repo: record.repo },
  };
  core.state.pullRequests.push(pr);
  return pr;
}

/** Pull requests: list (state/head/base filters), create as the bot, read, edit, request reviewers; PRs of a commit. */
export function addPullRoutes(router: Router, core: StandInCore): void {
  const { state } = core;
  const pullOf = (record: RepoRecord, n: number) => {
    const pr = state.pullRequests.find((p) => p.number === n && inRepo(record.fullName)(p));
    if (!pr) throw new HttpError(404, "Not Found");
    return pr;
  };

  router.add("GET", "/repos/:owner/:repo/pulls", (ctx) => {
    const record = repoOf(core, ctx);
    const wanted = ctx.query.get("state") ?? "open";
    const head = ctx.query.get("head");
    const base = ctx.query.get("base");
    const pulls = state.pullRequests
      .filter(inRepo(record.fullName))
      .filter((p) => wanted === "all" || p.state === wanted)
      .filter((p) => !head || p.head.label === head)
      .filter((p) => !base || p.base.ref === base)
      .sort((a, b) => b.number - a.number);
    const { page, headers } = paginate(ctx, pulls);
    return { status: 200, body: page, headers };
  });

  router.add("POST", "/repos/:owner/:repo/pulls", async (ctx) => {
    const record = repoOf(core, ctx);
    const title = field(ctx.body, "title", isString)!;
    const head = field(ctx.body, "head", isString)!.replace(/^[^:]+:/, "");
    const base = field(ctx.body, "base", isString)!;
    const dir = gitDirOf(record);
    const headSha = await resolveRef(dir, `refs/heads/${head}`);
    const baseSha = await resolveRef(dir, `refs/heads/${base}`);
    if (!headSha || !baseSha) throw new HttpError(422, `Validation Failed: ${!headSha ? "head" : "base"} invalid`);
    if (state.pullRequests.some((p) => inRepo(record.fullName)(p) && p.state === "open" && p.head.ref === head && p.base.ref === base)) {
      throw new HttpError(422, `Validation Failed: A pull request already exists for ${record.repo.owner.login}:${head}.`);
    }
    const pr = createPullRequest(core, record, {
      title,
      head,
      headSha,
      base,
      baseSha,
      body: field(ctx.body, "body", isString, false),
      draft: field(ctx.body, "draft", isBoolean, false),
    });
    return { status: 201, body: pr };
  });

  router.add("GET", "/repos/:owner/:repo/pulls/:n", (ctx) => ({ status: 200, body: pullOf(repoOf(core, ctx), numberParam(ctx, "n")) }));

  router.add("PATCH", "/repos/:owner/:repo/pulls/:n", (ctx) => {
    const pr = pullOf(repoOf(core, ctx), numberParam(ctx, "n"));
    const title = field(ctx.body, "title", isString, false);
    const body = field(ctx.body, "body", isString, false);
    const stateValue = field(ctx.body, "state", isString, false);
    if (stateValue && stateValue !== "open" && stateValue !== "closed") throw new HttpError(422, "Validation Failed: state");
    Object.assign(pr, {
      ...(title !== undefined ? { title } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(stateValue ? { state: stateValue } : {}),
      updated_at: new Date().toISOString(),
    });
    return { status: 200, body: pr };
  });

  router.add("POST", "/repos/:owner/:repo/pulls/:n/requested_reviewers", (ctx) => {
    const pr = pullOf(repoOf(core, ctx), numberParam(ctx, "n"));
    const reviewers = field(ctx.body, "reviewers", isArray, false) ?? [];
    const list = pr.requested_reviewers as Json[];
    for (const login of reviewers.map(String)) if (!list.some((u) => u.login === login)) list.push({ login, type: "User" });
    return { status: 201, body: pr };
  });

  router.add("GET", "/repos/:owner/:repo/commits/:sha/pulls", (ctx) => {
    const record = repoOf(core, ctx);
    const pulls = state.pullRequests.filter(inRepo(record.fullName)).filter((p) => p.head.sha === ctx.params.sha);
    const { page, headers } = paginate(ctx, pulls);
    return { status: 200, body: page, headers };
  });
}
