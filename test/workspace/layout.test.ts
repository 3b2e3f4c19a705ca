import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentIsolation, readIsolationSettings } from "../../src/agent/isolation.js";
import { describeMirror, jobDirPaths, mirrorPathFor, prepareWorkspace, workspaceLayout } from "../../src/workspace/layout.js";

// The workspace names its own folders; everything else (agent isolation too) is handed these paths.
let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), "ws-layout-"));
});
afterEach(() => fs.rm(root, { recursive: true, force: true }));

describe("the workspace layout", () => {
  it("puts jobs under jobs/<id> and mirrors under mirrors/<owner>/<name>.git", () => {
    expect(workspaceLayout(root)).toEqual({ root, jobs: join(root, "jobs"), mirrors: join(root, "mirrors") });
    expect(jobDirPaths(root, "j1")).toMatchObject({ dir: join(root, "jobs", "j1"), repo: join(root, "jobs", "j1", "repo") });
    expect(mirrorPathFor(root, "acme/alpha")).toBe(join(root, "mirrors", "acme", "alpha.git"));
  });

  it("describes a mirror path back: its stable name and the folders above it", () => {
    const mirror = describeMirror(mirrorPathFor(root, "Acme/Alpha"));
    expect(mirror.name).toBe("Acme/Alpha.git");
    expect(mirror.parents).toEqual([join(root, "mirrors", "Acme"), join(root, "mirrors")]);
  });

  it("lists every mirror of the workspace, not a half-made one or a stray file", async () => {
    const alpha = mirrorPathFor(root, "acme/alpha");
    const beta = mirrorPathFor(root, "octo/beta");
    for (const dir of [alpha, beta, `${alpha}.init-1-2`]) await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(root, "mirrors", "acme", "notes.git"), "");
    expect((await describeMirror(alpha).listAll()).sort()).toEqual([alpha, beta]);
  });

  it("makes its top folders traversable but not listable when agents run under their own uids, and nothing without", async () => {
    await prepareWorkspace(root, null);
    expect(await fs.readdir(root)).toEqual([]);
    await prepareWorkspace(root, new AgentIsolation(readIsolationSettings({}), 0, 0));
    const { jobs, mirrors } = workspaceLayout(root);
    for (const dir of [root, jobs, mirrors]) expect((await fs.stat(dir)).mode & 0o777, dir).toBe(0o711);
  });
});
