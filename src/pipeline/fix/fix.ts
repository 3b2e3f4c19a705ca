import { fixReportJsonSchema, parseFixReport } from "../../agent/fix-report.js";
import { buildFixPrompt } from "../../agent/prompts/fix.js";
import { runSandboxedCommand } from "../../agent/sandbox-command.js";
import { countOpenBotPullRequests } from "../../github/bot-pull-count.js";
import type { GitHubClient } from "../../github/client.js";
import { addLabels, findOrCreateDraftPullRequest, requestReviewers } from "../../github/fix-pull-request.js";
import { BranchMovedError, commitChanges, RefusedBranchError } from "../../github/git-commit.js";
import { canWriteWorkflows } from "../../github/installation-token.js";
import { toCommitChanges } from "../../github/tree-changes.js";
import { postComment } from "../../github/comments.js";
import type { FixJob } from "../../jobs/types.js";
import type { JobContext } from "../../jobs/worker.js";
import { collectChanges } from "../../workspace/diff.js";
import { checkDiffPolicy, type PolicyResult } from "../../workspace/policy.js";
import { resetWorktree } from "../../workspace/reset.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { loadRepoConfig } from "../steps/load-config.js";
import { authorizeRequester } from "../steps/authorize.js";
import { withCheckout } from "../steps/checkout.js";
import { Conversation } from "../steps/conversation.js";
import { agentStep, describeAgentFailure } from "../steps/agent-step.js";
import type { PipelineDeps } from "../deps.js";
import { renderFixPullRequestBody, verdict as verifyVerdict, type VerifyOutcome } from "./render.js";
import { resolveFixTarget, type FixTarget } from "./target.js";
import { codeBlock, codeLine, plainLine } from "../../text-safety/inline.js";
import { sanitizeMarkdown, sanitizeMarkdownLine } from "../../text-safety/markdown.js";
import type { JobResult } from "../../jobs/worker.js";

const VERIFY_TIMEOUT_MS = 10 * 60_000;

export async function runFix(deps: PipelineDeps, job: FixJob, ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  const { owner, name: repo } = job.repo;
  const gh = await deps.github(job.installationId);
  const log = deps.log.child({ job: job.key });

  await ctx.setPhase("config");
  const parsed = await loadRepoConfig(gh, job.repo, job.config);
  const resolved = await resolveFixTarget(gh, job);
  const talk = new Conversation({
    deps,
    gh,
    repo: job.repo,
    issueNumber: resolved.ok ? resolved.target.reportOn : resolved.reportOn,
    jobKey: job.key,
    commentId: job.origin.type === "command" ? job.origin.commentId : undefined,
    reactOnIssue: job.origin.type === "issue",
    onError: (err) => log.warn({ err }, "progress update failed"),
  });
  if (!parsed.ok) {
    await talk.say(
      `Codex did not start: \`.github/codex.yml\` is not valid.\n\n${parsed.errors.map((e) => `- ${sanitizeMarkdownLine(e.slice(0, 500), {})}`).join("\n")}`,
    );
    return { outcome: "invalid-config" };
  }
  const config = parsed.config;
  if (job.origin.type === "issue" && job.origin.label !== undefined && job.origin.label !== config.commands.label) {
    return { outcome: "skipped: not the configured label" };
  }
  if (
    job.requestedBy &&
    !(await authorizeRequester(
      gh,
      job.repo,
      job.requestedBy,
      config.commands.permission,
      resolved.ok ? resolved.target.reportOn : resolved.reportOn,
    ))
  ) {
    return { outcome: `refused: ${job.requestedBy} lacks ${config.commands.permission} permission` };
  }
  // A command's 👀 came with the command itself; a label or a review gets it here.
  if (job.requestedBy && job.origin.type !== "command") await talk.acknowledge();
  if (!resolved.ok) {
    await talk.finish(false, `Codex did not draft a fix: ${resolved.reason}.`);
    return { outcome: `refused: ${resolved.reason}` };
  }
  const target = resolved.target;
  if (job.origin.type === "review" && job.origin.round > config.fix.max_review_rounds) {
    await talk.finish(
      false,
      `Codex stops here: this pull request has had ${config.fix.max_review_rounds} review rounds, the most \`fix.max_review_rounds\` allows. A person takes it from here.`,
    );
    return { outcome: "review-rounds-spent" };
  }
  if (target.existingPr === null) {
    const open = await countOpenBotPullRequests(gh, { owner, repo, branchPrefix: "codex/" });
    if (open >= config.fix.max_open_prs) {
      await talk.finish(
        false,
        `Codex did not open another pull request: ${open} of the bot's pull requests are open, the most \`fix.max_open_prs\` allows. Merge or close some first.`,
      );
      return { outcome: "open-pr-limit" };
    }
  }

  return withCheckout(
    deps,
    ctx,
    gh,
    log,
    { repo: job.repo, sha: target.baseSha, want: [] },
    async (worktree, jobDir, _mirror, instructions) => {
      const verifyCommand = config.fix.verify_command;
      let verify: VerifyOutcome | null = null;
      if (verifyCommand) {
        await ctx.setPhase("verify-before");
        const before = await runSandboxedCommand({
          command: verifyCommand,
          cwd: worktree.path,
          jobDir: jobDir.dir,
          timeoutMs: VERIFY_TIMEOUT_MS,
          codexBin: deps.env.CODEX_BIN,
          signal: ctx.signal,
        });
        verify = { command: verifyCommand, before, after: null };
        await resetWorktree(worktree.path);
        // A CI fix is a fail → pass change: when the command already passes here, the failure is not reproduced.
        if (job.origin.type === "triage" && before.exitCode === 0 && !before.timedOut) {
          await talk.say(
            `Codex did not draft a fix for ${target.describe}: ${codeLine(verifyCommand)} passes on this commit, so the bot could not reproduce the failure with it.`,
          );
          return { outcome: "not-reproduced" };
        }
      }

      await ctx.setPhase("agent");
      await talk.start(`Codex is drafting a change for ${target.describe}`, worktree.path);
      // Workflow files only when the repository allows them AND the App may push them.
      const allowWorkflows = config.fix.allow_workflows && (await canWriteWorkflows(gh));
      const policy = {
        allowWorkflows,
        maxFiles: config.fix.max_files,
        maxLines: config.fix.max_lines,
        denyPaths: config.fix.deny_paths,
        maxFileBytes: config.fix.max_file_bytes,
        maxTotalBytes: config.fix.max_total_bytes,
      };
      const { run, tokens, timeoutMs } = await agentStep(
        deps,
        { config, ctx, log },
        {
          cwd: worktree.path,
          prompt: buildFixPrompt({
            repoFullName: job.repo.fullName,
            baseRef: target.baseRef,
            task: target.task,
            context: target.context,
            verifyCommand,
            policy,
            verifyBefore: verify?.before ? { verdict: verifyVerdict(verify.before), output: verify.before.output } : null,
          }),
          sandbox: "workspace-write",
          instructions,
          outputSchema: fixReportJsonSchema(),
          jobDir: jobDir.dir,
          onEvent: talk.onEvent,
        },
      );
      const parsedReport = run.outcome === "completed" ? parseFixReport(run.finalMessage) : null;
      if (!parsedReport?.ok) {
        const why = !parsedReport ? describeAgentFailure(run, timeoutMs) : parsedReport.error;
        await talk.finish(
          false,
          run.outcome === "cancelled"
            ? "Stopped: the job was cancelled, and its workspace removed."
            : `Codex could not draft a fix for ${target.describe}: ${sanitizeMarkdown(why, { webBaseUrl: deps.webBaseUrl })}`,
        );
        return { outcome: `agent-failed: ${run.outcome}`, tokens };
      }

      // The diff in the worktree is the truth, never the agent's message.
      await ctx.setPhase("verify");
      const changes = await collectChanges(worktree.path, target.baseSha);
      const verdict = refuseDiscardedConfig(checkDiffPolicy(changes, policy), run.checkoutConfigWritten);
      if (!verdict.ok) {
        const details = verdict.violations
          .slice(0, 10)
          .map((v) => `- ${codeLine(v.path, 300)}: ${sanitizeMarkdownLine(v.message.slice(0, 500), {})}`)
          .join("\n");
        await talk.finish(
          false,
          `Codex's change for ${target.describe} was not committed: ${sanitizeMarkdownLine(verdict.message.slice(0, 500), {})}${details ? `\n\n${details}` : ""}`,
        );
        return { outcome: verdict.empty ? "empty-diff" : `rejected: ${verdict.violations.map((v) => v.rule).join(",")}`, tokens };
      }
      if (verify && verifyCommand) {
        const after = await runSandboxedCommand({
          command: verifyCommand,
          cwd: worktree.path,
          jobDir: jobDir.dir,
          timeoutMs: VERIFY_TIMEOUT_MS,
          codexBin: deps.env.CODEX_BIN,
          signal: ctx.signal,
        });
        verify.after = after;
        // The policy: a change that leaves the repository's own check failing (or hanging) is not pushed, with one
        // exception: a maintainer's explicit `/codex <instruction>` on code whose check already failed before (the
        // request may be about something else); that PR says in its checks that it is not a ready fix.
        const stillFails = after.timedOut || after.exitCode !== 0;
        const passedBefore = verify.before?.exitCode === 0 && !verify.before.timedOut;
        if (stillFails && (job.origin.type !== "command" || passedBefore)) {
          await talk.finish(
            false,
            `Codex's change for ${target.describe} was not committed: ${codeLine(verifyCommand)} ${verifyVerdict(after)} after it.\n\n${codeBlock(after.output.split("\n").slice(-20).join("\n"))}`,
          );
          return { outcome: "verify-failed", tokens };
        }
      }

      await ctx.setPhase("publish");
      const facts = {
        describe: target.describe,
        closes: target.closes,
        changes,
        commands: run.commands.map((c) => ({ command: c.command, exitCode: c.exitCode })),
        verify,
        tokens,
        durationMs: Date.now() - started,
        origin: { type: job.origin.type, requested_by: job.requestedBy },
        baseSha: target.baseSha,
        webBaseUrl: deps.webBaseUrl,
      };
      const body = renderFixPullRequestBody(parsedReport.report, facts);
      return await publishFix(deps, gh, job, target, talk, changes, plainLine(parsedReport.report.summary, 200), body, tokens, config.fix);
    },
  );
}

async function publishFix(
  deps: PipelineDeps,
  gh: GitHubClient,
  job: FixJob,
  target: FixTarget,
  talk: Conversation,
  changes: Awaited<ReturnType<typeof collectChanges>>,
  title: string,
  body: string,
  tokens: { input: number; output: number },
  fixConfig: RepoConfig["fix"],
): Promise<JobResult> {
  const { owner, name: repo } = job.repo;
  const commitList = toCommitChanges(changes);
  let commitSha: string;
  try {
    ({ commitSha } = await commitChanges(gh, {
      owner,
      repo,
      branch: target.branch,
      baseSha: target.baseSha,
      message: `${title}\n\nDrafted by Codex for ${target.describe}.${target.closes ? `\n\nFixes #${target.closes}` : ""}`,
      changes: commitList,
      expectedHead: target.expectedHead,
      appSlug: deps.env.APP_SLUG,
    }));
  } catch (err) {
    if (err instanceof BranchMovedError || err instanceof RefusedBranchError) {
      const why =
        err instanceof BranchMovedError
          ? `someone else pushed to \`${target.branch}\`, and the bot never overwrites a person's commits`
          : err.message;
      await talk.finish(false, `Codex stopped without pushing: ${sanitizeMarkdown(why, { webBaseUrl: deps.webBaseUrl })}.`);
      return { outcome: err instanceof BranchMovedError ? "branch-moved" : "branch-refused", tokens };
    }
    throw err;
  }

  // Every round renews the PR's body, so its hand-off block always shows this round's files and verdicts; an
  // existing PR keeps the title people may have edited.
  const pr = await findOrCreateDraftPullRequest(gh, {
    owner,
    repo,
    head: target.branch,
    base: target.prBase,
    title,
    body,
    keepTitle: target.existingPr !== null,
  });
  const prNumber = pr.number;
  const created = pr.created;
  const prUrl = created ? pr.htmlUrl : "";
  if (created) {
    if (fixConfig.labels.length) await addLabels(gh, { owner, repo, issueNumber: pr.number, labels: fixConfig.labels });
    if (fixConfig.reviewers.length || fixConfig.team_reviewers.length) {
      await requestReviewers(gh, {
        owner,
        repo,
        number: pr.number,
        reviewers: fixConfig.reviewers,
        teamReviewers: fixConfig.team_reviewers,
      });
    }
    // The mention asks a reviewing agent to look; once per PR, not on every retry.
    if (fixConfig.mention) await postComment(gh, { owner, repo, issueNumber: pr.number, body: fixConfig.mention });
  }
  const where = prUrl ? `#${prNumber}` : `a new commit on #${prNumber}`;
  await talk.finish(
    true,
    `Codex drafted ${where} for ${target.describe} (\`${commitSha.slice(0, 7)}\` on \`${target.branch}\`). A person reviews it before anything is merged.`,
  );
  return {
    outcome: created ? `pr-opened #${prNumber}` : `pushed to #${prNumber}`,
    tokens,
    links: { pr: prUrl || `#${prNumber}`, commit: commitSha },
  };
}

// Skill and agent-config folders are moved out of the checkout while the agent runs (agent/checkout-instructions.ts),
// so what it wrote there was discarded before the diff was taken; its change is still refused: it tried to give
// the next agent instructions.
function refuseDiscardedConfig(verdict: PolicyResult, written: string[]): PolicyResult {
  if (written.length === 0) return verdict;
  const violations = [
    ...written.map((name) => ({
      path: `${name}/`,
      rule: "agent-config" as const,
      message: `${name}/ configures agents; the bot never commits changes to it`,
    })),
    ...verdict.violations,
  ];
  return {
    ok: false,
    empty: false,
    violations,
    message: `The diff breaks ${violations.length} rule(s): ${[...new Set(violations.map((v) => v.rule))].join(", ")}.`,
  };
}
