// `codex-dispatch mcp --url …`: the local stdio server forwards every tool call to a running app's /mcp through the
// SDK's own client, with the token as a bearer header. The app does the work and the checks; this only carries.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolError, type ToolBackend } from "./backend.js";
import { SERVER_INFO, type ToolName } from "./tools.js";

export interface Bridge {
  backend: ToolBackend;
  close(): Promise<void>;
}

/** What an HTTP failure of the remote says, without the token or a stack. */
function remoteFailure(url: URL, err: unknown): ToolError {
  const message = err instanceof Error ? err.message : String(err);
  const status =
    /HTTP (\d{3})/.exec(message)?.[1] ??
    (typeof (err as { code?: unknown })?.code === "number" ? String((err as { code: number }).code) : "");
  const said = /"message":"([^"]{1,300})"/.exec(message)?.[1];
  if (status === "401") return new ToolError(`${url.origin} refused the token (401): check --token or CODEX_DISPATCH_TOKEN.`);
  if (status === "403") return new ToolError(said ?? `${url.origin} refused the call (403): the repository is not in this token's scope.`);
  if (status === "404")
    return new ToolError(`${url.href} answered 404: the app's MCP server is off (MCP_TOKENS unset) or the URL is wrong.`);
  return new ToolError(`The call to ${url.origin} failed: ${message.split("\n")[0].slice(0, 300)}`);
}

/** Connects to the app's /mcp; throws a ToolError (with what went wrong) when it cannot. */
export async function connectBridge(url: string, token: string): Promise<Bridge> {
  const endpoint = new URL(url);
  const client = new Client({ name: `${SERVER_INFO.name}-bridge`, version: SERVER_INFO.version });
  const transport = new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  try {
    await client.connect(transport);
  } catch (err) {
    throw remoteFailure(endpoint, err);
  }

  const call = async (name: ToolName, args: object): Promise<object> => {
    let result;
    try {
      result = await client.callTool({ name, arguments: args as Record<string, unknown> });
    } catch (err) {
      throw remoteFailure(endpoint, err);
    }
    const content = Array.isArray(result.content) ? (result.content as { type: string; text?: string }[]) : [];
    const text = content.map((c) => (c.type === "text" ? (c.text ?? "") : "")).join("\n");
    if (result.isError) throw new ToolError(text || "the remote tool failed without saying why");
    try {
      return JSON.parse(text) as object;
    } catch {
      return { text };
    }
  };

  return {
    backend: {
      dispatchTask: (a) => call("dispatch_task", a),
      taskStatus: (a) => call("task_status", a),
      taskResult: (a) => call("task_result", a),
      cancelTask: (a) => call("cancel_task", a),
      triageRun: (a) => call("triage_run", a),
      explain: (a) => call("explain", a),
      listTasks: (a) => call("list_tasks", a),
    },
    close: () => client.close(),
  };
}
