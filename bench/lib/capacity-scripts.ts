// What the scripted model has codex do in the capacity bench: the commands a real triage or fix makes (look
// around, search, read, run the test, patch, run it again), so the agent's own CPU and memory are those of a
// working run. The model answers at once; a real model's run spends most of its wall time waiting for it.
import { ciFailureScript } from "../../demo/scenarios/ci-failure.js";
import { issueFixScript, SUM_FIX_PATCH } from "../../demo/scenarios/issue-fix.js";
import type { ScriptStep } from "../../demo/scripted-model.js";

const exec = (cmd: string): ScriptStep => ({ kind: "exec", cmd });

const LOOK_AROUND = [
  exec("ls"),
  exec("git log --oneline -5"),
  exec("find . -name '*.js' -not -path './.git/*' | wc -l"),
  exec("grep -rn 'export function sum' --include=*.js . | head -20"),
  exec("grep -rln 'return a' src | head -50"),
  exec("cat src/sum.js"),
  exec("cat test/sum.test.js package.json"),
  exec("git show --stat HEAD | head -40"),
  exec("node --test 2>&1 | tail -30"),
];

/** Nine commands, then the report (the demo's triage answer: `explained: code`). */
export function capacityTriageScript(): ScriptStep[] {
  return [...LOOK_AROUND, ...ciFailureScript()];
}

/** Nine commands, the patch, the test again and the diff, then the fix report. */
export function capacityFixScript(): ScriptStep[] {
  const [read, patch, report] = issueFixScript(SUM_FIX_PATCH);
  return [...LOOK_AROUND, read, patch, exec("node --test 2>&1 | tail -30"), exec("git diff --stat"), report];
}
