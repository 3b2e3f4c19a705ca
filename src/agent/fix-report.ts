import { z } from "zod";
import { outputSchemaOf, parseAnswer, type AnswerResult } from "./structured-answer.js";

// What Codex must answer after drafting a change (`--output-schema`). The bot never trusts it for what
// changed (the diff is the truth); it is the explanation a reviewer reads.
export const FixReportSchema = z.strictObject({
  summary: z.string().min(1).max(200).describe("A pull request title: what the change does, imperative mood."),
  root_cause: z.string().max(2000).describe("Why the change is needed: the cause of the failure or the issue."),
  changes: z.string().max(3000).describe("What was changed and why, file by file."),
  tests: z
    .array(
      z.strictObject({
        command: z.string().max(300),
        outcome: z.enum(["passed", "failed", "not-run"]),
        note: z.string().max(300),
      }),
    )
    .max(10),
  confidence: z.enum(["low", "medium", "high"]),
  follow_up: z.string().max(1000).describe("What a reviewer should check, or empty."),
});

export type FixReport = z.infer<typeof FixReportSchema>;

export function fixReportJsonSchema(): object {
  return outputSchemaOf(FixReportSchema);
}

export function parseFixReport(finalMessage: string | undefined): AnswerResult<FixReport> {
  return parseAnswer(FixReportSchema, finalMessage, "fix report");
}
