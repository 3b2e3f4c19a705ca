import { isAppCommit } from "../../github/app-commit.js";
import { botBranchName, getBranchHead } from "../../github/branches.js";
import type { GitHubClient } from "../../github/client.js";
import { compareCommits } from "../../github/compare-commits.js";
import { findOpenBotPullRequest } from "../../github/fix-pull-request.js";
import { taskInstruction, taskVerifyCommand, type MaintenanceTask } from "../../config/maintenance-config.js";
import type { RepoConfig } from "../../config/repo-config.js";
import type { FixJob } from "../../jobs/types.js";
import type { FixTarget } from "./target.js";

type MaintenanceOrigin = Extract<FixJob["origin"], { type: "maintenance" }>;

/** What a maintenance run needs beyond a fix's target: its task, and how its commit lands on the living branch. */
export interface MaintenanceRun {
  task: MaintenanceTask;
  verifyCommand: string | null;
  /** Globs the change must stay inside; undefined = whatever the fix policy allows. */
  paths: string[] | undefined;
  /**
   * continue: the open PR is all the App's commits on the current default head → a commit on top of its head.
   * replace: no open PR, or the default branch moved → a new commit on the default head, the branch moved to
   * it by compare-and-swap (replaceBotBranch).
   */
  mode: "continue" | "replace";
  /** replace: the branch head read now, which the swap expects (null: there is no branch). */
  branchHead: string | null;
  openPr: number | null;
  defaultHead: string;
  /** continue: the open PR changes nothing against the default branch any more (null: unknown). */
  prChangesNothing: boolean | null;
}

export type MaintenanceResolution =
  | { ok: true; target: FixTarget; run: MaintenanceRun }
  | { ok: false; outcome: "person-committed"; prNumber: number; branch: string }
  | { ok: false; outcome: string; prNumber: null };

export function maintenanceBranch(task: string): string {
  return botBranchName("maintenance", task);
}

/** The task's words for the agent: the configured instruction, and the limits on where it may change files. */
function taskText(task: MaintenanceTask, mode: MaintenanceRun["mode"], hasPr: boolean): string {
  const lines = [`Maintenance task "${task.name}":`, taskInstruction(task)];
  if (task.paths) lines.push("", `Change only files matching these globs (other changes are refused): ${task.paths.join(", ")}`);
  if (mode === "continue")
    lines.push("", "This branch already holds the task's open pull request: add what is still missing; change nothing if it is complete.");
  else if (hasPr) lines.push("", "The default branch moved since the task's pull request: do the task afresh on the branch as it is now.");
  return lines.join("\n");
}

/**
 * Where a maintenance run starts and where its commit goes, read from GitHub now. The living PR is continued
 * only while every commit on it is the App's; a person's commit stops the bot (`person-committed`).
 */
export async function resolveMaintenanceTarget(
  gh: GitHubClient,
  job: FixJob & { origin: MaintenanceOrigin },
  task: MaintenanceTask,
  config: RepoConfig,
  appSlug: string | undefined,
): Promise<MaintenanceResolution> {
  const { owner, name: repo, defaultBranch } = job.repo;
  const branch = maintenanceBranch(task.name);
  const defaultHead = await getBranchHead(gh, { owner, repo, branch: defaultBranch });
  if (!defaultHead) return { ok: false, outcome: `refused: the default branch ${defaultBranch} was not found`, prNumber: null };

  const open = await findOpenBotPullRequest(gh, { owner, repo, branch });
  let mode: MaintenanceRun["mode"] = "replace";
  let branchHead: string | null;
  let prChangesNothing: boolean | null = null;
  if (open) {
    const compared = await compareCommits(gh, { owner, repo, base: defaultHead, head: open.headSha });
    // Unlisted commits are not known to be the App's: treated as a person's.
    if (!compared.complete || compared.commits.some((c) => !isAppCommit(c, appSlug)))
      return { ok: false, outcome: "person-committed", prNumber: open.number, branch };
    branchHead = open.headSha;
    if (compared.behindBy === 0) {
      mode = "continue";
      prChangesNothing = compared.changedFiles === null ? null : compared.changedFiles === 0;
    }
  } else {
    // A merged or closed PR's branch may still exist: the new run starts fresh and resets it.
    branchHead = await getBranchHead(gh, { owner, repo, branch });
  }

  const origin = job.origin;
  const context = origin.test ? [{ label: "The flaky test", text: origin.test }] : [];
  const continuing = mode === "continue" && open;
  return {
    ok: true,
    target: {
      baseSha: continuing ? open.headSha : defaultHead,
      baseRef: continuing ? branch : defaultBranch,
      prBase: open?.baseRef ?? defaultBranch,
      branch,
      existingPr: open?.number ?? null,
      expectedHead: undefined,
      reportOn: open?.number ?? null,
      task: taskText(task, mode, open !== null),
      context,
      closes: null,
      describe: `the maintenance task \`${task.name}\``,
    },
    run: {
      task,
      verifyCommand: taskVerifyCommand(task, config.fix.verify_command),
      paths: task.paths,
      mode,
      branchHead,
      openPr: open?.number ?? null,
      defaultHead,
      prChangesNothing,
    },
  };
}
