import { z } from "zod";

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
  const schema = z.toJSONSchema(ExplainReportSchema, { target: "draft-7" }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

/** The final agent message is JSON text; anything else is a readable failure, never a crash. */
export function parseExplainReport(finalMessage: string | undefined): { ok: true; report: ExplainReport } | { ok: false; error: string } {
  if (!finalMessage?.trim()) return { ok: false, error: "Codex finished without a final answer." };
  let raw: unknown;
  try {
    raw = JSON.parse(finalMessage);
  } catch {
    return { ok: false, error: "Codex's answer was not JSON." };
  }
  const result = ExplainReportSchema.safeParse(raw);
  if (result.success) return { ok: true, report: result.data };
  const problems = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(answer)"}: ${i.message}`)
    .join("; ");
  return { ok: false, error: `Codex's answer did not fit the explain schema (${problems}).` };
}
