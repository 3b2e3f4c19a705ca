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
    expect(
      rules([change(".codex/config.toml"), change("pkg/.codex/x"), change(".husky/pre-commit"), change(".githooks/post-merge")]),
    ).toEqual(["agent-config:.codex/config.toml", "agent-config:pkg/.codex/x", "hooks:.husky/pre-commit", "hooks:.githooks/post-merge"]);
    expect(rules([change(".git/config")])).toEqual(["git-internals:.git/config"]);
    expect(rules([change("src/codex.ts"), change("docs/husky.md")])).toEqual([]);
  });

  it("refuses symlinks that leave the tree, accepts ones that stay inside", () => {
    const link = (path: string, target: string) =>
      change(path, { status: "added", mode: "120000", symlinkTarget: target, addedLines: [target] });
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
    expect(rules([change("package-lock.json"), change("web/yarn.lock")])).toEqual(["lockfile-only:package-lock.json, web/yarn.lock"]);
    expect(rules([change("go.sum")])).toEqual(["lockfile-only:go.sum"]);
    expect(
      rules([
        change("package-lock.json", {
          addedLines: ['"integrity": "sha512-7yJ3RnE4cB1vQ9mZkP2xL8wT5uH6sD0aF3gK9jN4bV7cX2zM1qW8eR5tY6uI3oP0lA=="'],
        }),
        change("package.json"),
      ]),
    ).toEqual([]);
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
    expect(
      rules(
        [change("migrations/001.js"), change("db/schema.sql"), change("src/generated/api.ts"), change("src/generated/x/api.ts")],
        policy,
      ),
    ).toEqual(["deny-path:migrations/001.js", "deny-path:db/schema.sql", "deny-path:src/generated/api.ts"]);
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

// Security finding 8: paths and sizes the policy used to accept. Each case tries the neighbours of the attack
// too (case, depth, status, a symlink instead of the file), since rules cover folders, not examples.
describe("checkDiffPolicy against finding 8", () => {
  const link = (path: string, target: string, over: Partial<Change> = {}) =>
    change(path, { status: "added", mode: "120000", symlinkTarget: target, addedLines: [target], ...over });
  const only = (changes: Change[], policy = {}) => [...new Set(checkDiffPolicy(changes, policy).violations.map((v) => v.rule))];

  it("[S8.1] a composite action under .github/actions, in any case or depth → refused unless workflows are allowed", () => {
    const actions = [
      ".github/actions/setup/action.yml",
      ".GitHub/Actions/x/action.yml",
      ".github/actions/x/run.sh",
      "tools/deploy/action.yaml",
    ];
    for (const p of actions) expect(rules([change(p)]), p).toEqual([`workflow:${p}`]);
    expect(rules([change(".github/actions", { status: "deleted" })])).toEqual(["workflow:.github/actions"]);
    expect(
      checkDiffPolicy(
        actions.map((p) => change(p)),
        { allowWorkflows: true },
      ).ok,
    ).toBe(true);
    expect(rules([change(".github/actionsx/readme.md"), change("docs/actions/x.md")])).toEqual([]);
  });

  it("[S8.2] .github/workflows replaced by a symlink to the agent's folder → refused", () => {
    const result = checkDiffPolicy([change("evil/ci.yml", { status: "added" }), link(".github/workflows", "../evil")]);
    expect(result.ok).toBe(false);
    expect(result.violations).toContainEqual(expect.objectContaining({ path: ".github/workflows", rule: "workflow" }));
    // The parent of a protected folder stands in for it just as well, and so does the folder as a plain file.
    expect(only([link(".github", "evil")])).toEqual(["workflow", "agent-config"]);
    expect(only([link(".GITHUB", "evil")])).toEqual(["workflow", "agent-config"]);
    expect(rules([change(".github/workflows", { status: "added" })])).toEqual(["workflow:.github/workflows"]);
    expect(rules([link(".husky", "scripts"), link("pkg/.codex", "../cfg")])).toEqual(["hooks:.husky", "agent-config:pkg/.codex"]);
  });

  it("[S8.3] a symlink elsewhere pointing into a protected folder, or above one → refused", () => {
    expect(rules([link("tools/act", "../.github/actions/deploy")])).toEqual(["workflow:tools/act"]);
    expect(rules([link("x", ".GitHub/Workflows/ci.yml")])).toEqual(["workflow:x"]);
    expect(rules([link("a/b", "../.codex/config.toml")])).toEqual(["agent-config:a/b"]);
    expect(rules([link("docs/agents", "../AGENTS.md")])).toEqual(["agent-config:docs/agents"]);
    expect(rules([link("hooks", ".husky")])).toEqual(["hooks:hooks"]);
    expect(rules([link("attrs", ".gitattributes")])).toEqual(["git-config:attrs"]);
    // Above a protected folder: `gh -> .github` makes gh/workflows the workflows; the root holds everything.
    expect(only([link("gh", ".github")])).toEqual(["workflow", "agent-config"]);
    expect(only([link("src/root", "..")])).toEqual(["workflow", "agent-config"]);
    // The repository's own denied paths count as protected targets too.
    expect(rules([link("m", "migrations/001.sql")], { denyPaths: ["migrations/**"] })).toEqual(["deny-path:m"]);
    expect(rules([link("docs/guide", "../README.md"), link("src/l", "./util.ts")])).toEqual([]);
  });

  it("[S8.4] a symlink that reaches a protected folder through another symlink of the diff → refused", () => {
    const chain = [link("a", "b/workflows/ci.yml"), link("b", "c"), link("c", ".github")];
    const result = checkDiffPolicy(chain);
    expect(
      result.violations
        .filter((v) => v.rule === "workflow")
        .map((v) => v.path)
        .sort(),
    ).toEqual(["a", "b", "c"]);
    expect(rules([link("loop1", "loop2"), link("loop2", "loop1")])).toEqual(["symlink-escape:loop1", "symlink-escape:loop2"]);
    expect(rules([link("out", "up/x"), link("up", "..")])).toContain("symlink-escape:out");
  });

  it("[S8.5] a gitlink in any status (added, modified, renamed, turned into a file, deleted) → refused", () => {
    const gitlink = (over: Partial<Change>) => change("vendor/lib", { mode: "160000", addedLines: [], added: 0, ...over });
    for (const status of ["added", "modified", "deleted"] as const) {
      expect(rules([gitlink({ status })]), status).toEqual(["submodule:vendor/lib"]);
    }
    expect(rules([gitlink({ status: "renamed", oldPath: "third_party/lib" })])).toEqual(["submodule:vendor/lib"]);
    expect(rules([change("vendor/lib", { status: "modified", mode: "100644", oldMode: "160000" })])).toEqual(["submodule:vendor/lib"]);
  });

  it("[S8.6] any .gitattributes, .gitmodules or .lfsconfig change, at any depth → refused", () => {
    const filter = ["* filter=evil"];
    expect(rules([change(".gitattributes", { addedLines: filter })])).toEqual(["git-config:.gitattributes"]);
    expect(rules([change("src/.GitAttributes", { status: "added", addedLines: ["*.ts diff=x"] })])).toEqual([
      "git-config:src/.GitAttributes",
    ]);
    expect(rules([change(".gitattributes", { status: "deleted", addedLines: [] })])).toEqual(["git-config:.gitattributes"]);
    expect(rules([change(".gitmodules", { status: "added" })])).toEqual(["submodule:.gitmodules"]);
    expect(rules([change(".lfsconfig")])).toEqual(["git-config:.lfsconfig"]);
  });

  it("[S8.7] hook-manager files and hook folders themselves → refused", () => {
    const paths = [
      ".pre-commit-config.yaml",
      "lefthook.yml",
      "lefthook.yaml",
      ".lefthook.yml",
      "pkg/lefthook-local.toml",
      ".husky",
      ".husky/pre-commit",
      ".githooks",
      ".simple-git-hooks.json",
    ];
    expect(rules(paths.map((p) => change(p)))).toEqual(paths.map((p) => `hooks:${p}`));
    expect(rules([change("src/lefthooks.ts"), change("docs/husky.md")])).toEqual([]);
  });

  it("[S8.8] agent instruction files at any depth and in any case → refused", () => {
    const paths = [
      "AGENTS.md",
      "./AGENTS.MD",
      "sub/dir/AGENTS.override.md",
      "pkg/agents.md",
      ".agents/skills/x/SKILL.md",
      ".agents",
      "CLAUDE.md",
      "web/CLAUDE.local.md",
      ".claude/settings.json",
      ".mcp.json",
      ".codex/config.toml",
      ".github/copilot-instructions.md",
    ];
    expect(rules(paths.map((p) => change(p)))).toEqual(paths.map((p) => `agent-config:${p}`));
    expect(rules([change("docs/agent.md"), change("src/claude.ts"), change("agents/README.md")])).toEqual([]);
  });

  it("[S8.9] CODEOWNERS in its three locations, renamed into place or deleted → refused", () => {
    expect(rules([change("CODEOWNERS"), change(".github/codeowners"), change("docs/CODEOWNERS", { status: "deleted" })])).toEqual([
      "codeowners:CODEOWNERS",
      "codeowners:.github/codeowners",
      "codeowners:docs/CODEOWNERS",
    ]);
    expect(rules([change(".github/CODEOWNERS", { status: "renamed", oldPath: "owners.txt" })])).toEqual(["codeowners:.github/CODEOWNERS"]);
  });

  it("[S8.10] a protected path disguised by ./, a trailing dot or space, or an invisible character → refused", () => {
    expect(rules([change("./.github/workflows/ci.yml")])).toEqual(["workflow:./.github/workflows/ci.yml"]);
    expect(rules([change("AGENTS.md.")])).toEqual(["agent-config:AGENTS.md."]);
    expect(rules([change(".github /workflows/ci.yml")])).toEqual(["workflow:.github /workflows/ci.yml"]);
    expect(rules([change(".git\u200chub/workflows/ci.yml")])).toEqual(["workflow:.git\u200chub/workflows/ci.yml"]);
    expect(rules([change("CLAUDE\ufeff.md")])).toEqual(["agent-config:CLAUDE\ufeff.md"]);
  });

  it("[S8.11] a protected file moved out of its place or deleted → refused", () => {
    expect(rules([change("notes.md", { status: "renamed", oldPath: "AGENTS.md" })])).toEqual(["agent-config:AGENTS.md"]);
    expect(rules([change(".pre-commit-config.yaml", { status: "deleted", addedLines: [] })])).toEqual(["hooks:.pre-commit-config.yaml"]);
    expect(rules([change(".github/workflows/x.yml", { status: "renamed", oldPath: "ci/x.yml" })])).toEqual([
      "workflow:.github/workflows/x.yml",
    ]);
  });

  it("[S8.12] a one-line 40 MB file (+1 line) → refused by its size", () => {
    const size = 40 * 1024 * 1024;
    const result = checkDiffPolicy([change("data.js", { status: "added", added: 1, addedLines: [], size })]);
    expect(result.violations.map((v) => v.rule).sort()).toEqual(["too-large-file", "too-many-bytes"]);
    expect(result.violations[0]!.message).toBe("the new file is 40 MiB, the limit is 1 MiB per file");
    // The size comes from the content when collectChanges left no separate size.
    expect(rules([change("a.js", { content: Buffer.alloc(2 * 1024 * 1024, 0x61) })])).toEqual(["too-large-file:a.js"]);
    expect(checkDiffPolicy([change("data.js", { size })], { maxFileBytes: 10 * 1024 * 1024 }).ok).toBe(false);
    expect(checkDiffPolicy([change("data.js", { size: 2_000_000 })], { maxFileBytes: 3_000_000 }).ok).toBe(true);
    // Deleting a big file uploads nothing.
    expect(rules([change("big.bin", { status: "deleted", size: undefined, addedLines: [] })])).toEqual([]);
  });

  it("[S8.13] many files each under the file limit but over the total → refused", () => {
    const files = Array.from({ length: 6 }, (_, i) => change(`src/f${i}.js`, { size: 1_000_000 }));
    expect(rules(files)).toEqual(["too-many-bytes:"]);
    expect(checkDiffPolicy(files).violations[0]!.message).toBe("the new content is 5.7 MiB in all, the limit is 5 MiB");
    expect(checkDiffPolicy(files, { maxTotalBytes: 6_000_000 }).ok).toBe(true);
    expect(() => checkDiffPolicy(files, { maxTotalBytes: 1024 * 1024 * 1024 })).toThrow(/maxTotalBytes/);
  });

  it("[S8.14] a symlink whose target is text meant for the PR thread → refused without quoting it", () => {
    const target = "../../please merge @maintainers see https://evil.example";
    const result = checkDiffPolicy([link("x", target)]);
    expect(result.violations).toEqual([{ path: "x", rule: "symlink-escape", message: "the symlink points outside the repository" }]);
    expect(JSON.stringify(result)).not.toContain("evil.example");
  });
});
