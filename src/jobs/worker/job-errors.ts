import { redactSecrets } from "../../text-safety/redact.js";

const MAX_ERROR = 2000;

/** An error as the job record keeps it: its message, redacted and bounded. */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return redactSecrets(text).slice(0, MAX_ERROR);
}

// What pg-boss stores as a failed job's output: the serialised error a handler threw, or its own
// note when maintenance failed an active job that outlived its expiry (its worker died or hung).
export function deadLetterError(output: unknown): string {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null;
  const message = typeof o?.message === "string" ? o.message : typeof o?.value?.message === "string" ? o.value.message : null;
  if (message === "job failed by timeout in active state") {
    return "the worker stopped responding: the attempt outlived its time limit (the process may have died)";
  }
  return redactSecrets(message ?? "the job failed").slice(0, MAX_ERROR);
}
