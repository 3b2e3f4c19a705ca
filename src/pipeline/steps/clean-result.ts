import { cleanText } from "../../text-safety/inline.js";

/**
 * A job's structured result (JobResult.result) with every string cleaned as the PR body's hand-off block is:
 * hidden characters stripped and secrets redacted. It leaves through the MCP server's task_result, and an agent's
 * text may hold what the bot must never hand out.
 */
export function cleanResult<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => cleanResult(v)) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanResult(v as unknown)])) as T;
  return value;
}
