// Spare checkouts: writing a big repository's files is most of a job's workspace time (5,000 files: 0.1–1.5 s on
// our disks, as for a shallow clone), so when a job ends the bot checks its commit out once more, into a folder of
// its own, for the next job of that repository. That job moves the spare into its job dir (a rename) and checks
// out its own commit, which writes only the files that differ.
//
// Why this keeps jobs apart: a spare is made by the bot from the mirror (`git worktree add` of a commit), never
// copied from a job dir; it waits in <root>/spares, the bot's alone (0700), where no agent can reach it; and it is
// handed out once, under the mirror's lock, by moving it away. An agent only ever sees a spare after it has become
// its own job's worktree, and that worktree is deleted at the job's end like any other.
//
// A spare is ready once its marker `<token>.ready` exists beside it: one that a crash left half-made has none,
// is never handed out, and is swept once its maker's pid is gone (or after an hour).
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { join, resolve } from "node:path";
import { runGit } from "./git.js";
import { sparesDirFor } from "./layout.js";
import { withMirrorLock } from "./mirror-lock.js";
import { removeWorktreeLocked } from "./worktree-remove.js";
import { pidAlive } from "../process/pid-alive.js";

const READY = ".ready";
// One spare per repository: the next job of the repository takes it, and its end leaves the next one.
const MAX_SPARES = 1;
const STALE_MS = 60 * 60_000;
// Below this index size (about 1,000 files) a racily clean index costs the next checkout next to nothing.
const SETTLE_INDEX_BYTES = 100_000;

/** Half-made spares whose maker died (or that are an hour old) go; ready ones and ones being made stay. Under the lock. */
async function sweep(mirrorPath: string, dir: string, names: string[]): Promise<void> {
  for (const name of names) {
    if (name.endsWith(READY) || names.includes(`${name}${READY}`)) continue;
    const pid = Number(name.split("-")[0]);
    const st = await fs.stat(join(dir, name)).catch(() => null);
    if (!st) continue;
    if (Number.isInteger(pid) && pid > 0 && pidAlive(pid) && Date.now() - st.mtimeMs < STALE_MS) continue;
    await removeWorktreeLocked(mirrorPath, join(dir, name));
  }
}

/**
 * Moves a ready spare of the mirror's repository to `dir` (which must not exist) and returns true, or returns
 * false when there is none. The worktree then is at the spare's commit: the caller checks out its own.
 */
export async function takeSpare(mirrorPath: string, dir: string): Promise<boolean> {
  const spares = sparesDirFor(mirrorPath).dir;
  return withMirrorLock(mirrorPath, async () => {
    const names = await fs.readdir(spares).catch(() => [] as string[]);
    for (const marker of names.filter((n) => n.endsWith(READY))) {
      const from = join(spares, marker.slice(0, -READY.length));
      // Handed out once, whatever happens next: the marker goes before the move.
      await fs.rm(join(spares, marker), { force: true });
      try {
        await runGit(["worktree", "move", "--", from, dir], { cwd: mirrorPath });
        return true;
      } catch {
        await removeWorktreeLocked(mirrorPath, from);
        await fs.rm(dir, { recursive: true, force: true });
      }
    }
    return false;
  });
}

/**
 * Leaves a clean checkout of `sha` for the next job of the mirror's repository, unless one is ready already.
 * Runs at a job's end, after its worktree is gone; the files are written outside the mirror's lock.
 */
export async function leaveSpare(mirrorPath: string, sha: string): Promise<void> {
  const { top, dir } = sparesDirFor(mirrorPath);
  await fs.mkdir(top, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode alone: the bot's alone, whoever made it.
  await fs.chmod(top, 0o700);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const token = `${process.pid}-${randomBytes(6).toString("hex")}`;
  const path = join(dir, token);
  const started = await withMirrorLock(mirrorPath, async () => {
    await sweep(mirrorPath, dir, await fs.readdir(dir));
    // Ready spares and ones being made (by this or another process) count: two jobs ending at once leave one.
    if ((await fs.readdir(dir)).filter((n) => !n.endsWith(READY)).length >= MAX_SPARES) return false;
    await runGit(["worktree", "add", "--quiet", "--no-checkout", "--detach", "--", path, sha], { cwd: mirrorPath });
    return true;
  });
  if (!started) return;
  try {
    await runGit(["reset", "--hard", "--quiet"], { cwd: path });
    await settleIndex(path);
    await fs.writeFile(join(dir, `${token}${READY}`), `${sha}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    await withMirrorLock(mirrorPath, () => removeWorktreeLocked(mirrorPath, path));
    throw error;
  }
}

/**
 * git takes a file written in the same second as the index for "racily clean" and compares its content at every
 * later checkout, so a spare made in one go would cost the next job a read of every file (~30 ms per 5,000). Once
 * that second has passed, rewriting the index records the files as clean for good. git's own check, not a shortcut
 * around it: a file changed later still shows up.
 */
async function settleIndex(worktree: string): Promise<void> {
  const index = resolve(worktree, await runGit(["rev-parse", "--git-path", "index"], { cwd: worktree }));
  const st = await fs.stat(index);
  if (st.size < SETTLE_INDEX_BYTES) return;
  const wait = Math.floor(st.mtimeMs / 1000) * 1000 + 1000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait + 5));
  await runGit(["update-index", "-q", "--refresh"], { cwd: worktree }).catch(() => undefined);
}
