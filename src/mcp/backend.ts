// What the MCP tools call. The app (app-backend.ts: jobs on the queue), the bridge (bridge.ts: a running app's
// /mcp) and, later, a local backend (an agent on the user's machine) each implement it; tools.ts is the same
// for all of them, so every transport offers the same tool list.

export type AgentName = "codex" | "claude";

export interface DispatchArgs {
  repository: string;
  instruction: string;
  base?: string;
  agent?: AgentName;
}

export interface TaskArgs {
  task_id: string;
}

export interface TriageRunArgs {
  repository: string;
  run_id: number;
}

export interface ExplainArgs {
  repository: string;
  question: string;
}

export interface ListArgs {
  repository?: string;
}

/** Each method answers a JSON-able object, or throws a ToolError whose message the caller reads. */
export interface ToolBackend {
  dispatchTask(args: DispatchArgs): Promise<object>;
  taskStatus(args: TaskArgs): Promise<object>;
  taskResult(args: TaskArgs): Promise<object>;
  cancelTask(args: TaskArgs): Promise<object>;
  triageRun(args: TriageRunArgs): Promise<object>;
  explain(args: ExplainArgs): Promise<object>;
  listTasks(args: ListArgs): Promise<object>;
}

/** A refusal or failure meant for the caller: its message is the tool's error text, as it is. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}
