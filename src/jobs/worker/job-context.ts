import { z } from "zod";
import type { JobTokens } from "../records.js";

/** What a job handler gets besides its data: who it is, and how to hear that it must stop. */
export interface JobContext {
  key: string;
  /** 1 for the first attempt. */
  attempt: number;
  isLastAttempt: boolean;
  /**
   * Aborted when the attempt runs out of time, the worker stops, or someone cancels the job: kill child
   * processes then. On a cancel, `signal.reason` is a JobCancelledError.
   */
  signal: AbortSignal;
  setPhase(phase: string): Promise<void>;
  /**
   * Whether the job was cancelled (`/codex stop`, label removed), as opposed to timed out or stopped:
   * a cancelled job ends as `cancelled` whatever the handler does next, and is never retried.
   */
  cancelled(): boolean;
}

export interface JobResult {
  outcome: string;
  tokens?: JobTokens;
  links?: Record<string, string>;
  /** What the job produced, structured, for the MCP server's task_result (a fix's hand-off, an answer, a report). */
  result?: Record<string, unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JobHandler = (data: any, ctx: JobContext) => Promise<JobResult | void>;

/** What a handler returns, checked before it goes into the job record. */
export const ResultSchema = z
  .object({
    outcome: z.string(),
    tokens: z
      .object({
        input: z.number().int().nonnegative(),
        output: z.number().int().nonnegative(),
        // USD at the operator's prices, null when the model has no price: stored beside the tokens (cost_usd).
        costUsd: z.number().nonnegative().nullable().optional(),
      })
      .optional(),
    links: z.record(z.string(), z.string()).optional(),
    result: z.record(z.string(), z.unknown()).optional(),
  })
  .optional();
