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
});

export type ExplainReport = z.infer<typeof ExplainReportSchema>;

export function explainReportJsonSchema(): object {
  return outputSchemaOf(ExplainReportSchema);
}

export function parseExplainReport(finalMessage: string | undefined): AnswerResult<ExplainReport> {
  return parseAnswer(ExplainReportSchema, finalMessage, "explain");
}
