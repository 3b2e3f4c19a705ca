import { AskJobSchema } from "../jobs/types.js";
import type { JobContext } from "../jobs/worker.js";
import type { PipelineDeps } from "./deps.js";
import { runExplain } from "./explain.js";
import { runReview } from "./review.js";
import type { PipelineResult } from "./triage.js";

/** The worker's handlers for `/codex explain` and `/codex review`; data is re-validated (the queue outlives versions). */
export function askHandlers(deps: PipelineDeps) {
  return {
    explain: async (data: unknown, ctx: JobContext): Promise<PipelineResult> => runExplain(deps, AskJobSchema.parse(data), ctx),
    review: async (data: unknown, ctx: JobContext): Promise<PipelineResult> => runReview(deps, AskJobSchema.parse(data), ctx),
  };
}
