import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

export const AnnotationLevel = z.enum(["notice", "warning", "failure"]);

export const CheckAnnotation = z.object({
  path: z.string().min(1),
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  level: AnnotationLevel,
  message: z.string().min(1),
  title: z.string().nullable().optional(),
});
export type CheckAnnotation = z.infer<typeof CheckAnnotation>;

const Params = z.object({ owner: z.string().min(1), repo: z.string().min(1), checkRunId: z.number().int().positive() });

const RawAnnotation = z.object({
  path: z.string(),
  start_line: z.number(),
  end_line: z.number(),
  annotation_level: z.string().nullable(),
  message: z.string().nullable(),
  title: z.string().nullable().optional(),
});

function toLevel(level: string | null): CheckAnnotation["level"] {
  const parsed = AnnotationLevel.safeParse(level);
  return parsed.success ? parsed.data : "notice";
}

/** The annotations of a check run: what non-Actions CIs report instead of (or besides) a log. */
export async function listCheckRunAnnotations(
  gh: GitHubClient,
  params: { owner: string; repo: string; checkRunId: number },
): Promise<CheckAnnotation[]> {
  const { owner, repo, checkRunId } = Params.parse(params);
  const route = `GET /repos/${owner}/${repo}/check-runs/${checkRunId}/annotations`;
  const raw = await callGitHub(route, () =>
    gh.paginate("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", {
      owner,
      repo,
      check_run_id: checkRunId,
      per_page: 100,
    }),
  );
  return raw.map((item) => {
    const a = RawAnnotation.parse(item);
    return {
      path: a.path,
      startLine: a.start_line,
      endLine: a.end_line,
      level: toLevel(a.annotation_level),
      message: a.message ?? "",
      title: a.title ?? null,
    };
  });
}
