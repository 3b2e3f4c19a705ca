import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readlink, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The release before this one: the last main that landed before [10/13]'s concurrency work (schema versions 1–9).
 * The upgrade tests run ITS code, built from git, against the database, not a copy of today's code with a number
 * changed: what a real operator's old processes would do.
 */
export const PREVIOUS_RELEASE = "4a4f5b8";

export interface OldRelease {
  sha: string;
  /** The exported tree; its build is in `dist/`. */
  dir: string;
  /** A file URL of a module in the old release's build, e.g. `module("src/jobs/db.js")`. */
  module(relative: string): string;
}

/**
 * Exports `ref`'s tree (git archive) into a directory under the OS temp dir keyed by its sha, links this checkout's
 * node_modules into it and builds it with its own tsconfig.build.json. Cached: a second call (another test file,
 * the next run) finds the `ready` marker and returns at once. Fails with a clear message when the clone lacks the
 * commit (a shallow clone: CI must fetch the full history).
 */
export async function oldRelease(ref = PREVIOUS_RELEASE): Promise<OldRelease> {
  const sha = await resolveCommit(ref);
  const dir = path.join(tmpdir(), `codex-dispatch-release-${sha.slice(0, 16)}`);
  const result = { sha, dir, module: (relative: string) => new URL(`dist/${relative}`, `file://${dir}/`).href };
  if (await stat(path.join(dir, "ready")).catch(() => null)) {
    await linkNodeModules(dir);
    return result;
  }
  // Built aside and renamed into place: test files run in parallel and may race to build it.
  const staging = await mkdtemp(`${dir}-staging-`);
  try {
    await run("sh", ["-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "sh", ROOT, sha, staging], { maxBuffer: 64 << 20 });
    await symlink(path.join(ROOT, "node_modules"), path.join(staging, "node_modules"), "dir");
    await run(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
      cwd: staging,
      maxBuffer: 64 << 20,
    }).catch((err: { stdout?: string; message: string }) => {
      throw new Error(`building the release ${sha} failed: ${err.stdout?.slice(0, 4000) || err.message}`);
    });
    await writeFile(path.join(staging, "ready"), `${sha}\n`);
    await mkdir(path.dirname(dir), { recursive: true });
    await rename(staging, dir).catch(async () => {
      // Another process won the race; its build is as good as ours.
      await rm(staging, { recursive: true, force: true });
    });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  if (!(await stat(path.join(dir, "ready")).catch(() => null))) throw new Error(`the release build in ${dir} is not ready`);
  return result;
}

async function resolveCommit(ref: string): Promise<string> {
  try {
    const { stdout } = await run("git", ["-C", ROOT, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    return stdout.trim();
  } catch {
    throw new Error(
      `the previous release ${ref} is not in this clone's git history, and the upgrade tests run its code: ` +
        "use a full clone (git fetch --unshallow, or actions/checkout with fetch-depth: 0)",
    );
  }
}

/**
 * The cached build was made by whichever checkout ran first (another clone, a worktree since removed): point its
 * node_modules at this checkout's, atomically (a new link renamed over the old), so parallel test files can race.
 */
async function linkNodeModules(dir: string): Promise<void> {
  const target = path.join(ROOT, "node_modules");
  const link = path.join(dir, "node_modules");
  if ((await readlink(link).catch(() => null)) === target) return;
  const staging = `${link}.${process.pid}.${Date.now()}`;
  await symlink(target, staging, "dir");
  await rename(staging, link);
}
