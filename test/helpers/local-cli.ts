// Drives the built command line (`bin/codex-dispatch.js`, as `npm test` builds it) as a user runs it on their
// own machine: a git repository of theirs, a CODEX_HOME of theirs whose config.toml points codex at their own
// endpoint (here the scripted model on 127.0.0.1) with their own key, and the real codex binary.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { startScriptedModel, type Script, type ScriptedModel } from "../../demo/scripted-model.js";
import { initRepo, TEST_MODEL } from "./codex.js";

const BIN = path.resolve("bin/codex-dispatch.js");
// Shaped like an OpenAI key, so redaction and the "not in commands" checks would notice it.
export const USER_KEY = "sk-proj-usersOwnKeyForLocalTests0123456789abcdefXYZ";

export interface LocalRig {
  model: ScriptedModel;
  root: string;
  /** The user's repository. */
  repo: string;
  /** A folder outside any repository. */
  outside: string;
  codexHome: string;
  env: Record<string, string>;
  cli(
    args: string[],
    opts?: { cwd?: string; input?: string; env?: Record<string, string> },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** The CLI started and not awaited (to send it signals). */
  start(args: string[]): ResultPromise;
  /** Folders of throw-away checkouts still registered in the user's repository. */
  extraWorktrees(): string[];
  /** The run's scratch folders still in TMPDIR. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startLocalRig(script: Script): Promise<LocalRig> {
  const root = await mkdtemp(path.join(tmpdir(), "local-cli-"));
  const repo = path.join(root, "project");
  const outside = path.join(root, "elsewhere");
  const home = path.join(root, "home");
  const codexHome = path.join(home, ".codex");
  const tmp = path.join(root, "tmp");
  await Promise.all([mkdir(outside), mkdir(codexHome, { recursive: true }), mkdir(tmp)]);
  await initRepo(repo);
  await mkdir(path.join(repo, "src"));
  await writeFile(path.join(repo, "src/add.js"), "export function add(a, b) {\n  return a - b;\n}\n");
  execFileSync("git", ["-C", repo, "add", "."]);
  execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "add"]);
  const model = await startScriptedModel(script);
  // What a user with their own endpoint writes into ~/.codex/config.toml: codex reads it, the CLI adds nothing.
  await writeFile(
    path.join(codexHome, "config.toml"),
    [
      `model = "${TEST_MODEL}"`,
      `model_provider = "mine"`,
      "",
      "[model_providers.mine]",
      `name = "mine"`,
      `base_url = "${model.baseUrl}"`,
      `wire_api = "responses"`,
      `env_key = "OPENAI_API_KEY"`,
      "stream_max_retries = 0",
      "request_max_retries = 0",
      "",
    ].join("\n"),
  );
  // HOME is the user's; CODEX_HOME is left to default to ~/.codex, as on a real machine.
  const env = { PATH: process.env.PATH ?? "", HOME: home, TMPDIR: tmp, OPENAI_API_KEY: USER_KEY };
  return {
    model,
    root,
    repo,
    outside,
    codexHome,
    env,
    async cli(args, opts = {}) {
      const r = await execa(process.execPath, [BIN, ...args], {
        cwd: opts.cwd ?? repo,
        env: { ...env, ...opts.env },
        extendEnv: false,
        reject: false,
        input: opts.input ?? "",
        timeout: 90_000,
      });
      return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
    },
    start(args) {
      return execa(process.execPath, [BIN, ...args], { cwd: repo, env, extendEnv: false, reject: false, input: "", timeout: 90_000 });
    },
    extraWorktrees() {
      const list = execFileSync("git", ["-C", repo, "worktree", "list", "--porcelain"], { encoding: "utf8" });
      return list
        .split("\n")
        .filter((l) => l.startsWith("worktree "))
        .map((l) => l.slice(9))
        .filter((p) => p !== repo);
    },
    async leftovers() {
      return (await readdir(tmp)).filter((name) => name.startsWith("codex-dispatch-"));
    },
    async close() {
      await model.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The text of every user message codex sent in the first request (the prompt). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function promptOf(body: any): string {
  return JSON.stringify(body.input);
}
