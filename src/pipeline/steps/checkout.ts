import type { Logger } from "probot";
import { mintInstallationToken } from "../../github/installation-token.js";
import type { GitHubClient } from "../../github/client.js";
import { jobIdForKey } from "../../jobs/job-id.js";
import type { RepoRef } from "../../jobs/types.js";
import type { JobContext } from "../../jobs/worker/job-context.js";
import { createJobDir, removeJobDir, type JobDir } from "../../workspace/job-dir.js";
import { ensureMirror } from "../../workspace/mirror.js";
import { addWorktree, type Worktree } from "../../workspace/worktree.js";
import type { PipelineDeps } from "../deps.js";
import { phaseClockOf } from "./phase-clock.js";
import { readTrustedInstructions, type TrustedInstructions } from "./trusted-instructions.js";

export interface CheckoutOptions {
  repo: RepoRef;
  /** The commit to check out. */
  sha: string;
  /** Every commit the agent needs in the history (for a review, the base too). */
  want: string[];
  /**
   * Work that needs the job dir but not the checkout (a triage's log download and first comment): it runs while
   * the mirror is fetched, so neither waits for the other, and `work` starts once both are done.
   */
  alongside?: (jobDir: JobDir) => Promise<void>;
}

/**
 * Runs `work` in a fresh job dir with a worktree at `sha` (from the repository's cached mirror, fetched with
 * a fresh installation token), hands it the default branch's agent instructions (AGENTS.md, CLAUDE.md: the agent
 * step picks its backend's), and removes both afterwards, whatever happened (an error, a timeout, a
 * `/codex stop`). A fork PR's head is fetched through the base repository's
 * `refs/pull/N/head`; it is only read, and the agent holds no credentials.
 */
export async function withCheckout<T>(
  deps: PipelineDeps,
  ctx: JobContext,
  gh: GitHubClient,
  log: Logger,
  opts: CheckoutOptions,
  work: (worktree: Worktree, jobDir: JobDir, mirrorPath: string, instructions: TrustedInstructions) => Promise<T>,
): Promise<T> {
  const jobId = jobIdForKey(ctx.key);
  const jobDir = await createJobDir(deps.env.workspaceDir, jobId, deps.isolation);
  // Set inside the workspace span (a closure TS cannot follow), read by the finally.
  let worktree = null as Worktree | null;
  try {
    await ctx.setPhase("workspace");
    const clock = phaseClockOf(ctx);
    const prepare = clock.span("workspace", async () => {
      const { token } = await mintInstallationToken(gh);
      const mirror = await ensureMirror({
        root: deps.env.workspaceDir,
        repoFullName: opts.repo.fullName,
        cloneUrl: opts.repo.cloneUrl,
        token,
        want: [opts.sha, ...opts.want],
        // Agents read the history through the mirror: it must be their repository's group's alone (0750, folders
        // above 0711). Without this the mirror kept git's 0755 and every agent could read every repository.
        isolation: deps.isolation,
      });
      // spare: the checkout a previous job of the repository left (spare-checkout.ts), so only changed files are written.
      const adding = addWorktree({ mirrorPath: mirror, sha: opts.sha, dir: jobDir.repo, isolation: deps.isolation, spare: true });
      // Read from the mirror just fetched, beside the checkout: the default branch as it is now, never the commit under review.
      const reading = readTrustedInstructions(mirror, opts.repo.defaultBranch);
      // Both settle first: a worktree made while the read failed is still removed by the finally below.
      const [added, read] = await Promise.allSettled([adding, reading]);
      if (added.status === "fulfilled") worktree = added.value;
      if (added.status === "rejected") throw added.reason;
      if (read.status === "rejected") throw read.reason;
      return { mirror, worktree: added.value, instructions: read.value };
    });
    // Both settle before anything is removed (the finally below): a failed fetch must not pull the job dir
    // from under a download still writing into it.
    const [prepared, beside] = await Promise.allSettled([prepare, opts.alongside?.(jobDir)]);
    if (prepared.status === "rejected") throw prepared.reason;
    if (beside.status === "rejected") throw beside.reason;
    const { mirror, instructions } = prepared.value;
    return await work(prepared.value.worktree, jobDir, mirror, instructions);
  } finally {
    await worktree?.remove().catch((err: unknown) => log.warn({ err }, "worktree removal failed"));
    await removeJobDir(deps.env.workspaceDir, jobId).catch((err: unknown) => log.warn({ err }, "job dir removal failed"));
  }
}

/**
 * A second checkout of the same commit for the same job (a race's other agent): its own job dir (its own home,
 * agent uid and worktree) from the mirror `withCheckout` just fetched, removed when `work` ends.
 */
export async function withSecondCheckout<T>(
  deps: PipelineDeps,
  ctx: JobContext,
  log: Logger,
  opts: { mirrorPath: string; sha: string; name: string },
  work: (worktree: Worktree, jobDir: JobDir) => Promise<T>,
): Promise<T> {
  const jobId = jobIdForKey(`${ctx.key}#${opts.name}`);
  const jobDir = await createJobDir(deps.env.workspaceDir, jobId, deps.isolation);
  let worktree: Worktree | null = null;
  try {
    worktree = await addWorktree({ mirrorPath: opts.mirrorPath, sha: opts.sha, dir: jobDir.repo, isolation: deps.isolation, spare: true });
    return await work(worktree, jobDir);
  } finally {
    await worktree?.remove().catch((err: unknown) => log.warn({ err }, "worktree removal failed"));
    await removeJobDir(deps.env.workspaceDir, jobId).catch((err: unknown) => log.warn({ err }, "job dir removal failed"));
  }
}
