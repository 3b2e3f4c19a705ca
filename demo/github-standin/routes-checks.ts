import { numberParam, repoApi, repoHtml, repoOf, type StandInCore } from "./core.js";
import { HttpError, field, isArray, isObject, isString, paginate, type RouteContext, type Router } from "./http-kit.js";
import { APP, inRepo, nextId, type Json, type RepoRecord, type StandInState } from "./state.js";

const CONCLUSIONS = new Set(["success", "failure", "neutral", "action_required", "cancelled", "timed_out", "skipped", "stale"]);
const LEVELS = new Set(["notice", "warning", "failure"]);

/** Validates annotations as GitHub does (at most 50 per request) and stores them in API shape. */
function addAnnotations(state: StandInState, checkRunId: number, raw: unknown, blobBase: string): void {
  if (raw === undefined) return;
  if (!isArray(raw)) throw new HttpError(422, "Invalid request.\n\nFor 'properties/annotations', it is not an array.");
  if (raw.length > 50) throw new HttpError(422, "Invalid request.\n\nOnly 50 annotations are allowed per request.");
  const list = (state.annotations[checkRunId] ??= []);
  for (const a of raw) {
    if (
      !isObject(a) ||
      !isString(a.path) ||
      typeof a.start_line !== "number" ||
      typeof a.end_line !== "number" ||
      !isString(a.message) ||
      !LEVELS.has(String(a.annotation_level))
    ) {
      throw new HttpError(422, "Invalid request.\n\nAn annotation needs path, start_line, end_line, annotation_level and message.");
    }
    list.push({
      path: a.path,
      blob_href: `${blobBase}/blob/HEAD/${a.path}`,
      start_line: a.start_line,
      end_line: a.end_line,
      start_column: a.start_column ?? null,
      end_column: a.end_column ?? null,
      annotation_level: a.annotation_level,
      title: a.title ?? null,
      message: a.message,
      raw_details: a.raw_details ?? null,
    });
  }
}

/** Creates a check run as GitHub stores it; also used to seed check runs of "other CIs" in tests. */
export function createCheckRun(
  core: StandInCore,
  record: RepoRecord,
  body: unknown,
  app: Json = { id: APP.id, slug: APP.slug, name: APP.name },
): Json {
  const { state } = core;
  const name = field(body, "name", isString)!;
  const headSha = field(body, "head_sha", isString)!;
  const conclusion = field(body, "conclusion", isString, false);
  if (conclusion && !CONCLUSIONS.has(conclusion))
    throw new HttpError(422, `Invalid request.\n\n"${conclusion}" is not a valid conclusion.`);
  const id = nextId(state);
  const now = new Date().toISOString();
  const status = conclusion ? "completed" : (field(body, "status", isString, false) ?? "queued");
  const output = (isObject((body as Json).output) ? (body as Json).output : {}) as Json;
  const run = {
    id,
    name,
    head_sha: headSha,
    external_id: field(body, "external_id", isString, false) ?? null,
    status,
    conclusion: conclusion ?? null,
    started_at: field(body, "started_at", isString, false) ?? now,
    completed_at: status === "completed" ? (field(body, "completed_at", isString, false) ?? now) : null,
    details_url: field(body, "details_url", isString, false) ?? null,
    url: `${repoApi(core, record)}/check-runs/${id}`,
    html_url: `${repoHtml(core, record)}/runs/${id}`,
    app,
    output: {
      title: output.title ?? null,
      summary: output.summary ?? null,
      text: output.text ?? null,
      annotations_count: 0,
      annotations_url: `${repoApi(core, record)}/check-runs/${id}/annotations`,
    },
    pull_requests: [],
  };
  state.checkRuns.push(run);
  addAnnotations(state, id, output.annotations, repoHtml(core, record));
  run.output.annotations_count = state.annotations[id]?.length ?? 0;
  return run;
}

function checkText(output: Json): void {
  for (const key of ["summary", "text"]) {
    const v = output[key];
    if (typeof v === "string" && v.length > 65_535)
      throw new HttpError(422, `Invalid request.\n\noutput.${key} is too long (maximum is 65535 characters).`);
  }
}

/** Check runs: create, update (annotations append), list per commit, read annotations. */
export function addCheckRoutes(router: Router, core: StandInCore): void {
  const { state } = core;
  const find = (ctx: RouteContext) => {
    const record = repoOf(core, ctx);
    const run = state.checkRuns.find((r) => r.id === numberParam(ctx, "id") && inRepo(record.fullName)(r));
    if (!run) throw new HttpError(404, "Not Found");
    return { record, run };
  };

  router.add("POST", "/repos/:owner/:repo/check-runs", (ctx) => {
    if (isObject((ctx.body as Json)?.output)) checkText((ctx.body as Json).output as Json);
    return { status: 201, body: createCheckRun(core, repoOf(core, ctx), ctx.body) };
  });

  router.add("PATCH", "/repos/:owner/:repo/check-runs/:id", (ctx) => {
    const { record, run } = find(ctx);
    const body = (isObject(ctx.body) ? ctx.body : {}) as Json;
    for (const key of ["name", "details_url", "external_id", "status", "started_at", "completed_at"]) {
      if (isString(body[key])) run[key] = body[key];
    }
    if (isString(body.conclusion)) {
      if (!CONCLUSIONS.has(body.conclusion))
        throw new HttpError(422, `Invalid request.\n\n"${body.conclusion}" is not a valid conclusion.`);
      run.conclusion = body.conclusion;
      run.status = "completed";
      run.completed_at ??= new Date().toISOString();
    }
    if (isObject(body.output)) {
      const output = body.output;
      checkText(output);
      if (!isString(output.title) || !isString(output.summary))
        throw new HttpError(422, "Invalid request.\n\noutput needs title and summary.");
      const current = run.output as Json;
      Object.assign(current, { title: output.title, summary: output.summary, ...(isString(output.text) ? { text: output.text } : {}) });
      addAnnotations(state, run.id, output.annotations, repoHtml(core, record));
      current.annotations_count = state.annotations[run.id]?.length ?? 0;
    }
    return { status: 200, body: run };
  });

  router.add("GET", "/repos/:owner/:repo/check-runs/:id", (ctx) => ({ status: 200, body: find(ctx).run }));

  router.add("GET", "/repos/:owner/:repo/check-runs/:id/annotations", (ctx) => {
    const { run } = find(ctx);
    const { page, headers } = paginate(ctx, state.annotations[run.id] ?? []);
    return { status: 200, body: page, headers };
  });

  router.add("GET", "/repos/:owner/:repo/commits/:ref/check-runs", (ctx) => {
    const record = repoOf(core, ctx);
    const name = ctx.query.get("check_name");
    let runs = state.checkRuns
      .filter(inRepo(record.fullName))
      .filter((r) => r.head_sha === ctx.params.ref && (!name || r.name === name))
      .sort((a, b) => b.id - a.id);
    // filter=latest (the default) keeps the newest run of each name.
    if ((ctx.query.get("filter") ?? "latest") === "latest") runs = runs.filter((r, i) => runs.findIndex((o) => o.name === r.name) === i);
    const { page, headers } = paginate(ctx, runs);
    return { status: 200, body: { total_count: runs.length, check_runs: page }, headers };
  });
}
