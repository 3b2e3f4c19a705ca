// The workspace of a job on a large repository: the pipeline's cached mirror + worktree (as withCheckout does
// it) against a fresh `git clone --depth 1` of the same commit, in the same run, alternating, through the same
// transport as the pipeline's fetch (git's upload-pack over a local path). Each rep pushes a new commit first, so
// the fetch brings something and the spare (left by the job before) is one commit behind, as between two pushes.
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

export interface WorkspaceFigures {
  /** Mirror fetch + worktree from a spare + the trusted instructions: what a job of a seen repository waits for. */
  warmMs: number;
  shallowMs: number;
  coldMs: number;
  /** The same without a spare (the first job after the spares folder was emptied, or a second job at once). */
  noSpareMs: number;
  /** A job's end, after its comment: its worktree removed and the next spare made. */
  jobEndMs: number;
  /** The same without making a spare (its worktree removed only). */
  removeOnlyMs: number;
}

export async function compareWorkspace(): Promise<WorkspaceFigures> {
  const genStart = performance.now();
  const repo = await createBigRepo();
  const root = await fs.mkdtemp(path.join(tmpdir(), "bench-ws-"));
  console.log(`workspace: generated ${repo.files} files × ${repo.commits} commits in ${ms(performance.now() - genStart)}`);
  const mirrorOf = (sha: string) =>
    ensureMirror({ root: path.join(root, "workspace"), repoFullName: "bench/big", cloneUrl: repo.bare, want: [sha] });
  // One job on the repository, timed from the fetch to the instructions read; its end (remove) timed apart.
  const job = async (sha: string, dir: string, spare: boolean) => {
    const t0 = performance.now();
    const mirror = await mirrorOf(sha);
    // As withCheckout does it: the instructions are read from the mirror beside the checkout.
    const [worktree] = await Promise.all([addWorktree({ mirrorPath: mirror, sha, dir, spare }), readTrustedInstructions(mirror, "main")]);
    const took = performance.now() - t0;
    if ((await runGit(["status", "--porcelain", "--untracked-files=all"], { cwd: dir })) !== "") throw new Error("worktree is not clean");
    const t1 = performance.now();
    await worktree.remove();
    return { took, end: performance.now() - t1 };
  };
  try {
    const first = await runGit(["rev-parse", "refs/heads/main"], { cwd: repo.bare });
    const coldStart = performance.now();
    await mirrorOf(first);
    const coldMs = performance.now() - coldStart;
    // The first job on the repository leaves the first spare (as the bot's first job on a new repository does).
    await job(first, path.join(root, "job-first"), true);
    const warm: number[] = [];
    const shallow: number[] = [];
    const noSpare: number[] = [];
    const jobEnd: number[] = [];
    const removeOnly: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const w = await job(await repo.push(2 * i + 1), path.join(root, `job-${i}`), true);
      warm.push(w.took);
      jobEnd.push(w.end);
      const cloneDir = path.join(root, `clone-${i}`);
      const t1 = performance.now();
      await runGit(["clone", "--quiet", "--depth", "1", "--no-tags", `file://${repo.bare}`, cloneDir], { cwd: root });
      shallow.push(performance.now() - t1);
      const head = await runGit(["rev-parse", "refs/heads/main"], { cwd: repo.bare });
      if ((await runGit(["rev-parse", "HEAD"], { cwd: cloneDir })) !== head) throw new Error("shallow clone is not at the pushed commit");
      await fs.rm(cloneDir, { recursive: true, force: true });
      const fresh = await job(await repo.push(2 * i + 2), path.join(root, `fresh-${i}`), false);
      noSpare.push(fresh.took);
      removeOnly.push(fresh.end);
    }
    const range = (v: number[]) => `median ${ms(median(v))} (${ms(Math.min(...v))}–${ms(Math.max(...v))})`;
    const figures = {
      warmMs: median(warm),
      shallowMs: median(shallow),
      coldMs,
      noSpareMs: median(noSpare),
      jobEndMs: median(jobEnd),
      removeOnlyMs: median(removeOnly),
    };
    console.log(`  cold mirror (first fetch of the whole history): ${ms(coldMs)}`);
    console.log(`  warm mirror + worktree from a spare: ${range(warm)}, shallow clone: ${range(shallow)}`);
    console.log(`  warm mirror + worktree without a spare: ${range(noSpare)}`);
    console.log(`  job end, after the comment: worktree removed and next spare made ${range(jobEnd)}; removed only ${range(removeOnly)}`);
    console.log(
      `  ratio warm / shallow: ${(figures.warmMs / figures.shallowMs).toFixed(2)}× (without a spare ${(figures.noSpareMs / figures.shallowMs).toFixed(2)}×) over ${REPS} alternating reps`,
    );
    return figures;
  } finally {
    await fs.rm(root, { recursive: true, force: true });
    await repo.cleanup();
  }
}
