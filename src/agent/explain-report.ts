import { z } from "zod";
import { outputSchemaOf, parseAnswer, type AnswerResult } from "./structured-answer.js";

// The structured answer Codex must give for `/codex explain` (`--output-schema`). Every field is required and
// nullable fields are explicit, as the model API's strict structured outputs demand.
export const ExplainReportSchema = z.strictObject({
  answer: z.string().min(1).max(20_000).describe("The answer in markdown, citing code as `path/to/file.ts:123`."),
  references: z
    .array(
      z.strictObject({
        path: z.string().min(1).max(500).describe("Repository-relative path of a file the answer relies on."),
        line: z.number().int().min(1).nullable().describe("The line that matters, or null for the whole file."),
        note: z.string().max(500).describe("What is there, in a few words."),
      }),
    )
    .max(30),
  // Commits the answer rests on (why and when questions): only linked when the sha names a commit of the checked-out
  // history (the bot checks with git). An answer without the field (an older agent, a local run) reads as none.
  commits: z
    .array(
      z.strictObject({
        sha: z
          .string()
          .regex(/^[0-9a-fA-F]{7,40}$/, "sha must be 7 to 40 hex digits")
          .describe("The commit as git printed it: the full sha or at least 7 hex digits."),
        pull_request: z.number().int().min(1).nullable().describe("The pull request that brought it (#123), or null."),
        note: z.string().max(500).describe("What the commit says or did, in a few words."),
      }),
    )
    .max(20)
    .default([]),
});

export type ExplainReport = z.infer<typeof ExplainReportSchema>;

export function explainReportJsonSchema(): object {
  return outputSchemaOf(ExplainReportSchema);
}

export function parseExplainReport(finalMessage: string | undefined): AnswerResult<ExplainReport> {
  return parseAnswer(ExplainReportSchema, finalMessage, "explain");
}
