// `codex-dispatch mcp` (the tools over stdio) and `codex-dispatch mcp-token` (a new bearer token for MCP_TOKENS).
import { parseArgs } from "node:util";
import { REPO_SCOPE_PATTERN } from "../config/mcp-tokens.js";
import { ToolError } from "./backend.js";
import { connectBridge } from "./bridge.js";
import { localBackend } from "./local-backend.js";
import { serveStdio } from "./stdio.js";
import { mintToken } from "./tokens.js";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/**
 * With --url (and a token from --token or CODEX_DISPATCH_TOKEN): a bridge to a running app's /mcp. Without it,
 * the local server for an agent on this machine (local-backend.ts): `ask` runs in the --repo folders.
 */
export async function mcpCommand(args: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { url?: string; token?: string; repo?: string[]; "timeout-minutes"?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        url: { type: "string" },
        token: { type: "string" },
        repo: { type: "string", multiple: true },
        "timeout-minutes": { type: "string", default: "20" },
      },
    }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (!values.url) return localServer(values.repo ?? [process.cwd()], Number(values["timeout-minutes"]), io);
  const token = values.token ?? env.CODEX_DISPATCH_TOKEN;
  if (!token) {
    io.stderr.write("codex-dispatch mcp --url needs a token: --token TOKEN or the environment variable CODEX_DISPATCH_TOKEN\n");
    return 2;
  }
  try {
    if (!/^https?:$/.test(new URL(values.url).protocol)) throw new Error("not http(s)");
  } catch {
    io.stderr.write(`codex-dispatch mcp: --url must be an http(s) URL such as https://your-app.example/mcp\n`);
    return 2;
  }
  let bridge;
  try {
    bridge = await connectBridge(values.url, token);
  } catch (err) {
    io.stderr.write(`codex-dispatch mcp: ${err instanceof ToolError ? err.message : "could not connect"}\n`);
    return 1;
  }
  try {
    await serveStdio(bridge.backend, (tool, err) =>
      io.stderr.write(`codex-dispatch mcp: ${tool} failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}\n`),
    );
  } finally {
    await bridge.close().catch(() => {});
  }
  return 0;
}

/** The local server: tasks are `ask` runs on this machine, in the folders named by --repo (default: here). */
async function localServer(repos: string[], minutes: number, io: Io): Promise<number> {
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 120) {
    io.stderr.write("codex-dispatch mcp: --timeout-minutes must be a number of minutes between 0 and 120\n");
    return 2;
  }
  const backend = localBackend({ repos, timeoutMs: Math.round(minutes * 60_000) });
  try {
    await serveStdio(backend, (tool, err) =>
      io.stderr.write(`codex-dispatch mcp: ${tool} failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}\n`),
    );
  } finally {
    await backend.close();
  }
  return 0;
}

/** Prints a new random token (once: it is stored nowhere) and the MCP_TOKENS entry that admits it. */
export function mcpTokenCommand(args: string[], io: Io): number {
  let values: { name?: string; repo?: string[] };
  try {
    ({ values } = parseArgs({ args, options: { name: { type: "string" }, repo: { type: "string", multiple: true } } }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const repos = values.repo ?? [];
  if (!values.name || !/^[A-Za-z0-9._-]{1,64}$/.test(values.name) || repos.length === 0) {
    io.stderr.write(
      "Usage: codex-dispatch mcp-token --name NAME --repo owner/repo [--repo owner/* …]\n(NAME: 1-64 of A-Z a-z 0-9 . _ -)\n",
    );
    return 2;
  }
  const bad = repos.find((r) => !REPO_SCOPE_PATTERN.test(r));
  if (bad !== undefined) {
    io.stderr.write(`--repo ${bad}: expected "owner/name" or "owner/*"\n`);
    return 2;
  }
  const { token, entry } = mintToken(values.name, repos);
  io.stdout.write(
    `Token (shown once; give it to the client as a bearer token or CODEX_DISPATCH_TOKEN):\n\n  ${token}\n\n` +
      `Add this entry to the app's MCP_TOKENS (a JSON array):\n\n  ${JSON.stringify(entry)}\n`,
  );
  return 0;
}
