import { repoOf, numberParam, type StandInCore } from "./core.js";
import { HttpError, field, isString, paginate, type Router } from "./http-kit.js";
import { actor, createIssue, issueOrPull } from "./routes-issues.js";
import { inRepo } from "./state.js";

/** Listing issues (open, by creator, oldest first as asked), opening one as the bot, and editing one. */
export function addIssueListRoutes(router: Router, core: StandInCore): void {
  const { state } = core;

  router.add("GET", "/repos/:owner/:repo/issues", (ctx) => {
    const record = repoOf(core, ctx);
    const wantState = ctx.query.get("state") ?? "open";
    const creator = ctx.query.get("creator")?.toLowerCase();
    const isPull = (i: object) => state.pullRequests.includes(i as never);
    const items = [...state.issues, ...state.pullRequests]
      .filter(inRepo(record.fullName))
      .filter((i) => wantState === "all" || i.state === wantState)
      .filter((i) => !creator || String((i.user as { login?: string } | undefined)?.login ?? "").toLowerCase() === creator)
      .map((i) => (isPull(i) ? { ...i, pull_request: { url: i.url, html_url: i.html_url } } : i));
    const asc = ctx.query.get("direction") === "asc";
    items.sort((a, b) => (asc ? 1 : -1) * (Date.parse(String(a.created_at)) - Date.parse(String(b.created_at)) || a.number - b.number));
    const { page, headers } = paginate(ctx, items);
    return { status: 200, body: page, headers };
  });

  router.add("POST", "/repos/:owner/:repo/issues", (ctx) => {
    const record = repoOf(core, ctx);
    const title = field(ctx.body, "title", isString)!;
    const body = field(ctx.body, "body", isString, false);
    if (body && body.length > 65_536) throw new HttpError(422, "Validation Failed: body is too long (maximum is 65536 characters)");
    return { status: 201, body: createIssue(core, record, { title, body, user: actor().login }) };
  });

  router.add("PATCH", "/repos/:owner/:repo/issues/:n", (ctx) => {
    const record = repoOf(core, ctx);
    const issue = issueOrPull(core, record, numberParam(ctx, "n"));
    const title = field(ctx.body, "title", isString, false);
    const body = field(ctx.body, "body", isString, false);
    const newState = field(ctx.body, "state", isString, false);
    if (body && body.length > 65_536) throw new HttpError(422, "Validation Failed: body is too long (maximum is 65536 characters)");
    if (newState !== undefined && newState !== "open" && newState !== "closed") throw new HttpError(422, "Validation Failed: state");
    Object.assign(issue, {
      ...(title !== undefined ? { title } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(newState !== undefined ? { state: newState } : {}),
      updated_at: new Date().toISOString(),
    });
    return { status: 200, body: issue };
  });
}
