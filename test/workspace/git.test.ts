import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitAuthEnv } from "../../src/workspace/auth.js";
import { GitError, runGit } from "../../src/workspace/git.js";

let dir: string;
const saved = { ...process.env };
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), "ws-git-"));
});
afterEach(async () => {
  process.env = { ...saved };
  await fs.rm(dir, { recursive: true, force: true });
});

describe("runGit", () => {
  it("ignores the parent's GIT_* variables and global config", async () => {
    await runGit(["init", "--quiet", dir], { cwd: dir });
    process.env.GIT_DIR = "/nonexistent/elsewhere";
    process.env.GIT_AUTHOR_NAME = "Leaked";
    expect(await runGit(["rev-parse", "--git-dir"], { cwd: dir })).toBe(".git");
    const env = await runGit(["var", "-l"], { cwd: dir });
    expect(env).not.toContain("Leaked");
    const origins = (await runGit(["config", "--show-origin", "--list"], { cwd: dir })).split("\n");
    expect(origins.length).toBeGreaterThan(0);
    for (const line of origins) expect(line.startsWith("file:.git/config\t"), line).toBe(true);
  });

  it("throws a GitError with exit code and redacted command and stderr", async () => {
    const token = "ghp_" + "Z".repeat(36);
    const err = await runGit(["ls-remote", `https://x-access-token:${token}@127.0.0.1:1/o/r.git`], {
      cwd: dir,
      env: gitAuthEnv(token),
      timeoutMs: 20_000,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err.exitCode).toBe(128);
    expect(err.command.startsWith("git ls-remote https://x-access-token:[REDACTED]")).toBe(true);
    expect(err.command).not.toContain(token);
    expect(`${err.message}${err.stderr}`).not.toContain(token);
    expect(err.stderr.length).toBeGreaterThan(0);
  });

  it("passes stdin and enforces the timeout", async () => {
    await runGit(["init", "--quiet", dir], { cwd: dir });
    expect(await runGit(["hash-object", "--stdin"], { cwd: dir, input: "hello\n" })).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    const started = Date.now();
    const err = await runGit(["-c", "alias.slow=!sleep 30", "slow"], { cwd: dir, timeoutMs: 200 }).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(err.timedOut).toBe(true);
    expect(err.message).toMatch(/timed out/);
    // The whole process group goes, so a helper holding git's pipes cannot keep the call waiting.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("rejects args that are not strings", async () => {
    await expect(runGit(["status", 1 as never], { cwd: dir })).rejects.toThrow(TypeError);
  });
});
