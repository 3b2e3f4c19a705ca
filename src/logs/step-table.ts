import { commandName } from "./line-forms.js";
import type { StepInfo } from "./line-record.js";
import { copy } from "./line-checks.js";

// The steps of a log, as the collector finds them: Actions groups ("##[group]Run …"), the runner's closing
// lines, Travis' "$ command" lines, or the step column of `gh run view --log`. Capped: a pathological log with
// a step per line cannot fill memory.

const MAX_STEPS = 20_000;
const POST_JOB = "Post job cleanup.";
const ORPHANS = "Cleaning up orphan processes";

export class StepTable {
  readonly steps: StepInfo[] = [{ start: 0, name: "", failed: false, failedAt: -1 }];

  /** The step being read (the last one). */
  get current(): StepInfo {
    return this.steps[this.steps.length - 1];
  }

  /** Whether a line starting with this character code can name a step (#, $, P, C): most lines are settled here. */
  static mayName(c: number): boolean {
    return c === 35 || c === 36 || c === 80 || c === 67;
  }

  /** track() for the line src[from, end), making a string only of a step name. */
  trackAt(i: number, src: string, from: number, end: number): void {
    const len = end - from;
    let name: string | null = null;
    if (len >= 9 && src.startsWith("##[group]", from)) {
      const title = src.slice(from + 9, Math.min(end, from + 209));
      if (title.startsWith("Run ") || this.steps.length === 1) name = title;
    } else if ((len >= POST_JOB.length && src.startsWith(POST_JOB, from)) || (len >= ORPHANS.length && src.startsWith(ORPHANS, from))) {
      name = src.slice(from, end);
    } else if (len >= 2 && src.charCodeAt(from) === 36 && src.charCodeAt(from + 1) === 32) {
      name = src.slice(from + 2, Math.min(end, from + 200)); // commandName()
    }
    if (name !== null) this.add(i, name);
  }

  track(i: number, text: string, stepFromPrefix: string | null): void {
    let name: string | null = null;
    if (stepFromPrefix !== null) {
      if (stepFromPrefix !== this.current.name) name = stepFromPrefix;
    } else if (text.startsWith("##[group]")) {
      const title = text.slice(9, 209);
      // Actions steps open with "Run …"; other groups (runner details, env dumps) stay in the current step.
      if (title.startsWith("Run ") || this.steps.length === 1) name = title;
    } else if (text.startsWith(POST_JOB) || text.startsWith(ORPHANS)) {
      name = text;
    } else {
      name = commandName(text);
    }
    if (name !== null) this.add(i, name);
  }

  private add(i: number, name: string): void {
    name = copy(name);
    if (this.steps.length >= MAX_STEPS) {
      // Degrade gracefully on pathological logs: the last slot just follows the newest step.
      const last = this.current;
      if (!last.failed) {
        last.start = i;
        last.name = name;
        return;
      }
    }
    this.steps.push({ start: i, name, failed: false, failedAt: -1 });
  }
}
