// POST /mcp on the web role: the tools over streamable HTTP (stateless: one server per request), behind a bearer
// token scoped to repositories. Off (404) unless MCP_TOKENS is set. Checked here, before the SDK sees a request:
// the token (401), the body size (413), and every repository a tool call names or reaches through a task id (403).
import type { IncomingMessage, ServerResponse } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Logger } from "probot";
import { readCappedBody, refuseTooLarge } from "../web/read-capped-body.js";
import type { ToolBackend } from "./backend.js";
import { registerTools, SERVER_INFO } from "./tools.js";
import { bearerToken, findToken, inScope, type McpTokenEntry } from "./tokens.js";

export const MCP_PATH = "/mcp";
/** An instruction or a question is text: 1 MiB is far more than one needs and far less than hurts. */
export const MAX_MCP_BYTES = 1024 * 1024;

export interface McpRouteDeps {
  /** MCP_TOKENS; undefined: the server is off. */
  tokens: readonly McpTokenEntry[] | undefined;
  backendFor(token: McpTokenEntry): ToolBackend;
  /** The repository of a task, to check a task id against the token's scope; null when there is no such task. */
  taskRepo(taskId: string): Promise<string | null>;
  log: Logger;
  maxBytes?: number;
}

function answer(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): true {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
  return true;
}

const rpcError = (message: string, id: unknown = null) => ({ jsonrpc: "2.0", error: { code: -32001, message }, id });

/** The repositories a JSON-RPC request reaches: named ones, and those of the tasks it names. */
async function reachedRepos(message: unknown, taskRepo: McpRouteDeps["taskRepo"]): Promise<string[]> {
  if (typeof message !== "object" || message === null) return [];
  const m = message as { method?: unknown; params?: { arguments?: Record<string, unknown> } };
  if (m.method !== "tools/call") return [];
  const args = m.params?.arguments ?? {};
  const repos: string[] = [];
  // A malformed name reaches nothing: the tool's own validation answers it.
  if (typeof args.repository === "string" && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(args.repository)) repos.push(args.repository);
  if (typeof args.task_id === "string") {
    const repo = await taskRepo(args.task_id);
    if (repo) repos.push(repo);
  }
  return repos;
}

/** The route, in the shape of Probot's addHandler: answers true when it handled the request. */
export function mcpHandler(deps: McpRouteDeps) {
  const maxBytes = deps.maxBytes ?? MAX_MCP_BYTES;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
    } catch {
      return false;
    }
    if (path !== MCP_PATH) return false;
    if (!deps.tokens) return answer(res, 404, { error: "Not Found" });

    const presented = bearerToken(req.headers.authorization);
    const token = presented === null ? null : findToken(deps.tokens, presented);
    if (!token) {
      const challenge = presented === null ? 'Bearer realm="codex-dispatch"' : 'Bearer realm="codex-dispatch", error="invalid_token"';
      return answer(res, 401, rpcError("A valid bearer token is required"), { "www-authenticate": challenge });
    }
    // Stateless: no session to resume (GET) or end (DELETE).
    if (req.method !== "POST") return answer(res, 405, rpcError("Method not allowed"), { allow: "POST" });

    let body: unknown;
    try {
      const read = await readCappedBody(req, maxBytes);
      if (!read.ok) {
        refuseTooLarge(res, JSON.stringify(rpcError(`MCP requests are limited to ${maxBytes} bytes`)));
        return true;
      }
      body = JSON.parse(read.body.toString("utf8"));
    } catch {
      if (res.destroyed) return true;
      return answer(res, 400, { jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
    }

    for (const message of Array.isArray(body) ? body : [body]) {
      const outside = (await reachedRepos(message, deps.taskRepo)).find((repo) => !inScope(token, repo));
      if (outside !== undefined) {
        deps.log.info({ token: token.name, repo: outside }, "mcp call refused: repository not in the token's scope");
        return answer(res, 403, rpcError(`${outside} is not in this token's scope`, (message as { id?: unknown })?.id ?? null));
      }
    }

    const server = new McpServer(SERVER_INFO);
    registerTools(server, deps.backendFor(token), (tool, err) => deps.log.warn({ tool, token: token.name, err }, "mcp tool failed"));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    return true;
  };
}
