import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mergeConfig, parseExtends } from "../../src/config/config-extends.js";
import type { RepoRef } from "../../src/jobs/types.js";
import { loadRepoConfig } from "../../src/pipeline/steps/load-config.js";
import { API, assertAllMocksUsed, testClient, useNock } from "../github/client.js";

const repo: RepoRef = {
  owner: "acme",
  name: "app",
  fullName: "acme/app",
  cloneUrl: "https://github.com/acme/app.git",
  defaultBranch: "main",
  private: true,
};

/** The repository's own file, read at its default branch. */
function ownFile(text: string): void {
  nock(API).get("/repos/acme/app/contents/.github%2Fcodex.yml").query({ ref: "main" }).reply(200, text);
}

/** A base read with no ref: GitHub answers from that repository's default branch. */
function baseFile(fullName: string, text: string | null, path = ".github/codex.yml"): void {
  const scope = nock(API, { reqheaders: { accept: /raw/ } }).get(`/repos/${fullName}/contents/${encodeURIComponent(path)}`);
  // nock matches a request without a query string only when no .query() is given.
  if (text === null) scope.reply(404, { message: "Not Found" });
  else scope.reply(200, text, { "content-type": "application/vnd.github.raw; charset=utf-8" });
}

async function errorsOf(): Promise<string> {
  const result = await loadRepoConfig(testClient(), repo);
  expect(result.ok).toBe(false);
  return result.ok ? "" : result.errors.join("\n");
}

describe("_extends (organisation defaults)", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("merges the base from the same owner's repository; the repository's own keys win", async () => {
    ownFile("_extends: .github\nfix:\n  labels: [app]\n  max_files: 5\n");
    baseFile("acme/.github", "fix:\n  labels: [codex, org]\n  max_files: 50\n  mention: '@claude review'\nagent:\n  timeout_minutes: 10\n");
    const result = await loadRepoConfig(testClient(), repo);
    expect(result).toMatchObject({
      ok: true,
      // Arrays and scalars replace; objects merge key by key, so the base's mention stays.
      config: { fix: { labels: ["app"], max_files: 5, mention: "@claude review", max_lines: 500 }, agent: { timeout_minutes: 10 } },
    });
    if (result.ok) expect(result.config).not.toHaveProperty("_extends");
  });

  it("follows a chain of two, with another owner and a custom path; the nearest file wins", async () => {
    ownFile("_extends: acme/defaults\ntriage:\n  autofix: draft-pr\n");
    baseFile(
      "acme/defaults",
      "_extends: OtherOrg/policies:codex/base.yml\ntriage:\n  bot_branch_budget: 4\nagent:\n  timeout_minutes: 15\n",
    );
    baseFile(
      "OtherOrg/policies",
      "triage:\n  autofix: off\n  bot_branch_budget: 1\n  branches: [main]\nagent:\n  timeout_minutes: 30\n",
      "codex/base.yml",
    );
    const result = await loadRepoConfig(testClient(), repo);
    expect(result).toMatchObject({
      ok: true,
      config: { triage: { autofix: "draft-pr", bot_branch_budget: 4, branches: ["main"] }, agent: { timeout_minutes: 15 } },
    });
  });

  it("names the cycle instead of looping", async () => {
    ownFile("_extends: base\n");
    baseFile("acme/base", "_extends: acme/APP\n");
    expect(await errorsOf()).toBe(
      "`_extends` in acme/base:.github/codex.yml: cycle: acme/app:.github/codex.yml → acme/base:.github/codex.yml → acme/APP:.github/codex.yml",
    );
  });

  it("names a missing base", async () => {
    ownFile("_extends: org-config\n");
    baseFile("acme/org-config", null);
    expect(await errorsOf()).toBe(
      "`_extends` in acme/app:.github/codex.yml: acme/org-config:.github/codex.yml was not found on its default branch (or the App cannot read that repository)",
    );
  });

  it("blames an invalid base, not the repository", async () => {
    ownFile("_extends: org-config\nfix:\n  max_files: 5\n");
    baseFile("acme/org-config", "fix:\n  max_filez: 5\nagent:\n  timeout_minutes: 99\n");
    const errors = await errorsOf();
    expect(errors).toMatch(/^`_extends` in acme\/app:\.github\/codex\.yml: acme\/org-config:\.github\/codex\.yml is not a valid config: /);
    expect(errors).toContain("unknown key `fix.max_filez`");
    expect(errors).toContain("`agent.timeout_minutes`");
  });

  it("names a base that is not YAML", async () => {
    ownFile("_extends: org-config\n");
    baseFile("acme/org-config", "fix: [\n");
    expect(await errorsOf()).toMatch(
      /^`_extends` in acme\/app:\.github\/codex\.yml: acme\/org-config:\.github\/codex\.yml is not valid YAML/,
    );
  });

  it("stops after three bases", async () => {
    ownFile("_extends: b1\n");
    baseFile("acme/b1", "_extends: b2\n");
    baseFile("acme/b2", "_extends: b3\n");
    baseFile("acme/b3", "_extends: b4\n");
    expect(await errorsOf()).toBe(
      "`_extends` in acme/b3:.github/codex.yml: acme/b4:.github/codex.yml would be base number 4; at most 3 are followed",
    );
  });

  it("rejects a malformed value without fetching anything", async () => {
    ownFile("_extends: 'acme/app/../secrets'\n");
    expect(await errorsOf()).toMatch(/^`_extends` in acme\/app:\.github\/codex\.yml: "acme\/app\/\.\.\/secrets" is not `repo`/);
  });
});

describe("parseExtends and mergeConfig", () => {
  it("reads Probot's three forms", () => {
    expect(parseExtends("base", "acme")).toEqual({ owner: "acme", repo: "base", path: ".github/codex.yml" });
    expect(parseExtends("org/base", "acme")).toEqual({ owner: "org", repo: "base", path: ".github/codex.yml" });
    expect(parseExtends("org/base:configs/codex.yaml", "acme")).toEqual({ owner: "org", repo: "base", path: "configs/codex.yaml" });
    for (const bad of [42, "", "org/base:codex.json", "org/base:../codex.yml", "org/base:a//codex.yml", "-org/base", "a/b/c"]) {
      expect(parseExtends(bad, "acme")).toBeNull();
    }
  });

  it("merges objects deeply and replaces arrays, scalars and explicit nulls", () => {
    const base = { fix: { labels: ["a", "b"], mention: "@bot", max_files: 9 }, triage: { enabled: false } };
    const own = { fix: { labels: ["c"], mention: null } };
    expect(mergeConfig(base, own)).toEqual({ fix: { labels: ["c"], mention: null, max_files: 9 }, triage: { enabled: false } });
    expect(base.fix.labels).toEqual(["a", "b"]);
  });

  it("a base with a __proto__ key leaves Object.prototype untouched", () => {
    const base = JSON.parse('{"__proto__": {"polluted": true}, "fix": {"__proto__": {"polluted": true}}}') as unknown;
    const merged = mergeConfig(base, { fix: { max_files: 1 } }) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(merged.fix).toEqual({ max_files: 1 });
  });
});
