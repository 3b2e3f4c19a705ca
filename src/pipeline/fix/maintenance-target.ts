import { isAppCommit } from "../../github/app-commit.js";
import { botBranchName, getBranchHead } from "../../github/branches.js";
import type { GitHubClient } from "../../github/client.js";
import { closedPullRequestHeads } from "../../github/closed-pull-heads.js";
import { compareCommits } from "../../github/compare-commits.js";
import { findOpenBotPullRequest } from "../../github/fix-pull-request.js";
import { flakyTestCommand, taskInstruction, taskVerifyCommand, type MaintenanceTask } from "../../config/maintenance-config.js";
import type { RepoConfig } from "../../config/repo-config.js";
import type { FixJob } from "../../jobs/types.js";
import type { FixTarget } from "./target.js";

type MaintenanceOrigin = Extract<FixJob["origin"], { type: "maintenance" }>;

/** What a maintenance run needs beyond a fix's target: its task, and how its commit lands on the living branch. */
export interface MaintenanceRun {
  task: MaintenanceTask;
  verifyCommand: string | null;
  /** The flaky chaser: how many times the verify command (the one test) runs before and after; else null. */
  repeat: number | null;
  /**
   * The verify command as the prompt shows it: for the chaser the configured template with `{test}` left in,
   * since the test's name came from a log and reaches the agent only inside a fenced data block.
   */
  verifyShown: string | null;
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

/** `codex/maintenance/<task>`; the flaky chaser keeps one per test: `codex/maintenance/<task>/<test, slugged>-<hash>`. */
export function maintenanceBranch(task: string, test?: string): string {
  return botBranchName("maintenance", test === undefined ? task : `${task}/${test}`);
}

/** The task's words for the agent: the configured instruction, and the limits on where it may change files. */
function taskText(
  task: MaintenanceTask,
  mode: MaintenanceRun["mode"],
  hasPr: boolean,
  verifyShown: string | null,
  repeat: number | null,
): string {
  const lines = [`Maintenance task "${task.name}":`, taskInstruction(task)];
  if (repeat !== null && verifyShown)
    lines.push(
      "",
      `The bot runs the test with \`${verifyShown}\` ({test} is the flaky test named below) ${repeat} times before and after your change; it must pass every time after.`,
    );
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
  notes: FixTarget["context"] = [],
): Promise<MaintenanceResolution> {
  const { owner, name: repo, defaultBranch } = job.repo;
  const origin = job.origin;
  const branch = maintenanceBranch(task.name, origin.test);
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
    // A merged or closed PR's branch may still exist: the new run starts fresh and resets it, unless that
    // would lose a person's commits (on the branch after its PR closed, or on a branch that never had a PR).
    branchHead = await getBranchHead(gh, { owner, repo, branch });
    if (branchHead && !(await resettable(gh, { owner, repo, branch, head: branchHead, defaultHead }, appSlug)))
      return { ok: false, outcome: "person-committed", prNumber: null };
  }

  const context = [...(origin.test ? [{ label: "The flaky test", text: origin.test }] : []), ...notes];
  const { verifyCommand, verifyShown, repeat } = runCheck(task, config, origin.test);
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
      task: taskText(task, mode, open !== null, verifyShown, repeat),
      context,
      closes: null,
      describe: `the maintenance task \`${task.name}\``,
    },
    run: {
      task,
      verifyCommand,
      verifyShown,
      repeat,
      paths: task.paths,
      mode,
      branchHead,
      openPr: open?.number ?? null,
      defaultHead,
      prChangesNothing,
    },
  };
}

/** The check a run makes: the task's verify command, or for the flaky chaser its one test, run many times. */
function runCheck(
  task: MaintenanceTask,
  config: RepoConfig,
  test: string | undefined,
): Pick<MaintenanceRun, "verifyCommand" | "verifyShown" | "repeat"> {
  const flaky = config.maintenance.flaky;
  if (task.preset === "flaky" && test !== undefined && flaky.command !== null)
    return { verifyCommand: flakyTestCommand(flaky.command, test), verifyShown: flaky.command, repeat: flaky.runs };
  const command = taskVerifyCommand(task, config.fix.verify_command);
  return { verifyCommand: command, verifyShown: command, repeat: null };
}

/** Whether moving `branch` away from `head` loses nothing: its commits are all the App's, or a closed PR keeps them. */
async function resettable(
  gh: GitHubClient,
  at: { owner: string; repo: string; branch: string; head: string; defaultHead: string },
  appSlug: string | undefined,
): Promise<boolean> {
  if ((await closedPullRequestHeads(gh, at)).has(at.head)) return true;
  const compared = await compareCommits(gh, { owner: at.owner, repo: at.repo, base: at.defaultHead, head: at.head });
  return compared.complete && compared.commits.every((c) => isAppCommit(c, appSlug));
}
