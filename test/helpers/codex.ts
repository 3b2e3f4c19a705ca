// A rig for driving the real codex binary offline: the scripted model stand-in, the key proxy in front of it
// holding a fake "real" key, a per-test `git init` worktree and job directory.
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCodex, type AgentRun, type CodexRunOptions } from "../../src/agent/codex.js";
import { startKeyProxy, type KeyProxy, type ProxyGrant } from "../../src/agent/key-proxy.js";
import { startScriptedModel, type Script, type ScriptedModel } from "../../demo/scripted-model.js";

// Shaped like an OpenAI key so redaction would notice it too; it is only ever sent to the scripted model.
export const UPSTREAM_KEY = "sk-proj-upstreamRealKeyForTests0123456789abcdef";
// Models with plain function tools (exec_command, apply_patch), see the Codex CLI reference.
export const TEST_MODEL = "gpt-5.5";

export interface CodexRig {
  model: ScriptedModel;
  proxy: KeyProxy;
  grant: ProxyGrant;
  worktree: string;
  jobDir: string;
  run(overrides?: Partial<CodexRunOptions>): Promise<AgentRun>;
  close(): Promise<void>;
}

export async function startCodexRig(script: Script, grantOpts?: { maxTotalTokens?: number }): Promise<CodexRig> {
  const root = await mkdtemp(path.join(tmpdir(), "codex-rig-"));
  const worktree = path.join(root, "worktree");
  const jobDir = path.join(root, "job");
  await initRepo(worktree);
  const model = await startScriptedModel(script);
  const proxy = await startKeyProxy({ upstreamBaseUrl: model.baseUrl, upstreamApiKey: UPSTREAM_KEY });
  const grant = proxy.issue(grantOpts);
  return {
    model,
    proxy,
    grant,
    worktree,
    jobDir,
    run: (overrides) =>
      runCodex({
        cwd: worktree,
        jobDir,
        prompt: "Investigate the failure.",
        sandbox: "read-only",
        model: TEST_MODEL,
        modelBaseUrl: proxy.baseUrl,
        modelToken: grant.token,
        timeoutMs: 30_000,
        ...overrides,
      }),
    async close() {
      await proxy.close();
      await model.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A git repository with one commit, like the worktree the workspace phase prepares. */
export async function initRepo(dir: string): Promise<void> {
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  await writeFile(path.join(dir, "README.md"), "# fixture\n");
  execFileSync("git", ["-C", dir, "add", "."]);
  execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init"]);
}

/** True while any process is left in the process group `pgid` (zombies excluded: they hold nothing). */
export async function groupAlive(pgid: number): Promise<boolean> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Fields after the parenthesised command: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
  }
  return false;
}

/** Pids of live processes whose command line contains `needle`. */
export async function pidsMatching(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    if (cmdline.replace(/\0/g, " ").includes(needle) && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") {
      pids.push(Number(entry));
    }
  }
  return pids;
}

/** Polls until `check` is true or `ms` pass. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
