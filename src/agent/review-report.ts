import { z } from "zod";
import { outputSchemaOf, parseAnswer, type AnswerResult } from "./structured-answer.js";

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
  return outputSchemaOf(ReviewReportSchema);
}

export function parseReviewReport(finalMessage: string | undefined): AnswerResult<ReviewReport> {
  return parseAnswer(ReviewReportSchema, finalMessage, "review");
}
