// Finding 25: MCP bearer tokens are compared by their SHA-256 in constant time, and a scope names exact owners.
import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const crypto = await import("node:crypto");
const { findToken, hashToken, inScope, mintToken } = await import("../../src/mcp/tokens.js");
const { redactSecrets: redact } = await import("../../src/text-safety/redact.js");

afterEach(() => vi.mocked(crypto.timingSafeEqual).mockClear());

describe("[S25] MCP token checks", () => {
  const first = mintToken("first", ["acme/app"]);
  const second = mintToken("second", ["acme/*"]);
  const third = mintToken("third", ["other/x"]);
  const entries = [first.entry, second.entry, third.entry];

  it("[S25.8] a presented token → hashed and compared with every entry by timingSafeEqual, no early exit", () => {
    expect(findToken(entries, first.token)).toBe(first.entry);
    const calls = vi.mocked(crypto.timingSafeEqual).mock.calls;
    expect(calls).toHaveLength(3);
    for (const [x, y] of calls) expect([(x as Buffer).length, (y as Buffer).length]).toEqual([32, 32]);
  });

  it("[S25.9] a wrong token of any length → the same three 32-byte comparisons, then refused", () => {
    for (const guess of ["", "x", first.token.slice(0, -1), `${first.token}${first.token}`]) {
      vi.mocked(crypto.timingSafeEqual).mockClear();
      expect(findToken(entries, guess)).toBeNull();
      expect(vi.mocked(crypto.timingSafeEqual).mock.calls).toHaveLength(3);
    }
  });

  it("[S25.10] MCP_TOKENS holds the token's hash → the token itself appears nowhere in the entry", () => {
    expect(first.entry.token_sha256).toBe(hashToken(first.token));
    expect(JSON.stringify(first.entry)).not.toContain(first.token);
    expect(first.token).toMatch(/^cdmcp_[A-Za-z0-9_-]{43}$/);
  });

  it("[S25.11] owner/* against look-alike owners, paths and case → only that owner's repositories", () => {
    expect(inScope(second.entry, "acme/anything")).toBe(true);
    expect(inScope(second.entry, "ACME/Anything")).toBe(true);
    for (const repo of ["acme-evil/app", "acm/app", "evil/acme", "acme", "acme/app/extra", "acme/", "/app"])
      expect(inScope(second.entry, repo), repo).toBe(false);
    expect(inScope(first.entry, "acme/app")).toBe(true);
    expect(inScope(first.entry, "acme/app2")).toBe(false);
  });

  it("[S25.12] a minted MCP token pasted into an issue, a log or an agent's answer → redacted like a GitHub token", () => {
    const text = `curl -H "Authorization: Bearer ${first.token}" https://example.com/mcp`;
    expect(redact(text)).not.toContain(first.token);
    expect(redact(text)).not.toContain(first.token.slice(6, 30));
  });
});
