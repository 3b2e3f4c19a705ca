// `codex-dispatch triage --log FILE`: the App's triage of one CI log, on the user's machine with their login:
// the reducer's excerpt, the triage prompt and schema, a read-only run in a throw-away checkout of --repo (or
// of the current folder's repository; with none, in an empty folder, from the log alone).
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { LOCAL_AGENTS, type LocalAgentName } from "../local/local-agent.js";
import { repositoryRoot } from "../local/throwaway-worktree.js";
import { runLocalTriage, type LocalTriageResult } from "../local/triage.js";
import { terminalSafeJson, visibleOnTerminal } from "../text-safety/terminal.js";
import { MODEL_NAME, timeoutMs, withCancel, write, type LocalIo } from "./local-io.js";

const USAGE = `usage: codex-dispatch triage --log FILE|- [--repo DIR] [--agent codex|claude] [--json] [--model M]
                             [--timeout-minutes N] [--max-lines N]
`;
const DEFAULT_MINUTES = 20;

export async function triageLogCommand(args: string[], io: LocalIo): Promise<number> {
  const usage = async (message: string) => {
    await write(io.stderr, `triage: ${message}\n${USAGE}`);
    return 2;
  };
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        log: { type: "string" },
        repo: { type: "string" },
        agent: { type: "string", default: "codex" },
        json: { type: "boolean", default: false },
        model: { type: "string" },
        "timeout-minutes": { type: "string" },
        "max-lines": { type: "string" },
      },
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  if (values.log === undefined) return usage("--log FILE is missing (- reads the log from stdin)");
  if (values.log !== "-" && !existsSync(values.log)) return usage(`no such file: ${values.log}`);
  if (!LOCAL_AGENTS.includes(values.agent as LocalAgentName)) return usage(`--agent must be codex or claude, got ${values.agent}`);
  if (values.model !== undefined && !MODEL_NAME.test(values.model)) return usage("--model must be a plain model name");
  const timeout = timeoutMs(values["timeout-minutes"], DEFAULT_MINUTES);
  if (typeof timeout === "string") return usage(timeout);
  const maxLines = values["max-lines"] === undefined ? undefined : Number(values["max-lines"]);
  if (maxLines !== undefined && !(Number.isInteger(maxLines) && maxLines >= 3 && maxLines <= 100_000)) {
    return usage("--max-lines must be an integer from 3 to 100000");
  }

  return withCancel(io, "triage", async (signal) => {
    // --repo must be a repository; without it the current folder's repository is used when there is one.
    const repo = values.repo ?? ((await repositoryRoot(process.cwd())) === null ? null : process.cwd());
    if (repo === null && !values.json) await write(io.stderr, "note: not in a git repository: the agent sees the log alone.\n");
    const result = await runLocalTriage({
      log: values.log as string,
      repo,
      agent: values.agent as LocalAgentName,
      model: values.model,
      maxLines,
      timeoutMs: timeout,
      signal,
    });
    if (result.checkout?.dirty && !values.json) {
      await write(io.stderr, "note: the working tree has uncommitted changes; the agent saw the last commit (HEAD) only.\n");
    }
    if (values.json) {
      const out = {
        ok: result.ok,
        ...(result.error && { error: result.error }),
        report: result.report,
        excerptLines: result.excerpt.split("\n").length,
        totalLines: result.totalLines,
        checkout: result.checkout,
        tokens: result.tokens,
        agent: result.agent,
        durationMs: result.durationMs,
      };
      await write(io.stdout, `${terminalSafeJson(out)}\n`);
    } else {
      await write(io.stdout, visibleOnTerminal(render(result)));
      if (result.error) await write(io.stderr, `triage: ${visibleOnTerminal(result.error)}\n`);
    }
    return result.ok ? 0 : 1;
  });
}

function render(result: LocalTriageResult): string {
  const r = result.report;
  if (!r) return "";
  const out = [r.summary, "", `Root cause (${r.classification}, ${r.confidence} confidence): ${r.root_cause}`];
  if (r.locations.length) {
    out.push("", "Locations:");
    for (const l of r.locations) out.push(`  ${l.path}${l.line ? `:${l.line}` : ""}  ${l.message}`);
  }
  if (r.evidence.length) {
    out.push("", "Evidence:");
    for (const e of r.evidence) out.push(`  > ${e.log_line}`, `    ${e.explanation}`);
  }
  if (r.failing_tests.length) out.push("", `Failing tests: ${r.failing_tests.join(", ")}`);
  if (r.suggested_fix) out.push("", `Suggested fix${r.fixable ? " (small and clear)" : ""}: ${r.suggested_fix}`);
  return `${out.join("\n")}\n`;
}
