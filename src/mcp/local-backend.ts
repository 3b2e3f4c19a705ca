// The tools for an agent on the user's own machine (`codex-dispatch mcp` without --url): each task is a
// `codex-dispatch ask` run (src/local/) in a throw-away checkout, with the user's own login, started at once and
// followed by id. Several run side by side, so an orchestrating agent can fan a plan out locally too.
//
// The repositories it may touch are named when the server starts (`--repo DIR`, default the current folder) and
// are addressed as `local/<folder name>`: a tool call cannot point an agent at any other folder of the machine.
// Nothing is applied to the user's tree: task_result hands back the diff, and the caller decides.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { runLocalAsk, type LocalAskResult } from "../local/ask.js";
import { ToolError, type DispatchArgs, type ExplainArgs, type ListArgs, type TaskArgs, type ToolBackend } from "./backend.js";

type State = "running" | "succeeded" | "failed" | "cancelled";

interface LocalTask {
  id: string;
  kind: "fix" | "explain";
  repository: string;
  state: State;
  createdAt: string;
  abort: AbortController;
  done: Promise<void>;
  result: LocalAskResult | null;
  error: string | null;
}

export interface LocalBackendOptions {
  /** Folders of the user's repositories, each served as `local/<its folder name>`. */
  repos: string[];
  timeoutMs: number;
  /** For tests and for callers that pass their own runner (same signature as runLocalAsk). */
  run?: typeof runLocalAsk;
}

/** A repository's name for the tools: `local/<folder>`, with the characters a tool's repository may hold. */
export function localRepositoryName(dir: string): string {
  return `local/${path.basename(path.resolve(dir)).replace(/[^A-Za-z0-9_.-]/g, "-") || "repo"}`;
}

export function localBackend(opts: LocalBackendOptions): ToolBackend & { close(): Promise<void> } {
  const run = opts.run ?? runLocalAsk;
  const repos = new Map(opts.repos.map((dir) => [localRepositoryName(dir).toLowerCase(), path.resolve(dir)]));
  const tasks = new Map<string, LocalTask>();

  const folderOf = (repository: string): string => {
    const dir = repos.get(repository.toLowerCase());
    if (!dir)
      throw new ToolError(`${repository} is not served here. This local server serves: ${[...repos.keys()].join(", ") || "nothing"}.`);
    return dir;
  };
  const taskOf = (id: string): LocalTask => {
    const task = tasks.get(id);
    if (!task) throw new ToolError(`No task ${id} on this server (local tasks live as long as the server).`);
    return task;
  };
  const start = (kind: LocalTask["kind"], repository: string, text: string, agent: DispatchArgs["agent"]) => {
    const cwd = folderOf(repository);
    const task: LocalTask = {
      id: randomBytes(8).toString("hex"),
      kind,
      repository,
      state: "running",
      createdAt: new Date().toISOString(),
      abort: new AbortController(),
      done: Promise.resolve(),
      result: null,
      error: null,
    };
    tasks.set(task.id, task);
    // Not awaited: the caller polls task_status. A thrown error (not a repository, no commit) ends the task.
    task.done = run({
      task: text,
      cwd,
      agent: agent ?? "codex",
      write: kind === "fix",
      timeoutMs: opts.timeoutMs,
      signal: task.abort.signal,
    }).then(
      (result) => {
        task.result = result;
        task.state = task.abort.signal.aborted || result.outcome === "cancelled" ? "cancelled" : result.ok ? "succeeded" : "failed";
        task.error = result.error ?? null;
      },
      (err: unknown) => {
        task.state = task.abort.signal.aborted ? "cancelled" : "failed";
        task.error = (err instanceof Error ? err.message : String(err)).split("\n")[0];
      },
    );
    return { task_id: task.id, repository, status: task.state };
  };
  const status = (t: LocalTask) => ({
    task_id: t.id,
    kind: t.kind,
    repository: t.repository,
    status: t.state,
    created_at: t.createdAt,
    ...(t.error && { error: t.error }),
  });

  return {
    async dispatchTask(args) {
      if (args.base) throw new ToolError("A local task starts from the repository's HEAD; `base` is for the app (mcp --url).");
      return start("fix", args.repository, args.instruction, args.agent);
    },
    async explain(args: ExplainArgs) {
      return start("explain", args.repository, args.question, undefined);
    },
    async taskStatus(args: TaskArgs) {
      return status(taskOf(args.task_id));
    },
    async taskResult(args: TaskArgs) {
      const t = taskOf(args.task_id);
      if (t.state === "running") throw new ToolError(`Task ${t.id} is still running: ask task_status until it has finished.`);
      const r = t.result;
      return {
        ...status(t),
        ...(r && {
          agent: r.agent,
          sha: r.sha,
          // The agent worked on HEAD: uncommitted changes of the user's tree were not in its checkout.
          uncommitted_changes_not_seen: r.dirty,
          report: r.report,
          tokens: r.tokens,
          duration_ms: r.durationMs,
          ...(r.mode === "write" && { diff: r.diff, policy: r.policy.ok ? "passed" : `refused: ${r.policy.message}` }),
        }),
      };
    },
    async cancelTask(args: TaskArgs) {
      const t = taskOf(args.task_id);
      if (t.state === "running") t.abort.abort();
      return { task_id: t.id, status: t.state === "running" ? "cancelling" : t.state };
    },
    async triageRun() {
      throw new ToolError(
        "triage_run needs the app and GitHub (codex-dispatch mcp --url …). On this machine, triage a saved log: codex-dispatch triage --log FILE",
      );
    },
    async listTasks(args: ListArgs) {
      const wanted = args.repository?.toLowerCase();
      return {
        tasks: [...tasks.values()]
          .filter((t) => !wanted || t.repository.toLowerCase() === wanted)
          .reverse()
          .map(status),
      };
    },
    /** Stops what still runs and waits for its checkouts to be removed: the server leaves nothing behind. */
    async close() {
      for (const t of tasks.values()) if (t.state === "running") t.abort.abort();
      await Promise.all([...tasks.values()].map((t) => t.done));
    },
  };
}
