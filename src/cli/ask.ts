// `codex-dispatch ask "<task>"`: an agent answers a question about the local repository (read-only), or with
// --write drafts a change in a throw-away checkout, shows the diff and, with --apply, applies it to the tree.
import { parseArgs } from "node:util";
import { applyLocalAsk, runLocalAsk, type LocalAskResult } from "../local/ask.js";
import { LOCAL_AGENTS, type LocalAgentName } from "../local/local-agent.js";
import { terminalSafeJson, visibleOnTerminal } from "../text-safety/terminal.js";
import { MODEL_NAME, readAll, timeoutMs, withCancel, write, type LocalIo } from "./local-io.js";

const USAGE = `usage: codex-dispatch ask "<task>"|- [--cwd DIR] [--agent codex|claude] [--write [--apply]] [--json]
                          [--model M] [--timeout-minutes N]
`;
const DEFAULT_MINUTES = 20;

export async function askCommand(args: string[], io: LocalIo): Promise<number> {
  const usage = async (message: string) => {
    await write(io.stderr, `ask: ${message}\n${USAGE}`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        cwd: { type: "string", default: "." },
        agent: { type: "string", default: "codex" },
        write: { type: "boolean", default: false },
        apply: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        model: { type: "string" },
        "timeout-minutes": { type: "string" },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (!LOCAL_AGENTS.includes(values.agent as LocalAgentName)) return usage(`--agent must be codex or claude, got ${values.agent}`);
  if (values.apply && !values.write) return usage("--apply needs --write");
  if (values.model !== undefined && !MODEL_NAME.test(values.model)) return usage("--model must be a plain model name");
  const timeout = timeoutMs(values["timeout-minutes"], DEFAULT_MINUTES);
  if (typeof timeout === "string") return usage(timeout);
  if (positionals.length > 1) return usage("give the task as one argument (in quotes), or - to read it from stdin");
  const stdin = io.stdin ?? process.stdin;
  const fromStdin = positionals[0] === "-" || (positionals.length === 0 && !stdin.isTTY);
  const task = (fromStdin ? await readAll(stdin) : (positionals[0] ?? "")).trim();
  if (!task) return usage("the task is missing");

  return withCancel(io, "ask", async (signal) => {
    const result = await runLocalAsk({
      task,
      cwd: values.cwd,
      agent: values.agent as LocalAgentName,
      write: values.write,
      model: values.model,
      timeoutMs: timeout,
      signal,
    });
    if (result.dirty) {
      await write(io.stderr, "note: the working tree has uncommitted changes; the agent saw the last commit (HEAD) only.\n");
    }
    const apply = values.apply && result.mode === "write" ? await applyLocalAsk(result) : null;
    if (values.json) {
      const out = {
        ok: result.ok && (apply?.ok ?? true),
        ...(result.error && { error: result.error }),
        report: result.report,
        ...(result.mode === "write" && { diff: result.diff, policy: result.policy }),
        ...(apply && { applied: apply.ok, ...(!apply.ok && { applyError: apply.error }) }),
        tokens: result.tokens,
        agent: result.agent,
        durationMs: result.durationMs,
      };
      await write(io.stdout, `${terminalSafeJson(out)}\n`);
    } else {
      await write(io.stdout, visibleOnTerminal(render(result)));
      if (result.error) await write(io.stderr, `ask: ${visibleOnTerminal(result.error)}\n`);
      if (apply?.ok) await write(io.stderr, `Applied to ${result.repoRoot} (working tree only: review, then commit).\n`);
      else if (apply) await write(io.stderr, `ask: not applied: ${visibleOnTerminal(apply.error)}\n`);
    }
    return result.ok && (apply?.ok ?? true) ? 0 : 1;
  });
}

function render(result: LocalAskResult): string {
  const out: string[] = [];
  if (result.mode === "explain") {
    if (result.report) {
      out.push(result.report.answer.trim(), "");
      if (result.report.references.length) {
        out.push("References:");
        for (const r of result.report.references) out.push(`  ${r.path}${r.line ? `:${r.line}` : ""}${r.note ? `  ${r.note}` : ""}`);
      }
      // Archaeology answers cite commits: shown as the agent gave them (the user can `git show` each).
      if (result.report.commits.length) {
        out.push("Commits:");
        for (const c of result.report.commits)
          out.push(`  ${c.sha}${c.pull_request ? ` (#${c.pull_request})` : ""}${c.note ? `  ${c.note}` : ""}`);
      }
    }
    return out.length ? `${out.join("\n")}\n` : "";
  }
  const report = result.report;
  if (report) {
    out.push(report.summary, "", `Root cause: ${report.root_cause}`, "", "Changes:", report.changes);
    if (report.tests.length) {
      out.push("", "Checks:");
      for (const t of report.tests) out.push(`  ${t.outcome.padEnd(7)} ${t.command}${t.note ? `  (${t.note})` : ""}`);
    }
    out.push("", `Confidence: ${report.confidence}`);
    if (report.follow_up) out.push(`Follow-up: ${report.follow_up}`);
    out.push("");
  }
  const policy = result.policy;
  if (policy.empty) out.push("No diff: the agent changed no files.");
  else if (policy.ok) out.push(`Policy: ${policy.message}`);
  else {
    out.push(`Policy: REFUSED (not applied, never applicable): ${policy.message}`);
    for (const v of policy.violations.slice(0, 20)) out.push(`  ${v.path || "(diff)"}: ${v.message}`);
  }
  if (result.diff) out.push("", result.diff.trimEnd());
  return `${out.join("\n")}\n`;
}
