/**
 * What a job that talks nowhere (a plan item: its Conversation has no issue) would have said last, by job object:
 * the plan's checklist shows it as the item's reason. In memory on purpose: the runner that wraps the job's
 * pipeline (pipeline/plan/item-events.ts) reads it in the same call, and a WeakMap lets it go with the job.
 */
export const finalWords = new WeakMap<object, string>();
