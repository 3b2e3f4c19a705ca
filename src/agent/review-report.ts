import { z } from "zod";

// The structured answer Codex must give for `/codex review` (`--output-schema`). The verdict is advice shown
// in the text: the bot never approves or blocks a pull request, a person does.
export const REVIEW_VERDICTS = ["comment", "request_changes", "approve_suggestion"] as const;
export const MAX_REVIEW_COMMENTS = 20;

export const ReviewReportSchema = z.strictObject({
  summary: z.string().min(1).max(5_000).describe("What the change does and the main findings, in markdown."),
  verdict: z.enum(REVIEW_VERDICTS),
  comments: z
    .array(
      z.strictObject({
        path: z.string().min(1).max(500).describe("Repository-relative path of a file the pull request changes."),
        line: z.number().int().min(1).describe("A line of the new version of the file that the diff shows."),
        body: z.string().min(1).max(3_000).describe("One concrete finding about that line."),
      }),
    )
    .max(MAX_REVIEW_COMMENTS),
});

export type ReviewReport = z.infer<typeof ReviewReportSchema>;
export type ReviewVerdict = ReviewReport["verdict"];

export function reviewReportJsonSchema(): object {
  const schema = z.toJSONSchema(ReviewReportSchema, { target: "draft-7" }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

/** The final agent message is JSON text; anything else is a readable failure, never a crash. */
export function parseReviewReport(finalMessage: string | undefined): { ok: true; report: ReviewReport } | { ok: false; error: string } {
  if (!finalMessage?.trim()) return { ok: false, error: "Codex finished without a final answer." };
  let raw: unknown;
  try {
    raw = JSON.parse(finalMessage);
  } catch {
    return { ok: false, error: "Codex's answer was not JSON." };
  }
  const result = ReviewReportSchema.safeParse(raw);
  if (result.success) return { ok: true, report: result.data };
  const problems = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(answer)"}: ${i.message}`)
    .join("; ");
  return { ok: false, error: `Codex's answer did not fit the review schema (${problems}).` };
}
