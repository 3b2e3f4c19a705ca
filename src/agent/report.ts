import { z } from "zod";

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
});

export type TriageReport = z.infer<typeof TriageReportSchema>;

export function triageReportJsonSchema(): object {
  const schema = z.toJSONSchema(TriageReportSchema, { target: "draft-7" }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

export type ReportResult = { ok: true; report: TriageReport } | { ok: false; error: string };

/** The final agent message is JSON text; anything else is a readable failure, never a crash. */
export function parseTriageReport(finalMessage: string | undefined): ReportResult {
  if (!finalMessage || !finalMessage.trim()) return { ok: false, error: "Codex finished without a final answer." };
  let raw: unknown;
  try {
    raw = JSON.parse(finalMessage);
  } catch {
    return { ok: false, error: "Codex's answer was not JSON." };
  }
  const result = TriageReportSchema.safeParse(raw);
  if (result.success) return { ok: true, report: result.data };
  const problems = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "(answer)"}: ${i.message}`)
    .join("; ");
  return { ok: false, error: `Codex's answer did not fit the report schema (${problems}).` };
}
