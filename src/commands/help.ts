// The reply to `/codex help`, to a bare `/codex` and to anything the parser could not make sense of.
import { validatePrefix } from "./prefix.js";

const COMMANDS: { usage: string; what: string }[] = [
  { usage: "<instruction>", what: "do what the instruction says and open a draft pull request with the change" },
  { usage: "fix [details]", what: "fix the problem this issue or pull request describes (details narrow it down)" },
  { usage: "race [details]", what: "like fix, but Codex and Claude both attempt it and the checks pick the winner" },
  { usage: "triage", what: "investigate the latest failed CI run and explain the root cause" },
  { usage: "review", what: "review this pull request and comment on what should change" },
  { usage: "explain <question>", what: "answer a question about the code, read-only, with file:line references" },
  { usage: "plan [goal]", what: "run this issue's task list as parallel fixes, each its own PR; with a goal, write the list first" },
  { usage: "go", what: "start the plan written for this issue" },
  { usage: "stop", what: "cancel the work running for this issue or pull request" },
  { usage: "status", what: "show what is queued or running for this issue or pull request" },
  { usage: "help", what: "show this list" },
];

/** `required` is the configured permission level, shown so people know whether they may use the commands. */
export function helpText(prefix = "/codex", required = "write"): string {
  const p = validatePrefix(prefix);
  const level =
    String(required)
      .toLowerCase()
      .replace(/[^a-z]/g, "") || "write";
  return [
    `**${p} commands** (the command goes on the first line of a comment; you need ${level} access):`,
    "",
    ...COMMANDS.map(({ usage, what }) => `- \`${p} ${usage}\`: ${what}`),
    "",
    `Example: \`${p} fix the flaky test in auth.spec.ts\``,
  ].join("\n");
}
