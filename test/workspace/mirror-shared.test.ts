import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGit } from "../../src/workspace/git.js";
import { lockPathFor } from "../../src/workspace/mirror-lock.js";
import { mirrorPathFor } from "../../src/workspace/mirror.js";
import { createBareRemote, type BareRemote } from "../helpers/git-remote.js";

const LOADER = fileURLToPath(new URL("../jobs/fixtures/ts-loader.mjs", import.meta.url));
const CHILD = fileURLToPath(new URL("./fixtures/ensure-mirror-child.ts", import.meta.url));

interface Fetched {
  pid: number;
  began: number;
  ended: number;
  path: string;
}

// The rule (README, Deployment; src/workspace/mirror-lock.ts): each worker keeps its own mirrors, and processes
// that do share a workspace directory on one machine take turns on a mirror through its lock file.
describe("two worker processes sharing one workspace directory", () => {
  let root: string;
  let remote: BareRemote;
  let pr: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(join(tmpdir(), "ws-shared-"));
    // Incompressible content, so that a fetch takes long enough for the other process to arrive while it runs.
    const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`blob/${i}.bin`, randomBytes(96 * 1024).toString("base64")]));
    remote = await createBareRemote({ files });
    pr = await remote.commit({ "pr.txt": "pr\n" }, "a PR head", "refs/pull/3/head");
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
    await remote?.cleanup();
  });

  it("fetch into one mirror at the same moment: one waits for the other's lock, the mirror is whole", async () => {
    const startAt = Date.now() + 1500;
    const env = {
      ...process.env,
      WORKSPACE: root,
      CLONE_URL: remote.url,
      WANT: JSON.stringify([remote.headSha, pr]),
      START_AT: String(startAt),
    };
    const children = [0, 1].map(() => spawn(process.execPath, ["--import", LOADER, CHILD], { env, stdio: ["ignore", "pipe", "pipe"] }));
    // Who holds the lock file, sampled while the two run: never two at once (it is one file), and both in turn.
    const holders: number[] = [];
    const lockPath = lockPathFor(mirrorPathFor(root, "o/shared"));
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const raw = await fs.readFile(lockPath, "utf8").catch(() => "");
        // Empty or half-written for a moment after its O_EXCL create: skip that sample.
        const pid = ((): number => {
          try {
            return raw ? (JSON.parse(raw) as { pid: number }).pid : 0;
          } catch {
            return 0;
          }
        })();
        if (pid && holders[holders.length - 1] !== pid) holders.push(pid);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const results = await Promise.all(
      children.map(
        (child) =>
          new Promise<Fetched>((resolve, reject) => {
            let out = "";
            let err = "";
            child.stdout.on("data", (d: Buffer) => (out += d.toString()));
            child.stderr.on("data", (d: Buffer) => (err += d.toString()));
            child.on("exit", (code) =>
              code === 0 ? resolve(JSON.parse(out) as Fetched) : reject(new Error(`child exited ${code}: ${err}`)),
            );
          }),
      ),
    );
    sampling = false;
    await sampler;

    const [first, second] = [...results].sort((a, b) => a.ended - b.ended);
    expect(first.path).toBe(second.path);
    // Both calls were under way at the same time, so the one that finished second waited for the first's lock.
    expect(second.began).toBeLessThan(first.ended);
    expect(new Set(holders)).toEqual(new Set(results.map((r) => r.pid)));
    // No corruption: every object checks out, the refs are the remote's, and no lock is left behind.
    await runGit(["fsck", "--strict", "--no-dangling"], { cwd: first.path });
    expect(await runGit(["rev-parse", "refs/heads/main"], { cwd: first.path })).toBe(remote.headSha);
    expect(await runGit(["rev-parse", "refs/pull/3/head"], { cwd: first.path })).toBe(pr);
    await expect(fs.access(lockPath)).rejects.toThrow();
    const leftovers = (await fs.readdir(join(first.path, ".."))).filter((n) => n.includes(".init-") || n.includes(".stale-"));
    expect(leftovers).toEqual([]);
  });
});
