import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmod, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentIsolation, readIsolationSettings } from "../../src/agent/isolation.js";
import { createJobDir, removeJobDir } from "../../src/workspace/job-dir.js";
import { prepareWorkspace, sparesDirFor } from "../../src/workspace/layout.js";
import { ensureMirror } from "../../src/workspace/mirror.js";
import { addWorktree } from "../../src/workspace/worktree.js";
import { createBareRemote, type BareRemote } from "../helpers/git-remote.js";

// Spare checkouts (workspace/spare-checkout.ts) with real agent uids (the tests run as root): a spare is the bot's
// until it becomes one job's worktree, and nothing an agent did in one job reaches the next.
const run = promisify(execFile);
let root: string;
let remote: BareRemote;
let isolation: AgentIsolation;

beforeEach(async () => {
  if (process.getuid?.() !== 0) throw new Error("the isolation tests need root (CI and the container run as root)");
  root = await mkdtemp(path.join(tmpdir(), "spare-sec-"));
  await chmod(root, 0o711);
  isolation = new AgentIsolation(readIsolationSettings({}), 0, 0);
  await prepareWorkspace(root, isolation);
  remote = await createBareRemote({ files: { "app.js": "v1\n", ".gitignore": "node_modules/\n", "docs/a.md": "a\n" } });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await remote.cleanup();
});

/** One job as withCheckout makes it: job dir, mirror, worktree (from a spare when one is ready), agent lease. */
async function startJob(sha = remote.headSha) {
  const id = randomUUID();
  const jobDir = await createJobDir(root, id, isolation);
  const mirror = await ensureMirror({ root, repoFullName: "acme/app", cloneUrl: remote.url, want: [sha], isolation });
  const wt = await addWorktree({ mirrorPath: mirror, sha, dir: jobDir.repo, isolation, spare: true });
  const lease = await isolation.lease({ jobDir: jobDir.dir, cwd: wt.path, home: jobDir.home });
  const asAgent = (script: string) =>
    run("sh", ["-c", script], { cwd: wt.path, uid: lease.uid, gid: lease.gid, env: { HOME: jobDir.home, PATH: process.env.PATH } });
  const end = async () => {
    await lease.release();
    await wt.remove();
    await removeJobDir(root, id);
  };
  return { mirror, wt, lease, asAgent, end };
}

const readyCount = async (mirror: string) => (await readdir(sparesDirFor(mirror).dir)).filter((n) => n.endsWith(".ready")).length;

describe("spare checkouts", () => {
  it("[S2.9] an agent listing the spare checkouts, or reading a file of one by its path → refused", async () => {
    const first = await startJob();
    await first.end();
    const { top, dir } = sparesDirFor(first.mirror);
    const [spare] = (await readdir(dir)).filter((n) => !n.endsWith(".ready"));
    expect((await stat(top)).mode & 0o777).toBe(0o700);
    const second = await startJob(await remote.commit({ "app.js": "v2\n" }, "v2"));
    // The second job took the first spare; the path of a spare is what an agent could guess at best.
    const attempts = [`ls ${top}`, `ls ${dir}`, `cat ${path.join(dir, spare!, "app.js")}`];
    for (const script of attempts) await expect(second.asAgent(script), script).rejects.toMatchObject({ stderr: /Permission denied/ });
    expect((await second.asAgent("cat app.js")).stdout).toBe("v2\n");
    await second.end();
  });

  it("[S2.10] an agent edits, deletes, adds, ignores files, makes them read-only → the next job's checkout has none of it", async () => {
    const first = await startJob();
    await first.asAgent(
      [
        "echo hacked > app.js",
        "rm docs/a.md",
        "mkdir -p node_modules/x && echo planted > node_modules/x/index.js",
        "echo secret > notes.txt",
        "echo staged > staged.txt",
        "chmod -R a-w .",
      ].join(" && "),
    );
    await first.end();
    expect(await readyCount(first.mirror)).toBe(1);
    const second = await startJob();
    expect(await readyCount(first.mirror)).toBe(0); // this job's worktree is the spare
    const dir = second.wt.path;
    expect((await second.asAgent("git status --porcelain --untracked-files=all --ignored")).stdout).toBe("");
    expect((await second.asAgent("cat app.js docs/a.md")).stdout).toBe("v1\na\n");
    for (const gone of ["node_modules", "notes.txt", "staged.txt"]) await expect(stat(path.join(dir, gone)), gone).rejects.toThrow();
    // And the agent may change anything in its own worktree, as in a fresh one.
    await second.asAgent("echo mine > app.js && echo new > added.txt");
    await second.end();
  });

  it("[S2.11] two jobs of one repository start at once → one takes the spare, each gets a directory of its own", async () => {
    const first = await startJob();
    await first.end();
    const [a, b] = await Promise.all([startJob(), startJob()]);
    expect(a!.wt.path).not.toBe(b!.wt.path);
    expect((await stat(path.join(a!.wt.path, "app.js"))).ino).not.toBe((await stat(path.join(b!.wt.path, "app.js"))).ino);
    await a!.asAgent("echo from-a > app.js && echo a > only-a.txt");
    expect((await b!.asAgent("cat app.js")).stdout).toBe("v1\n");
    await expect(stat(path.join(b!.wt.path, "only-a.txt"))).rejects.toThrow();
    await Promise.all([a!.end(), b!.end()]);
    // Both ends together leave one spare, not two.
    expect(await readyCount(first.mirror)).toBe(1);
  });
});
