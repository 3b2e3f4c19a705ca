import { z } from "zod";
import { CheckAnnotation } from "./check-annotations.js";
import type { GitHubClient } from "./client.js";
import { createOnce, NO_BLIND_RETRY } from "./create-once.js";
import { callGitHub } from "./errors.js";
import { CHECK_RUN_TEXT_LIMIT, fitBody } from "./limits.js";

// GitHub takes at most 50 annotations per create/update request; more go in further updates, which append.
export const ANNOTATIONS_PER_REQUEST = 50;

export const CheckConclusion = z.enum(["success", "failure", "neutral", "action_required", "cancelled", "timed_out"]);
export type CheckConclusion = z.infer<typeof CheckConclusion>;

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  headSha: z.string().regex(/^[0-9a-f]{40}$/, "headSha must be a full 40-character commit sha"),
  name: z.string().min(1).max(255),
  externalId: z.string().min(1),
  /** Omitted: the check run is shown as in progress (publish again with a conclusion to complete it). */
  conclusion: CheckConclusion.optional(),
  title: z.string().min(1).max(255),
  summary: z.string(),
  text: z.string().optional(),
  annotations: z.array(CheckAnnotation).default([]),
  detailsUrl: z.url().optional(),
});
export type PublishCheckRunParams = z.input<typeof Params>;

// The paginate plugin unwraps `{ total_count, check_runs }` into the bare array.
const ExistingRuns = z.array(
  z.object({ id: z.number(), external_id: z.string().nullable().optional(), html_url: z.string().nullable().optional() }),
);
const CheckRunResponse = z.object({ id: z.number(), html_url: z.string().nullable() });

function toRawAnnotation(a: CheckAnnotation) {
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: Math.max(a.endLine, a.startLine),
    annotation_level: a.level,
    message: a.message,
    ...(a.title ? { title: a.title } : {}),
  };
}

/**
 * Creates our check run on the commit, or updates the one a previous attempt created (same name and
 * external_id), so a retried job does not leave two. Returns the check run's id and page.
 */
export async function publishCheckRun(gh: GitHubClient, params: PublishCheckRunParams): Promise<{ id: number; htmlUrl: string | null }> {
  const p = Params.parse(params);
  const { owner, repo } = p;
  const listRoute = `GET /repos/${owner}/${repo}/commits/${p.headSha}/check-runs`;
  const findOurs = async () => {
    const existing = await callGitHub(listRoute, () =>
      gh.paginate(
        "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
        { owner, repo, ref: p.headSha, check_name: p.name, filter: "all", per_page: 100 },
        (response) => ExistingRuns.parse(response.data),
      ),
    );
    return existing.find((run) => run.external_id === p.externalId) ?? null;
  };
  const found = await findOurs();

  const batches: ReturnType<typeof toRawAnnotation>[][] = [];
  for (let i = 0; i < p.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(p.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST).map(toRawAnnotation));
  }
  const output = (annotations: ReturnType<typeof toRawAnnotation>[] | undefined) => ({
    title: p.title,
    summary: fitBody(p.summary, "", CHECK_RUN_TEXT_LIMIT),
    ...(p.text !== undefined ? { text: fitBody(p.text, "", CHECK_RUN_TEXT_LIMIT) } : {}),
    ...(annotations ? { annotations } : {}),
  });
  const state = p.conclusion
    ? { status: "completed" as const, conclusion: p.conclusion, completed_at: new Date().toISOString() }
    : { status: "in_progress" as const };
  const common = {
    owner,
    repo,
    name: p.name,
    external_id: p.externalId,
    ...(p.detailsUrl ? { details_url: p.detailsUrl } : {}),
    ...state,
    output: output(batches[0]),
  };

  let id: number;
  let htmlUrl: string | null;
  if (found) {
    const route = `PATCH /repos/${owner}/${repo}/check-runs/${found.id}`;
    const response = await callGitHub(route, () =>
      gh.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { ...common, check_run_id: found.id }),
    );
    ({ id, html_url: htmlUrl } = CheckRunResponse.parse(response.data));
  } else {
    const route = `POST /repos/${owner}/${repo}/check-runs`;
    // A POST answered 5xx may have created the run all the same: look for it before creating again (create-once.ts).
    ({ id, htmlUrl } = await createOnce(
      async () => {
        const again = await findOurs();
        return again ? { id: again.id, htmlUrl: again.html_url ?? null } : null;
      },
      async () => {
        const response = await callGitHub(route, () =>
          gh.request("POST /repos/{owner}/{repo}/check-runs", { ...common, head_sha: p.headSha, ...NO_BLIND_RETRY }),
        );
        const created = CheckRunResponse.parse(response.data);
        return { id: created.id, htmlUrl: created.html_url };
      },
    ));
  }

  for (const batch of batches.slice(1)) {
    const route = `PATCH /repos/${owner}/${repo}/check-runs/${id}`;
    await callGitHub(route, () =>
      gh.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        owner,
        repo,
        check_run_id: id,
        output: output(batch),
      }),
    );
  }
  return { id, htmlUrl };
}
