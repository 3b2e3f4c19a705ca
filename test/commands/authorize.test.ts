import { describe, expect, it } from "vitest";
import { actorIgnoreReason, permissionAtLeast, refusalText } from "../../src/commands/authorize.js";

describe("permissionAtLeast", () => {
  // [actual, required, allowed]
  const matrix: [string, string, boolean][] = [
    ["admin", "write", true],
    ["write", "write", true],
    ["read", "write", false],
    ["none", "write", false],
    ["admin", "read", true],
    ["write", "read", true],
    ["read", "read", true],
    ["none", "read", false],
    ["admin", "admin", true],
    ["write", "admin", false],
    ["read", "admin", false],
    ["none", "admin", false],
    ["maintain", "write", true],
    ["triage", "write", false],
    ["triage", "read", true],
    ["maintain", "admin", false],
  ];
  it.each(matrix)("%s against required %s → %s", (actual, required, allowed) => {
    expect(permissionAtLeast(actual, required)).toBe(allowed);
  });

  it("ranks unknown permissions as none and refuses unknown requirements", () => {
    expect(permissionAtLeast("owner", "read")).toBe(false);
    expect(permissionAtLeast("", "read")).toBe(false);
    expect(permissionAtLeast("owner", "none")).toBe(true);
    expect(permissionAtLeast("admin", "superuser")).toBe(false);
    expect(permissionAtLeast("ADMIN", "Write")).toBe(true);
  });
});

describe("actorIgnoreReason", () => {
  it("ignores the App itself, other bots, and lets people through", () => {
    expect(actorIgnoreReason({ login: "codex-dispatch[bot]", type: "Bot" }, "codex-dispatch")).toBe("self");
    expect(actorIgnoreReason({ login: "Codex-Dispatch[bot]", type: "Bot" }, "codex-dispatch")).toBe("self");
    expect(actorIgnoreReason({ login: "dependabot[bot]", type: "Bot" }, "codex-dispatch")).toBe("bot");
    expect(actorIgnoreReason({ login: "renovate[bot]", type: "User" })).toBe("bot");
    expect(actorIgnoreReason({ login: "ci-robot", type: "Bot" })).toBe("bot");
    expect(actorIgnoreReason({ login: "codex-dispatch", type: "User" }, "codex-dispatch")).toBeNull();
    expect(actorIgnoreReason({ login: "octocat", type: "User" }, "codex-dispatch")).toBeNull();
    expect(actorIgnoreReason({ login: "octocat" })).toBeNull();
  });
});

describe("refusalText", () => {
  it("is one short line that names the person and the level", () => {
    const text = refusalText("octocat", "write");
    expect(text).toBe("@octocat, sorry: only people with write permission on this repository can ask Codex to work.");
    expect(text).not.toContain("\n");
    expect(text.length).toBeLessThan(120);
    expect(refusalText("octocat", "admin")).toContain("with admin permission");
  });

  it("cannot be turned into markup by a strange login", () => {
    const text = refusalText("evil\n# [link](http://x) @all", "write");
    expect(text).toMatch(/^@evillinkhttpxall, sorry:/);
    expect(refusalText("!!!", "write")).toMatch(/^Sorry: /);
  });
});
