// The workspace of a job on a large repository: the pipeline's cached mirror + worktree (as withCheckout does
// it) against a fresh `git clone --depth 1` of the same commit, in the same run, alternating, through the same
// transport as the pipeline's fetch (git's upload-pack over a local path).
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readTrustedInstructions } from "../../src/pipeline/steps/trusted-instructions.js";
import { runGit } from "../../src/workspace/git.js";
import { ensureMirror } from "../../src/workspace/mirror.js";
import { addWorktree } from "../../src/workspace/worktree.js";
import { createBigRepo } from "./pipeline-big-repo.js";
import { median, ms } from "./pipeline-stats.js";

const REPS = Number(process.env.BENCH_WORKSPACE_REPS ?? 7);

export async function compareWorkspace(): Promise<{ warmMs: number; shallowMs: number; coldMs: number }> {
  const genStart = performance.now();
  const repo = await createBigRepo();
  const root = await fs.mkdtemp(path.join(tmpdir(), "bench-ws-"));
  console.log(`workspace: generated ${repo.files} files × ${repo.commits} commits in ${ms(performance.now() - genStart)}`);
  const mirrorOf = (sha: string) =>
    ensureMirror({ root: path.join(root, "workspace"), repoFullName: "bench/big", cloneUrl: repo.bare, want: [sha] });
  try {
    const first = await runGit(["rev-parse", "refs/heads/main"], { cwd: repo.bare });
    const coldStart = performance.now();
    await mirrorOf(first);
    const coldMs = performance.now() - coldStart;
    const warm: number[] = [];
    const shallow: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const sha = await repo.push(i + 1);
      const jobDir = path.join(root, `job-${i}`);
      const t0 = performance.now();
      const mirror = await mirrorOf(sha);
      const worktree = await addWorktree({ mirrorPath: mirror, sha, dir: jobDir });
      await readTrustedInstructions(mirror, "main");
      warm.push(performance.now() - t0);
      await worktree.remove();
      const cloneDir = path.join(root, `clone-${i}`);
      const t1 = performance.now();
      await runGit(["clone", "--quiet", "--depth", "1", "--no-tags", `file://${repo.bare}`, cloneDir], { cwd: root });
      shallow.push(performance.now() - t1);
      if ((await runGit(["rev-parse", "HEAD"], { cwd: cloneDir })) !== sha) throw new Error("shallow clone is not at the pushed commit");
      await fs.rm(cloneDir, { recursive: true, force: true });
    }
    const w = median(warm);
    const s = median(shallow);
    const range = (v: number[]) => `${ms(Math.min(...v))}–${ms(Math.max(...v))}`;
    console.log(`  cold mirror (first fetch of the whole history): ${ms(coldMs)}`);
    console.log(`  warm mirror + worktree: median ${ms(w)} (${range(warm)}), shallow clone: median ${ms(s)} (${range(shallow)})`);
    console.log(`  ratio warm / shallow: ${(w / s).toFixed(2)}× over ${REPS} alternating reps`);
    return { warmMs: w, shallowMs: s, coldMs };
  } finally {
    await fs.rm(root, { recursive: true, force: true });
    await repo.cleanup();
  }
}
