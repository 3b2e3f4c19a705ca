import { numberParam, repoApi, repoHtml, repoOf, type StandInCore } from "./core.js";
import { HttpError, field, isArray, isString, paginate, type Router } from "./http-kit.js";
import { actor } from "./routes-issues.js";
import { inRepo, nextId, type GhUser, type Json, type RepoRecord } from "./state.js";

export interface ReviewSpec {
  user: GhUser;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
  body?: string;
  comments?: { path: string; line: number; body: string }[];
}

/** Stores a review with its line comments, as the REST API returns them. */
export function createReview(core: StandInCore, record: RepoRecord, prNumber: number, spec: ReviewSpec): Json & { id: number } {
  const id = nextId(core.state);
  const now = new Date().toISOString();
  const review = {
    id,
    node_id: `PRR_${id}`,
    url: `${repoApi(core, record)}/pulls/${prNumber}/reviews/${id}`,
    html_url: `${repoHtml(core, record)}/pull/${prNumber}#pullrequestreview-${id}`,
    pull_number: prNumber,
    user: spec.user,
    state: spec.state,
    body: spec.body ?? "",
    submitted_at: now,
    comments: (spec.comments ?? []).map((c) => {
      const commentId = nextId(core.state);
      return {
        id: commentId,
        pull_request_review_id: id,
        path: c.path,
        line: c.line,
        original_line: c.line,
        body: c.body,
        user: spec.user,
        url: `${repoApi(core, record)}/pulls/comments/${commentId}`,
        created_at: now,
      };
    }),
  };
  core.state.reviews.push(review);
  return review;
}

export function addReviewRoutes(router: Router, core: StandInCore): void {
  const reviewsOf = (record: RepoRecord, n: number) => core.state.reviews.filter((r) => r.pull_number === n && inRepo(record.fullName)(r));

  router.add("GET", "/repos/:owner/:repo/pulls/:n/reviews", (ctx) => {
    const list = reviewsOf(repoOf(core, ctx), numberParam(ctx, "n")).map(({ comments: _c, ...r }) => r);
    const { page, headers } = paginate(ctx, list);
    return { status: 200, body: page, headers };
  });

  router.add("GET", "/repos/:owner/:repo/pulls/:n/reviews/:id/comments", (ctx) => {
    const review = reviewsOf(repoOf(core, ctx), numberParam(ctx, "n")).find((r) => r.id === numberParam(ctx, "id"));
    if (!review) throw new HttpError(404, "Not Found");
    const { page, headers } = paginate(ctx, review.comments as Json[]);
    return { status: 200, body: page, headers };
  });

  router.add("POST", "/repos/:owner/:repo/pulls/comments/:id/reactions", (ctx) => {
    const record = repoOf(core, ctx);
    const id = numberParam(ctx, "id");
    const comment = core.state.reviews
      .filter((r) => inRepo(record.fullName)(r))
      .flatMap((r) => r.comments)
      .find((c) => c.id === id);
    if (!comment) throw new HttpError(404, "Not Found");
    const content = field(ctx.body, "content", isString, true) as string;
    const subjectUrl = String(comment.url);
    const existing = core.state.reactions.find((r) => r.subject_url === subjectUrl && r.content === content);
    if (existing) return { status: 200, body: existing };
    const reaction = {
      id: nextId(core.state),
      node_id: "",
      user: actor(),
      content,
      created_at: new Date().toISOString(),
      subject_url: subjectUrl,
    };
    core.state.reactions.push(reaction);
    return { status: 201, body: reaction };
  });

  // The bot posts reviews (a second opinion) with line comments.
  router.add("POST", "/repos/:owner/:repo/pulls/:n/reviews", (ctx) => {
    const record = repoOf(core, ctx);
    const n = numberParam(ctx, "n");
    if (!core.state.pullRequests.some((p) => p.number === n && inRepo(record.fullName)(p))) throw new HttpError(404, "Not Found");
    const event = field(ctx.body, "event", isString, false) ?? "COMMENT";
    const state = event === "APPROVE" ? "APPROVED" : event === "REQUEST_CHANGES" ? "CHANGES_REQUESTED" : "COMMENTED";
    const comments = (field(ctx.body, "comments", isArray, false) ?? []).map((c) => {
      const o = c as Json;
      if (typeof o.path !== "string" || typeof o.body !== "string") throw new HttpError(422, "Validation Failed: comments");
      return { path: o.path, line: Number(o.line ?? 1), body: o.body };
    });
    const review = createReview(core, record, n, { user: actor(), state, body: field(ctx.body, "body", isString, false), comments });
    return { status: 200, body: review };
  });
}
