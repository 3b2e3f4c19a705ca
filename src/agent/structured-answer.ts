import { z } from "zod";

// Every job asks Codex for a JSON answer with `--output-schema` and checks it with the same zod schema:
// one place turns a schema into what codex wants and a final message into data or a readable error.

/** The JSON Schema codex passes to the model (strict structured outputs: every field required). */
export function outputSchemaOf(schema: z.ZodType): object {
  const json = z.toJSONSchema(schema, { target: "draft-7" }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

export type AnswerResult<T> = { ok: true; report: T } | { ok: false; error: string };

/** The final agent message is JSON text; anything else is a readable failure, never a crash. */
export function parseAnswer<T>(schema: z.ZodType<T>, finalMessage: string | undefined, what: string): AnswerResult<T> {
  if (!finalMessage?.trim()) return { ok: false, error: "Codex finished without a final answer." };
  let raw: unknown;
  try {
    raw = JSON.parse(finalMessage);
  } catch {
    return { ok: false, error: "Codex's answer was not JSON." };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, report: result.data };
  const problems = result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "(answer)"}: ${i.message}`)
    .join("; ");
  return { ok: false, error: `Codex's answer did not fit the ${what} schema (${problems}).` };
}
