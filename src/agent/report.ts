import { z } from "zod";
import { outputSchemaOf, parseAnswer, type AnswerResult } from "./structured-answer.js";

// The structured answer Codex must give for a triage (`--output-schema`). Every field is required and
// nullable fields are explicit, as the model API's strict structured outputs demand.
export const CLASSIFICATIONS = ["code", "test", "flaky", "infrastructure", "configuration", "dependency", "unknown"] as const;

export const TriageReportSchema = z.strictObject({
  summary: z.string().min(1).max(300).describe("One sentence a maintainer reads first."),
  root_cause: z.string().min(1).max(2000).describe("The root cause in a sentence or two."),
  classification: z.enum(CLASSIFICATIONS),
  confidence: z.enum(["low", "medium", "high"]),
  evidence: z
    .array(
      z.strictObject({
        log_line: z.string().max(500).describe("A log line, verbatim, that shows the failure."),
        explanation: z.string().max(500),
      }),
    )
    .max(10),
  locations: z
    .array(
      z.strictObject({
        path: z.string().min(1).describe("Repository-relative path of a file involved."),
        line: z.number().int().min(1).nullable(),
        message: z.string().max(500),
      }),
    )
    .max(20),
  suggested_fix: z.string().max(3000),
  fixable: z.boolean().describe("True when the fix is clear and small enough to draft automatically."),
  // What the flaky-test chaser counts (src/jobs/triage-findings.ts): the same test failing on runs that also
  // pass, or classified flaky, again and again. Names as the runner prints them, so a command can select one.
  failing_tests: z
    .array(z.string().min(1).max(300))
    .max(20)
    .describe("The tests that failed, named as the test runner names them (e.g. tests/test_api.py::test_login); empty if none."),
});

export type TriageReport = z.infer<typeof TriageReportSchema>;

export function triageReportJsonSchema(): object {
  return outputSchemaOf(TriageReportSchema);
}

export function parseTriageReport(finalMessage: string | undefined): AnswerResult<TriageReport> {
  return parseAnswer(TriageReportSchema, finalMessage, "report");
}
