// The tools over stdio, for an agent on the user's machine that starts `codex-dispatch mcp` as its MCP server.
// stdout is the protocol's: nothing else may be written there.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { ToolBackend } from "./backend.js";
import { registerTools, SERVER_INFO } from "./tools.js";

/** Serves `backend` on stdin/stdout; resolves when the client closes the connection. */
export async function serveStdio(backend: ToolBackend, onError?: (tool: string, err: unknown) => void): Promise<void> {
  const server = new McpServer(SERVER_INFO);
  registerTools(server, backend, onError);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  process.stdin.on("end", () => void server.close());
  await closed;
}
