import { numberParam, repoApi, repoHtml, repoOf, type StandInCore } from "./core.js";
import { HttpError, field, isArray, isObject, isString, paginate, type RouteContext, type Router } from "./http-kit.js";
import { BOT, inRepo, nextId, nextIssueNumber, userOf, type GhUser, type Json, type RepoRecord } from "./state.js";

const REACTIONS = new Set(["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]);

/** The user a request acts as: every token the stand-in knows belongs to the App's bot. */
export function actor(): GhUser {
  return { ...BOT };
}

/** Posts a comment as `user` (the bot for API calls; tests seed people's comments with it). */
export function createComment(
  core: StandInCore,
  record: RepoRecord,
  issueNumber: number,
  body: string,
  user: GhUser,
): Json & { id: number } {
  const id = nextId(core.state);
  const now = new Date().toISOString();
  const comment = {
    id,
    node_id: `IC_${id}`,
    url: `${repoApi(core, record)}/issues/comments/${id}`,
    html_url: `${repoHtml(core, record)}/issues/${issueNumber}#issuecomment-${id}`,
    issue_url: `${repoApi(core, record)}/issues/${issueNumber}`,
    body,
    user,
    created_at: now,
    updated_at: now,
    author_association: user.type === "Bot" ? "NONE" : "MEMBER",
    performed_via_github_app: user.type === "Bot" ? { id: 4242, slug: "codex-dispatch" } : null,
  };
  core.state.comments.push(comment);
  return comment;
}

/** Opens an issue as a person (tests and the demo seed them). */
export function createIssue(
  core: StandInCore,
  record: RepoRecord,
  { title, body, labels = [], user = "octocat" }: { title: string; body?: string; labels?: string[]; user?: string },
): Json & { number: number } {
  const { state } = core;
  const number = nextIssueNumber(state, record.fullName);
  const now = new Date().toISOString();
  const issue = {
    id: nextId(state),
    number,
    node_id: `I_${number}`,
    url: `${repoApi(core, record)}/issues/${number}`,
    html_url: `${repoHtml(core, record)}/issues/${number}`,
    title,
    body: body ?? null,
    state: "open",
    user: user === BOT.login ? { ...BOT } : userOf(user),
    labels: labels.map((name) => ({ id: nextId(state), name, color: "ededed", default: false })),
    comments: 0,
    created_at: now,
    updated_at: now,
    author_association: "MEMBER",
  };
  state.issues.push(issue);
  return issue;
}

/** The issue or pull request with that number (they share numbers), or 404. */
export function issueOrPull(core: StandInCore, record: RepoRecord, n: number): Json & { labels: Json[] } {
  const found = [...core.state.issues, ...core.state.pullRequests].find((i) => i.number === n && inRepo(record.fullName)(i));
  if (!found) throw new HttpError(404, "Not Found");
  return found as Json & { labels: Json[] };
}

function labelsOf(body: unknown): string[] {
  const list = isArray(body) ? body : (body as Json)?.labels;
  if (!isArray(list) || !list.every((l) => isString(l) || (isObject(l) && isString(l.name)))) {
    throw new HttpError(422, 'Invalid request.\n\n"labels" must be a list of names.');
  }
  return list.map((l) => (isString(l) ? l : String((l as Json).name)));
}

/** Issues, their comments, reactions and labels. */
export function addIssueRoutes(router: Router, core: StandInCore): void {
  const { state } = core;
  const commentOf = (ctx: RouteContext) => {
    const record = repoOf(core, ctx);
    const comment = state.comments.find((c) => c.id === numberParam(ctx, "id") && inRepo(record.fullName)(c));
    if (!comment) throw new HttpError(404, "Not Found");
    return comment;
  };

  router.add("GET", "/repos/:owner/:repo/issues/:n", (ctx) => {
    const record = repoOf(core, ctx);
    const item = issueOrPull(core, record, numberParam(ctx, "n"));
    // A pull request read through the issues API carries a pull_request key.
    const isPull = state.pullRequests.includes(item as never);
    return { status: 200, body: isPull ? { ...item, pull_request: { url: item.url, html_url: item.html_url } } : item };
  });

  router.add("GET", "/repos/:owner/:repo/issues/:n/comments", (ctx) => {
    const record = repoOf(core, ctx);
    const n = numberParam(ctx, "n");
    issueOrPull(core, record, n);
    const issueUrl = `${repoApi(core, record)}/issues/${n}`;
    // As GitHub: `since` keeps the comments updated at or after that time.
    const since = Date.parse(ctx.query.get("since") ?? "");
    const comments = state.comments.filter(
      (c) => c.issue_url === issueUrl && (Number.isNaN(since) || Date.parse(String(c.updated_at)) >= since),
    );
    const { page, headers } = paginate(ctx, comments);
    return { status: 200, body: page, headers };
  });

  router.add("POST", "/repos/:owner/:repo/issues/:n/comments", (ctx) => {
    const record = repoOf(core, ctx);
    const n = numberParam(ctx, "n");
    issueOrPull(core, record, n);
    const body = field(ctx.body, "body", isString)!;
    if (body.length > 65_536) throw new HttpError(422, "Validation Failed: body is too long (maximum is 65536 characters)");
    return { status: 201, body: createComment(core, record, n, body, actor()) };
  });

  router.add("GET", "/repos/:owner/:repo/issues/comments/:id", (ctx) => ({ status: 200, body: commentOf(ctx) }));

  router.add("PATCH", "/repos/:owner/:repo/issues/comments/:id", (ctx) => {
    const comment = commentOf(ctx);
    // Only the author can edit: as on GitHub, the App cannot rewrite what a person wrote.
    if (comment.user.login !== actor().login) throw new HttpError(403, "Resource not accessible by integration");
    const body = field(ctx.body, "body", isString)!;
    if (body.length > 65_536) throw new HttpError(422, "Validation Failed: body is too long (maximum is 65536 characters)");
    Object.assign(comment, { body, updated_at: new Date().toISOString() });
    return { status: 200, body: comment };
  });

  const react = (subjectUrl: string, content: unknown) => {
    if (!isString(content) || !REACTIONS.has(content)) throw new HttpError(422, "Validation Failed: content is not a valid reaction");
    const existing = state.reactions.find((r) => r.subject_url === subjectUrl && r.content === content);
    if (existing) return { status: 200, body: existing };
    const reaction = {
      id: nextId(state),
      node_id: "",
      user: actor(),
      content,
      created_at: new Date().toISOString(),
      subject_url: subjectUrl,
    };
    state.reactions.push(reaction);
    return { status: 201, body: reaction };
  };

  router.add("POST", "/repos/:owner/:repo/issues/comments/:id/reactions", (ctx) =>
    react(String(commentOf(ctx).url), (ctx.body as Json)?.content),
  );

  router.add("POST", "/repos/:owner/:repo/issues/:n/reactions", (ctx) => {
    const item = issueOrPull(core, repoOf(core, ctx), numberParam(ctx, "n"));
    return react(String(item.url).replace("/pulls/", "/issues/"), (ctx.body as Json)?.content);
  });

  router.add("POST", "/repos/:owner/:repo/issues/:n/labels", (ctx) => {
    const record = repoOf(core, ctx);
    const item = issueOrPull(core, record, numberParam(ctx, "n"));
    const defined = (state.labels[record.fullName] ??= []);
    for (const name of labelsOf(ctx.body)) {
      let label = defined.find((l) => l.name === name);
      if (!label) {
        // GitHub creates a label that does not exist yet.
        label = {
          id: nextId(state),
          name,
          color: "ededed",
          default: false,
          url: `${repoApi(core, record)}/labels/${encodeURIComponent(name)}`,
        };
        defined.push(label);
      }
      if (!item.labels.some((l) => l.name === name)) item.labels.push(label);
    }
    return { status: 200, body: item.labels };
  });
}
