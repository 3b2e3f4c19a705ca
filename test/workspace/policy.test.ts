import { describe, expect, it } from "vitest";
import type { Change } from "../../src/workspace/diff.js";
import { matchesGlob } from "../../src/workspace/glob.js";
import { checkDiffPolicy } from "../../src/workspace/policy.js";

function change(path: string, over: Partial<Change> = {}): Change {
  const addedLines = over.addedLines ?? ["export const x = 1;"];
  return { path, status: "modified", mode: "100644", isBinary: false, addedLines, added: addedLines.length, removed: 0, ...over };
}
const rules = (changes: Change[], policy = {}) => checkDiffPolicy(changes, policy).violations.map((v) => `${v.rule}:${v.path}`);

describe("checkDiffPolicy", () => {
  it("passes a clean diff", () => {
    const result = checkDiffPolicy([change("src/app.ts"), change("test/app.test.ts", { status: "added" })]);
    expect(result).toMatchObject({ ok: true, empty: false, violations: [] });
    expect(result.message).toMatch(/passes/);
  });

  it("treats an empty diff as its own outcome", () => {
    expect(checkDiffPolicy([])).toEqual({
      ok: false,
      empty: true,
      violations: [],
      message: "The agent changed no files: there is nothing to commit.",
    });
  });

  it("refuses workflow files unless allowed, whatever the case or the status", () => {
    expect(rules([change(".github/workflows/ci.yml")])).toEqual(["workflow:.github/workflows/ci.yml"]);
    expect(rules([change(".GitHub/Workflows/ci.yml", { status: "deleted" })])).toEqual(["workflow:.GitHub/Workflows/ci.yml"]);
    expect(rules([change("ci.yml", { status: "renamed", oldPath: ".github/workflows/ci.yml" })])).toEqual([
      "workflow:.github/workflows/ci.yml",
    ]);
    expect(checkDiffPolicy([change(".github/workflows/ci.yml")], { allowWorkflows: true }).ok).toBe(true);
    expect(rules([change(".github/dependabot.yml")])).toEqual([]);
  });

  it("refuses CODEOWNERS anywhere, .codex, .git and hook paths", () => {
    expect(rules([change("CODEOWNERS"), change(".github/CODEOWNERS"), change("docs/CODEOWNERS")])).toEqual([
      "codeowners:CODEOWNERS",
      "codeowners:.github/CODEOWNERS",
      "codeowners:docs/CODEOWNERS",
    ]);
    expect(rules([change(".codex/config.toml"), change("pkg/.codex/x"), change(".husky/pre-commit"), change(".githooks/post-merge")]))
      .toEqual(["agent-config:.codex/config.toml", "agent-config:pkg/.codex/x", "hooks:.husky/pre-commit", "hooks:.githooks/post-merge"]);
    expect(rules([change(".git/config")])).toEqual(["git-internals:.git/config"]);
    expect(rules([change("src/codex.ts"), change("docs/husky.md")])).toEqual([]);
  });

  it("refuses symlinks that leave the tree, accepts ones that stay inside", () => {
    const link = (path: string, target: string) => change(path, { status: "added", mode: "120000", symlinkTarget: target, addedLines: [target] });
    expect(rules([link("src/link", "../../etc/passwd")])).toEqual(["symlink-escape:src/link"]);
    expect(rules([link("key", "/home/bot/.ssh/id_rsa")])).toEqual(["symlink-escape:key"]);
    expect(rules([link("a/b/c", "../../../x")])).toEqual(["symlink-escape:a/b/c"]);
    expect(rules([link("cfg", ".git/config")])).toEqual(["symlink-escape:cfg"]);
    expect(rules([link("a/b/c", "../../README.md"), link("docs/l", "./guide.md")])).toEqual([]);
  });

  it("refuses binary files and nested repositories, but allows deleting a binary", () => {
    expect(rules([change("logo.png", { isBinary: true, addedLines: [] })])).toEqual(["binary:logo.png"]);
    expect(rules([change("vendor/lib", { mode: "160000", status: "added" })])).toEqual(["submodule:vendor/lib"]);
    expect(rules([change("old.png", { isBinary: true, status: "deleted", addedLines: [] })])).toEqual([]);
  });

  it("refuses lockfile-only churn, accepts lockfiles next to a source change", () => {
    expect(rules([change("package-lock.json"), change("web/yarn.lock")])).toEqual([
      "lockfile-only:package-lock.json, web/yarn.lock",
    ]);
    expect(rules([change("go.sum")])).toEqual(["lockfile-only:go.sum"]);
    expect(rules([change("package-lock.json", { addedLines: ['"integrity": "sha512-7yJ3RnE4cB1vQ9mZkP2xL8wT5uH6sD0aF3gK9jN4bV7cX2zM1qW8eR5tY6uI3oP0lA=="'] }), change("package.json")]))
      .toEqual([]);
  });

  it("refuses secrets in added lines without quoting them", () => {
    const token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
    const result = checkDiffPolicy([change("src/config.ts", { addedLines: ["const ok = 1;", `const t = "${token}";`] })]);
    expect(result.ok).toBe(false);
    expect(result.violations).toEqual([{ path: "src/config.ts", rule: "secret", message: "added line 2 looks like a secret (pattern)" }]);
    expect(JSON.stringify(result)).not.toContain(token);
    expect(rules([change(".env", { addedLines: ["DB_PASSWORD=hunter2hunter2"] })])).toEqual(["secret:.env"]);
    expect(rules([change("k.pem", { addedLines: ["-----BEGIN RSA PRIVATE KEY-----"] })])).toEqual(["secret:k.pem"]);
    expect(rules([change("a.ts", { addedLines: ['const signingKey = "Zx8vQ2mL9pR4tW7yB3nK6cF1hJ5sD0gA";'] })])).toEqual(["secret:a.ts"]);
  });

  it("does not call code that merely names a secret a secret", () => {
    const lines = [
      "const token = getToken(req);",
      "const password = process.env.DB_PASSWORD;",
      "apiKey: config.apiKey,",
      'const commit = "3f786850e387550fdab836ed7e6dc881de23001b";',
    ];
    expect(rules([change("src/auth.ts", { addedLines: lines })])).toEqual([]);
  });

  it("enforces file and line limits", () => {
    const many = Array.from({ length: 21 }, (_, i) => change(`src/f${i}.ts`));
    expect(rules(many)).toEqual(["too-many-files:"]);
    expect(checkDiffPolicy(many, { maxFiles: 30 }).ok).toBe(true);
    const big = change("src/big.ts", { added: 400, removed: 101 });
    expect(rules([big])).toEqual(["too-many-lines:"]);
    expect(checkDiffPolicy([big], { maxLines: 1000 }).ok).toBe(true);
  });

  it("applies denyPaths globs from the repository config", () => {
    const policy = { denyPaths: ["migrations/**", "*.sql", "src/generated/*.ts"] };
    expect(rules([change("migrations/001.js"), change("db/schema.sql"), change("src/generated/api.ts"), change("src/generated/x/api.ts")], policy))
      .toEqual(["deny-path:migrations/001.js", "deny-path:db/schema.sql", "deny-path:src/generated/api.ts"]);
  });

  it("rejects a malformed policy with a clear message", () => {
    expect(() => checkDiffPolicy([change("a")], { maxFiles: -1 })).toThrow(/maxFiles/);
    expect(() => checkDiffPolicy([change("a")], { denyPath: ["x"] } as never)).toThrow(/invalid policy/);
  });
});

describe("matchesGlob", () => {
  it("handles **, * and ? with gitignore-like anchoring", () => {
    expect(matchesGlob("a/b/c.yml", "**/*.yml")).toBe(true);
    expect(matchesGlob("c.yml", "**/*.yml")).toBe(true);
    expect(matchesGlob("a/b/c.yml", "a/*.yml")).toBe(false);
    expect(matchesGlob("a/c.yml", "a/?.yml")).toBe(true);
    expect(matchesGlob("x/CODEOWNERS", "CODEOWNERS")).toBe(true);
    expect(matchesGlob("a+b/c", "a+b/*")).toBe(true);
    expect(matchesGlob("aab/c", "a+b/*")).toBe(false);
  });
});
