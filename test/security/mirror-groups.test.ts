import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentIsolation, readIsolationSettings } from "../../src/agent/isolation.js";
import { MirrorGroups } from "../../src/agent/mirror-groups.js";
import { describeMirror, mirrorPathFor, prepareWorkspace } from "../../src/workspace/layout.js";
import { ensureMirror } from "../../src/workspace/mirror.js";
import { createBareRemote } from "../helpers/git-remote.js";

// Repositories' groups on real directories, with real chown (the tests run as root).
const run = promisify(execFile);
let root: string;

beforeEach(async () => {
  if (process.getuid?.() !== 0) throw new Error("the isolation tests need root (CI and the container run as root)");
  root = await mkdtemp(path.join(tmpdir(), "mirror-groups-"));
  await chmod(root, 0o711);
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function newMirror(repo: string) {
  const mirror = describeMirror(mirrorPathFor(root, repo));
  await mkdir(mirror.path, { recursive: true });
  return mirror;
}

// Two repository names whose search for a free gid starts at the same place (mirror-groups.ts hashes the name).
function clashingNames(count: number): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const repo = `acme/r${i}`;
    const start = createHash("sha256").update(`${repo}.git`).digest().readUInt32BE(0) % count;
    const other = seen.get(start);
    if (other) return [other, repo];
    seen.set(start, repo);
  }
}

describe("repository groups", () => {
  it("[S2.6] two new repositories' mirrors whose gid search starts alike, set up at the same moment → each gets a group of its own", async () => {
    const groups = new MirrorGroups(700_000, 4, 0);
    const [a, b] = await Promise.all(clashingNames(4).map(newMirror));
    const gids = await Promise.all([groups.protect(a!), groups.protect(b!)]);
    expect(gids[0]).not.toBe(gids[1]);
    for (const [i, m] of [a!, b!].entries()) {
      expect(await stat(m.path)).toMatchObject({ uid: 0, gid: gids[i] });
      expect((await stat(m.path)).mode & 0o777).toBe(0o750);
    }
  });

  it("[S2.7] more repositories than repository gids → the new mirror is refused, never given another repository's group", async () => {
    const groups = new MirrorGroups(700_000, 1, 0);
    const first = await groups.protect(await newMirror("acme/alpha"));
    const late = await newMirror("acme/beta");
    await expect(groups.protect(late)).rejects.toThrow("all 1 repository gids are taken (raise AGENT_GID_COUNT)");
    expect((await stat(late.path)).gid).not.toBe(first);
  });

  it("[S2.8] an agent listing the workspace's mirrors, or opening another repository's mirror → refused; its own repository's mirror opens", async () => {
    const remote = await createBareRemote({ files: { "README.md": "x\n" } });
    try {
      const isolation = new AgentIsolation(readIsolationSettings({}), 0, 0);
      await prepareWorkspace(root, isolation);
      const made = async (repo: string) => {
        const mirror = await ensureMirror({ root, repoFullName: repo, cloneUrl: remote.url, want: [remote.headSha], isolation });
        return (await stat(mirror)).gid;
      };
      const [alphaGid, betaGid] = [await made("acme/alpha"), await made("acme/beta")];
      const asAgent = (gid: number, dir: string) =>
        run("ls", [dir], { uid: 200_999, gid }).then(
          () => "listed",
          (e: { stderr: string }) => e.stderr,
        );
      const mirrors = path.join(root, "mirrors");
      expect(await asAgent(alphaGid, mirrors)).toMatch(/Permission denied/);
      expect(await asAgent(alphaGid, path.join(mirrors, "acme"))).toMatch(/Permission denied/);
      expect(await asAgent(alphaGid, mirrorPathFor(root, "acme/beta"))).toMatch(/Permission denied/);
      expect(await asAgent(alphaGid, mirrorPathFor(root, "acme/alpha"))).toBe("listed");
      expect(await asAgent(betaGid, mirrorPathFor(root, "acme/beta"))).toBe("listed");
    } finally {
      await remote.cleanup();
    }
  });
});
