import { CommandJobSchema, FixJobSchema, TriageJobSchema } from "../jobs/types.js";
import type { JobContext } from "../jobs/worker.js";
import type { PipelineDeps } from "./deps.js";
import { runCommand } from "./command.js";
import { askHandlers } from "./ask-handlers.js";
import { runFix } from "./fix.js";
import { runTriage, type PipelineResult } from "./triage.js";

/** The worker's handlers, one per job kind; data is re-validated because the queue outlives versions. */
export function pipelineHandlers(deps: PipelineDeps) {
  return {
    triage: async (data: unknown, ctx: JobContext): Promise<PipelineResult> => {
      const job = TriageJobSchema.parse(data);
      return runTriage(deps, job, ctx);
    },
    fix: async (data: unknown, ctx: JobContext): Promise<PipelineResult> => runFix(deps, FixJobSchema.parse(data), ctx),
    ...askHandlers(deps),
    command: async (data: unknown, ctx: JobContext): Promise<PipelineResult> => runCommand(deps, CommandJobSchema.parse(data), ctx),
  };
}
