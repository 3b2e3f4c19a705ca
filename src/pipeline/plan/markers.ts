import { PLAN_GO_MARKER } from "../../jobs/keys.js";

// The contract between the planner, which writes a plan into an issue's body, and the plan runner, which reads
// the task list back: the section between these markers is the plan (items are its `- [ ]` lines, numbered from 1
// in list order), and the line carrying GO_MARKER is the approval box, not an item. An issue without the section is
// a plan written by a person: every task-list line of its body is an item.

/** Opens the planner's section of an issue body. */
export const PLAN_SECTION_START = "<!-- codex-dispatch:plan -->";
/** Closes it. */
export const PLAN_SECTION_END = "<!-- /codex-dispatch:plan -->";
/** On the approval box's line (`- [ ] Run this plan <!-- codex-dispatch:go -->`): a writer ticking it starts the plan. */
export const GO_MARKER = PLAN_GO_MARKER;
