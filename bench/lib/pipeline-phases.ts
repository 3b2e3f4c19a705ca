// One triage, from the signed webhook to the final comment, split by phase from the job record's timing (what
// the pipeline itself records in meta.timing) and the scripted model's request times.
import type { Harness } from "../../demo/harness.js";
import { timingOf, type JobTiming } from "../../src/jobs/job-timing.js";
import { getJobRecord, type JobRecord } from "../../src/jobs/records.js";

/** The phases in the order a maintainer waits for them; gather and workspace overlap (they run side by side). */
export const PHASES = [
  "ingest",
  "queue_wait",
  "config",
  "gather",
  "workspace",
  "agent_setup",
  "agent_start",
  "agent_turns",
  "agent_end_to_publish",
  "publish",
] as const;
export type PhaseRow = Partial<Record<(typeof PHASES)[number] | "overhead" | "first_signal" | "to_succeeded", number>>;

export async function waitForRecord(h: Harness, key: string, timeoutMs = 120_000): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await getJobRecord(h.db, key);
    if (record && (record.status === "succeeded" || record.status === "failed")) return record;
    if (Date.now() > deadline) throw new Error(`job ${key} did not finish (status ${record?.status ?? "missing"})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Splits one finished run; `delivered` is when the webhook was sent, `requests` the model's request times. */
export function splitPhases(record: JobRecord, delivered: number, requests: number[]): PhaseRow {
  const t = timingOf(record.meta);
  if (!t) throw new Error(`job ${record.key} has no timing in its meta`);
  const t0 = Date.parse(t.startedAt);
  const at = (mark: string) => (t.marks[mark] === undefined ? NaN : t0 + t.marks[mark]);
  const span = (name: string) => (t.spans[name] ? t.spans[name][1] - t.spans[name][0] : NaN);
  const spawn = at("agent-spawn");
  const firstRequest = requests.find((r) => r >= spawn) ?? NaN;
  const created = Date.parse(record.createdAt);
  return {
    ingest: created - delivered,
    queue_wait: t0 - created,
    config: phase(t, "config"),
    gather: span("gather"),
    workspace: span("workspace"),
    agent_setup: spawn - at("phase:agent"),
    agent_start: firstRequest - spawn,
    agent_turns: at("agent-exit") - firstRequest,
    agent_end_to_publish: at("phase:publish") - at("agent-exit"),
    publish: at("published") - at("phase:publish"),
    first_signal: at("first-signal") - delivered,
    overhead: at("published") - delivered,
    to_succeeded: Date.parse(record.finishedAt ?? "") - delivered,
  };
}

function phase(t: JobTiming, name: string): number {
  return t.phases[name] ?? NaN;
}
