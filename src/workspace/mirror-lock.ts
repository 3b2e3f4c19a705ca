// Serializes every operation on one bare mirror: fetches, `worktree add/remove/prune`. Git's own ref locks
// make a concurrent fetch fail ("cannot lock ref") rather than corrupt, but two fetches into one mirror, or a
// prune racing a worktree add, still lose work or leave a half-registered worktree. Several worker processes
// may share one workspace directory, so an in-process queue alone is not enough: a lock file created with
// O_EXCL guards across processes, and the queue keeps one process from polling against itself.
//
// Where it holds (the rule README's Deployment states, tested by test/workspace/mirror-shared.test.ts): EACH WORKER
// KEEPS ITS OWN MIRRORS, a WORKSPACE_DIR per worker or at least per machine (compose gives every worker a volume).
// The lock is for processes of one machine sharing a directory: O_EXCL create is atomic on a local file system, and
// a holder that died is seen at once by its pid. Between machines on a shared network volume it is not a supported
// set-up: O_EXCL is atomic on NFSv3/v4 (Linux >= 2.6.5) but not on NFSv2 or many FUSE/object-store mounts; a pid
// means nothing on another host, so a machine that died holding the lock is found out only once the file's mtime
// is staleMs old (10 min), which needs clocks in sync and attribute caching well below staleMs; and a machine that
// stalls for longer than that (a frozen VM) loses its lock while it still fetches. This is not flock(2), which
// would not help: NFS emulates it with byte-range locks whose lease recovery has the same blind spots.
//
// This file imports only Node built-ins on purpose: a test runs it, transpiled, in a child process.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { pidAlive } from "../process/pid-alive.js";

export interface MirrorLockOptions {
  /** A lock whose file has not been touched for this long is stale (its owner hung or lives elsewhere). */
  staleMs?: number;
  /** Give up waiting after this long. */
  acquireTimeoutMs?: number;
}

interface LockRecord {
  pid: number;
  host: string;
  time: number;
  nonce: string;
}

const DEFAULT_STALE_MS = 10 * 60_000;
const DEFAULT_ACQUIRE_TIMEOUT_MS = 30 * 60_000;
const queues = new Map<string, Promise<unknown>>();

export class LockTimeoutError extends Error {
  constructor(
    readonly lockPath: string,
    holder: string,
  ) {
    super(`timed out waiting for ${lockPath} (held by ${holder})`);
    this.name = "LockTimeoutError";
  }
}

/** The lock file for a mirror lives beside it, not inside: `git init` and `rm -rf` of the mirror leave it alone. */
export function lockPathFor(mirrorPath: string): string {
  return `${mirrorPath.replace(/\/+$/, "")}.dispatch-lock`;
}

async function readRecord(path: string): Promise<{ record: LockRecord | undefined; raw: string; mtimeMs: number } | undefined> {
  try {
    const [raw, stat] = await Promise.all([fs.readFile(path, "utf8"), fs.stat(path)]);
    let record: LockRecord | undefined;
    try {
      record = JSON.parse(raw) as LockRecord;
    } catch {
      record = undefined; // being written right now, or garbage: judged by age alone
    }
    return { record, raw, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function isStale(info: { record: LockRecord | undefined; mtimeMs: number }, staleMs: number): boolean {
  if (Date.now() - info.mtimeMs > staleMs) return true;
  const r = info.record;
  return r !== undefined && r.host === hostname() && !pidAlive(r.pid);
}

// Breaking a stale lock must not delete a fresh lock another process just created in its place. Renaming is
// atomic, so we move the file aside and check that we moved the one we judged stale; if not, we put the
// fresh one back with link(), which like O_EXCL fails when the name is taken.
async function breakStaleLock(path: string, staleRaw: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await fs.rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  try {
    const moved = await fs.readFile(aside, "utf8");
    if (moved !== staleRaw) await fs.link(aside, path).catch(() => undefined);
  } finally {
    await fs.rm(aside, { force: true });
  }
}

async function acquire(path: string, staleMs: number, timeoutMs: number): Promise<{ release(): Promise<void> }> {
  const record: LockRecord = { pid: process.pid, host: hostname(), time: Date.now(), nonce: randomBytes(8).toString("hex") };
  const body = JSON.stringify(record);
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  for (;;) {
    try {
      const handle = await fs.open(path, "wx", 0o600);
      try {
        await handle.writeFile(body);
      } catch (error) {
        // Created but not written (a full disk): an empty lock names no owner, so every later caller would wait
        // for it to go stale (10 minutes). It is ours, made a moment ago with O_EXCL: take it away again.
        await handle.close().catch(() => undefined);
        await fs.rm(path, { force: true });
        throw error;
      }
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const info = await readRecord(path);
    if (info && isStale(info, staleMs)) {
      await breakStaleLock(path, info.raw);
      continue;
    }
    if (Date.now() > deadline) {
      throw new LockTimeoutError(path, info?.record ? `pid ${info.record.pid} on ${info.record.host}` : "unknown");
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 250);
  }
  // A heartbeat keeps the lock fresh while a long fetch runs, so age alone marks owners that died elsewhere.
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      fs.utimes(path, now, now).catch(() => undefined);
    },
    Math.max(1_000, Math.floor(staleMs / 3)),
  );
  heartbeat.unref();
  return {
    async release() {
      clearInterval(heartbeat);
      const info = await readRecord(path);
      if (info?.raw === body) await fs.rm(path, { force: true });
    },
  };
}

/** Runs `fn` while holding the mirror's lock, in this process and across processes. */
export async function withMirrorLock<T>(mirrorPath: string, fn: () => Promise<T>, opts: MirrorLockOptions = {}): Promise<T> {
  const path = lockPathFor(mirrorPath);
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const timeoutMs = opts.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
  const previous = queues.get(path) ?? Promise.resolve();
  const run = previous.then(async () => {
    const lock = await acquire(path, staleMs, timeoutMs);
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  });
  // The queue must keep going after a failure; callers still see the rejection through `run`.
  const tail = run.catch(() => undefined);
  queues.set(path, tail);
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path);
  });
  return run;
}
