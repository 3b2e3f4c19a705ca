// The MCP tools: names, descriptions and input schemas (zod, checked by the SDK before a handler runs), each
// handler one call of a ToolBackend. Every failure is a tool error with a readable text, never a stack.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { REPO_SCOPE_PATTERN } from "../config/mcp-tokens.js";
import { redactSecrets } from "../text-safety/redact.js";
import { ToolError, type ToolBackend } from "./backend.js";

export const SERVER_INFO = { name: "codex-dispatch", version: "0.1.0" };

const repository = z
  .string()
  .regex(REPO_SCOPE_PATTERN)
  .refine((r) => !r.endsWith("/*"), "one repository, not a wildcard")
  .describe('The repository, "owner/name"');
const taskId = z
  .string()
  .regex(/^[a-z0-9]{8,32}$/)
  .describe("A task id, as dispatch_task, triage_run or explain answered it");

/** The tools, in the order a client lists them; `call` is what each does with a backend. */
export const TOOLS = {
  dispatch_task: {
    description:
      "Queue a change in a repository: an agent drafts it on branch codex/task/<id> and opens a draft pull request, under the repository's policy, limits and budgets. Answers the task id; follow it with task_status and task_result.",
    inputSchema: {
      repository,
      instruction: z.string().min(1).max(20_000).describe("What to change, in words: the agent reads it as a request, not as rules"),
      base: z
        .string()
        .min(1)
        .max(250)
        .regex(/^[^\s~^:?*[\\]+$/)
        .optional()
        .describe("The branch to start from and open the pull request against; default: the default branch"),
      agent: z.enum(["codex", "claude"]).optional().describe("The agent to use; default: the repository's choice"),
    },
    call: (b: ToolBackend, a: never) => b.dispatchTask(a),
  },
  task_status: {
    description: "A task's state: queued, running, succeeded, failed or cancelled, and the phase it is in.",
    inputSchema: { task_id: taskId },
    call: (b: ToolBackend, a: never) => b.taskStatus(a),
  },
  task_result: {
    description:
      "A finished task's result: for a change the pull request link, the hand-off JSON (the facts the bot checked), the diff stat and the verdicts; for explain the answer; for a triage the report and its check run and comment links. Tokens and cost for all.",
    inputSchema: { task_id: taskId },
    call: (b: ToolBackend, a: never) => b.taskResult(a),
  },
  cancel_task: {
    description: "Cancel a queued or running task: the agent is stopped and its workspace removed.",
    inputSchema: { task_id: taskId },
    call: (b: ToolBackend, a: never) => b.cancelTask(a),
  },
  triage_run: {
    description:
      "Triage a failed GitHub Actions workflow run: the report goes to the commit's check run and the pull request, and task_result answers it.",
    inputSchema: { repository, run_id: z.number().int().positive().describe("The workflow run's id") },
    call: (b: ToolBackend, a: never) => b.triageRun(a),
  },
  explain: {
    description:
      "Ask a question about a repository's code (its default branch). An agent reads the code, read-only; task_result answers with references to files and lines.",
    inputSchema: { repository, question: z.string().min(1).max(20_000) },
    call: (b: ToolBackend, a: never) => b.explain(a),
  },
  list_tasks: {
    description: "The tasks this token may see, newest first, optionally of one repository.",
    inputSchema: { repository: repository.optional() },
    call: (b: ToolBackend, a: never) => b.listTasks(a),
  },
} as const;

export type ToolName = keyof typeof TOOLS;

/** What a failed call says: a ToolError's own words; anything else its first line, redacted and short. */
export function toolErrorText(err: unknown): string {
  if (err instanceof ToolError) return err.message;
  const first = (err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 300);
  return `The task could not be handled: ${redactSecrets(first)}`;
}

/** Registers every tool on `server`, each answering through `backend`. */
export function registerTools(server: McpServer, backend: ToolBackend, onError?: (tool: string, err: unknown) => void): void {
  for (const [name, tool] of Object.entries(TOOLS)) {
    server.registerTool(name, { description: tool.description, inputSchema: tool.inputSchema }, async (args: unknown) => {
      try {
        const out = await tool.call(backend, args as never);
        return { content: [{ type: "text" as const, text: JSON.stringify(out, null, 2) }] };
      } catch (err) {
        if (!(err instanceof ToolError)) onError?.(name, err);
        return { isError: true, content: [{ type: "text" as const, text: toolErrorText(err) }] };
      }
    });
  }
}
