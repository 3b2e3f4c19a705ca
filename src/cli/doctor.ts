import { readFile } from "node:fs/promises";
import { ProbotOctokit } from "probot";
import { launcher } from "../agent/codex.js";
import { readIsolationSettings, setUpAgentIsolation } from "../agent/isolation.js";
import { readEnv, type AppEnv } from "../config/env.js";
import { runProcess } from "../process/run-process.js";
import { openDatabase } from "../jobs/db.js";
import { schemaVersion } from "../jobs/schema-version.js";
import { agentBinaries } from "../web/agent-binaries.js";
import { gitVersion } from "../workspace/git.js";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
type Check = (line: (ok: boolean | "warn", what: string, detail: string) => void) => Promise<void>;

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n")[0];

/**
 * Checks what a deployment needs against the real thing, one line each: the codex binary runs, git works, the
 * database the app would use answers (PGlite under DATA_DIR or DATABASE_URL; run it with the app stopped when
 * on PGlite, which one process at a time may open), the App's key signs a JWT that GitHub accepts (`GET /app`),
 * the webhook secret and model key are set, and agents can run under their own uids. Exit 1 on a failure.
 */
export async function doctor(io: Io, processEnv: NodeJS.ProcessEnv = process.env): Promise<number> {
  let failed = false;
  const line = (ok: boolean | "warn", what: string, detail: string) => {
    if (ok === false) failed = true;
    io.stdout.write(`${ok === true ? "ok  " : ok === "warn" ? "warn" : "FAIL"}  ${what}: ${detail}\n`);
  };
  let env: AppEnv | null = null;
  try {
    env = readEnv(processEnv);
  } catch (err) {
    line(false, "environment", firstLine(err));
  }
  const checks: Check[] = [
    checkCodex(env),
    checkClaude(processEnv),
    checkGit,
    ...(env ? [checkDatabase(env), checkApp(processEnv), checkSecrets(env, processEnv), checkIsolation(env, processEnv)] : []),
  ];
  for (const check of checks) {
    try {
      await check(line);
    } catch (err) {
      line(false, "doctor", firstLine(err));
    }
  }
  return failed ? 1 : 0;
}

const checkCodex =
  (env: AppEnv | null): Check =>
  async (line) => {
    const [file, args] = launcher(env?.CODEX_BIN);
    try {
      const { stdout } = await runProcess(file, [...args, "--version"], {
        timeoutMs: 30_000,
        env: { PATH: process.env.PATH ?? "" },
        keepStdout: true,
      });
      line(true, "codex", `${stdout.toString("utf8").trim()} (${args[0] ?? file})`);
    } catch (err) {
      line(false, "codex", firstLine(err));
    }
  };

// Claude Code is the second backend: a failure to start it fails the check only where the deployment uses it
// (ANTHROPIC_API_KEY or CLAUDE_BIN set); elsewhere it is a warning.
const checkClaude =
  (penv: NodeJS.ProcessEnv): Check =>
  async (line) => {
    const claude = agentBinaries({ CLAUDE_BIN: penv.CLAUDE_BIN, ANTHROPIC_API_KEY: penv.ANTHROPIC_API_KEY }).find(
      (b) => b.agent === "claude",
    )!;
    const run = await runProcess(claude.path, ["--version"], {
      timeoutMs: 30_000,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
      keepStdout: true,
      reject: false,
    });
    if (run.exitCode === 0) line(true, "claude", `${run.stdout.toString("utf8").trim()} (${claude.path})`);
    else
      line(
        claude.required ? false : "warn",
        "claude",
        `${claude.path} --version failed: ${firstLine(run.stderrTail || run.startError || `exit ${run.exitCode ?? run.signal}`)}${claude.required ? "" : " (only needed for agent.backend: claude)"}`,
      );
  };

const checkGit: Check = async (line) => {
  try {
    line(true, "git", (await gitVersion()).trim());
  } catch (err) {
    line(false, "git", firstLine(err));
  }
};

const checkDatabase =
  (env: AppEnv): Check =>
  async (line) => {
    try {
      const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
      try {
        const { rows } = await db.query<{ n: string | number }>("SELECT count(*) AS n FROM codex_dispatch.job_records");
        line(
          true,
          "database",
          `${env.DATABASE_URL ? "PostgreSQL" : `PGlite in ${env.dataDir}`} answers (${Number(rows[0]?.n ?? 0)} job records)`,
        );
        // Opening migrates; this says the schema really is the one this release expects.
        const schema = await schemaVersion(db);
        line(
          schema.current === schema.expected,
          "schema",
          schema.current === schema.expected
            ? `migrated to version ${schema.current}`
            : `at version ${schema.current}, this release expects ${schema.expected}`,
        );
      } finally {
        await db.close();
      }
    } catch (err) {
      line(false, "database", firstLine(err));
    }
  };

const checkApp =
  (penv: NodeJS.ProcessEnv): Check =>
  async (line) => {
    if (!penv.APP_ID || !(penv.PRIVATE_KEY || penv.PRIVATE_KEY_PATH)) {
      line("warn", "GitHub App", "not registered yet: `npm start` opens Probot's setup page");
      return;
    }
    try {
      const privateKey = penv.PRIVATE_KEY?.replace(/\\n/g, "\n") ?? (await readFile(penv.PRIVATE_KEY_PATH!, "utf8"));
      const baseUrl = penv.GHE_HOST ? `${penv.GHE_PROTOCOL || "https"}://${penv.GHE_HOST}/api/v3` : undefined;
      const octokit = new (ProbotOctokit.defaults({ throttle: { enabled: false }, retry: { enabled: false } }))({
        auth: { appId: Number(penv.APP_ID), privateKey },
        ...(baseUrl ? { baseUrl } : {}),
      });
      const { data } = await octokit.request("GET /app");
      line(true, "GitHub App", `a signed JWT is accepted: ${data?.slug ?? "?"} (id ${data?.id ?? penv.APP_ID})`);
    } catch (err) {
      line(false, "GitHub App", `GET /app with the App's key failed: ${firstLine(err)}`);
    }
  };

const checkSecrets =
  (env: AppEnv, penv: NodeJS.ProcessEnv): Check =>
  async (line) => {
    line(
      penv.WEBHOOK_SECRET ? true : false,
      "webhook secret",
      penv.WEBHOOK_SECRET ? "WEBHOOK_SECRET is set" : "WEBHOOK_SECRET is not set: every delivery would be refused",
    );
    line(
      env.CODEX_API_KEY ? true : "warn",
      "model key",
      env.CODEX_API_KEY ? "CODEX_API_KEY is set" : "CODEX_API_KEY is not set: codex cannot reach the model",
    );
  };

const checkIsolation =
  (env: AppEnv, penv: NodeJS.ProcessEnv): Check =>
  async (line) => {
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (_: object, msg: string) => void warnings.push(msg) };
    const isolation = await setUpAgentIsolation({
      env: penv,
      dataDir: env.dataDir,
      workspaceDir: env.workspaceDir,
      privateKeyPath: penv.PRIVATE_KEY_PATH,
      codexBin: env.CODEX_BIN,
      log,
    }).catch((err: unknown) => {
      line(false, "isolation", firstLine(err));
      return undefined;
    });
    if (isolation === undefined) return;
    if (!isolation) {
      line("warn", "isolation", warnings.find((w) => w.startsWith("agent isolation is off")) ?? "off");
      return;
    }
    // The proof: the agent's binary starts under an agent uid.
    const s = readIsolationSettings(penv);
    const uid = s.AGENT_UID_BASE + s.AGENT_UID_COUNT - 1;
    const [file, args] = launcher(env.CODEX_BIN ?? isolation.agentBinary);
    const run = await runProcess(file, [...args, "--version"], {
      uid,
      gid: uid,
      reject: false,
      timeoutMs: 30_000,
      env: { PATH: process.env.PATH ?? "" },
    });
    line(
      run.exitCode === 0,
      "isolation",
      run.exitCode === 0
        ? `agents run under their own uids (${s.AGENT_UID_BASE}+${s.AGENT_UID_COUNT}); uid ${uid} starts codex`
        : `uid ${uid} cannot start codex: ${firstLine(run.stderrTail || run.startError || (run.timedOut ? "timed out" : `exit ${run.exitCode ?? run.signal}`))}`,
    );
    for (const w of warnings) line("warn", "isolation", w);
  };
