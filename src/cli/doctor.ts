import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { readEnv } from "../config/env.js";
import { openDatabase } from "../jobs/db.js";
import { createRequire } from "node:module";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Checks what a deployment needs, one line each; exit 1 when something required is missing. */
export async function doctor(io: Io): Promise<number> {
  let failed = false;
  const line = (ok: boolean | "warn", what: string, detail: string) => {
    if (ok === false) failed = true;
    io.stdout.write(`${ok === true ? "ok  " : ok === "warn" ? "warn" : "FAIL"}  ${what}: ${detail}\n`);
  };
  const env = (() => {
    try {
      return readEnv();
    } catch (err) {
      line(false, "environment", (err as Error).message);
      return null;
    }
  })();

  try {
    // The npm package's launcher is a Node script that picks the native binary for this platform.
    const bin = env?.CODEX_BIN ?? createRequire(import.meta.url).resolve("@openai/codex/bin/codex.js");
    const [file, args] = bin.endsWith(".js") ? [process.execPath, [bin]] : [bin, []];
    const { stdout } = await execa(file, [...args, "--version"], { timeout: 30_000, extendEnv: false, env: { PATH: process.env.PATH ?? "" } });
    line(true, "codex", `${stdout.trim()} (${bin})`);
  } catch (err) {
    line(false, "codex", (err as Error).message.split("\n")[0]);
  }
  try {
    const { stdout } = await execa("git", ["--version"], { timeout: 10_000 });
    line(true, "git", stdout.trim());
  } catch (err) {
    line(false, "git", (err as Error).message.split("\n")[0]);
  }
  if (env) {
    const dataDir = env.DATABASE_URL ? "" : await mkdtemp(path.join(tmpdir(), "doctor-"));
    try {
      const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATABASE_URL ? env.dataDir : dataDir });
      await db.query("SELECT 1");
      await db.close();
      line(true, "database", env.DATABASE_URL ? "PostgreSQL answers" : `embedded PGlite works (data in ${env.dataDir})`);
    } catch (err) {
      line(false, "database", (err as Error).message.split("\n")[0]);
    } finally {
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
    line(env.CODEX_API_KEY ? true : "warn", "model key", env.CODEX_API_KEY ? "CODEX_API_KEY is set" : "CODEX_API_KEY is not set: codex cannot reach the model");
  }
  const hasApp = !!process.env.APP_ID && !!(process.env.PRIVATE_KEY || process.env.PRIVATE_KEY_PATH);
  line(hasApp ? true : "warn", "GitHub App", hasApp ? `APP_ID ${process.env.APP_ID}` : "not registered yet: `npm start` opens Probot's setup page");
  return failed ? 1 : 0;
}
