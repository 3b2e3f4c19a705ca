import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { parseMcpTokens } from "../../src/config/mcp-tokens.js";
import { readEnv } from "../../src/config/env.js";
import { findToken } from "../../src/mcp/tokens.js";

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (d) => out.push(String(d)));
  stderr.on("data", (d) => err.push(String(d)));
  return { io: { stdout, stderr }, out: () => out.join(""), err: () => err.join("") };
}

describe("codex-dispatch mcp-token", () => {
  it("prints a token and the MCP_TOKENS entry that admits it", async () => {
    const t = io();
    expect(await main(["mcp-token", "--name", "laptop", "--repo", "acme/app", "--repo", "acme/*"], t.io)).toBe(0);
    const token = /^\s+(cdmcp_\S+)$/m.exec(t.out())![1];
    const entry = JSON.parse(/^\s+(\{.*\})$/m.exec(t.out())![1]);
    expect(entry).toMatchObject({ name: "laptop", repos: ["acme/app", "acme/*"] });
    const tokens = parseMcpTokens(JSON.stringify([entry]));
    expect(findToken(tokens, token)?.name).toBe("laptop");
    expect(readEnv({ MCP_TOKENS: JSON.stringify([entry]) }).MCP_TOKENS).toEqual([entry]);
  });

  it("refuses a bad scope or a missing name with exit 2", async () => {
    const t = io();
    expect(await main(["mcp-token", "--name", "x", "--repo", "acme"], t.io)).toBe(2);
    expect(t.err()).toContain('expected "owner/name" or "owner/*"');
    expect(await main(["mcp-token", "--repo", "acme/app"], io().io)).toBe(2);
  });
});

describe("MCP_TOKENS", () => {
  it("an invalid value fails the start with a message naming the problem", () => {
    expect(() => readEnv({ MCP_TOKENS: "not json" })).toThrow(/MCP_TOKENS is not JSON/);
    expect(() => readEnv({ MCP_TOKENS: JSON.stringify([{ name: "a", token_sha256: "abc", repos: ["acme/app"] }]) })).toThrow(
      /token_sha256/,
    );
    expect(readEnv({}).MCP_TOKENS).toBeUndefined();
  });
});

describe("codex-dispatch mcp", () => {
  it("without --url, a bad --timeout-minutes: exits 2 before serving", async () => {
    const t = io();
    expect(await main(["mcp", "--timeout-minutes", "soon"], t.io)).toBe(2);
    expect(t.err()).toContain("--timeout-minutes");
  });

  it("with --url but no token: exits 2", async () => {
    const t = io();
    expect(await main(["mcp", "--url", "http://127.0.0.1:1/mcp"], t.io)).toBe(2);
    expect(t.err()).toContain("CODEX_DISPATCH_TOKEN");
  });
});
