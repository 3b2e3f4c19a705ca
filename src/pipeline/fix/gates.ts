import { countOpenBotPullRequests } from "../../github/bot-pull-count.js";
import type { GitHubClient } from "../../github/client.js";
import type { FixJob } from "../../jobs/types.js";
import type { JobContext, JobResult } from "../../jobs/worker/job-context.js";
import type { RepoConfig } from "../../config/repo-config.js";
import { sanitizeMarkdownLine } from "../../text-safety/markdown.js";
import { loadRepoConfig } from "../steps/load-config.js";
import { authorizeRequester } from "../steps/authorize.js";
import { appLogin } from "../steps/app-login.js";
import { Conversation } from "../steps/conversation.js";
import { finalWords } from "../steps/final-words.js";
import type { PipelineDeps } from "../deps.js";
import { isMaintenanceJob, openMaintenance } from "./maintenance-gates.js";
import type { MaintenanceRun } from "./maintenance-target.js";
import { resolveFixTarget, type FixTarget } from "./target.js";

/** A fix that may start: its client, config, target and the conversation that reports on it. */
export interface OpenedFix {
  gh: GitHubClient;
  config: RepoConfig;
  target: FixTarget;
  talk: Conversation;
  /** A maintenance task's run: its task, verify command, paths and how its commit lands (maintenance-target.ts). */
  maintenance?: MaintenanceRun;
}

/**
 * Everything a fix checks before it touches a checkout, in this order: the repository's config, the label
 * that started it, the requester's permission, the target (issue, PR, review), and the limits on review rounds
 * and open pull requests. Answers the job's result when the fix stops here (having said why where it should).
 */
export async function openFix(
  deps: PipelineDeps,
  job: FixJob,
  ctx: JobContext,
  onError: (err: unknown) => void,
): Promise<{ stop: JobResult } | { fix: OpenedFix }> {
  const { owner, name: repo } = job.repo;
  const gh = await deps.github(job.installationId);

  await ctx.setPhase("config");
  const parsed = await loadRepoConfig(gh, job.repo, job.config);
  if (isMaintenanceJob(job)) {
    // No issue to talk on: an invalid config shows on the dashboard, through the job's outcome.
    if (!parsed.ok) return { stop: { outcome: "invalid-config" } };
    const opened = await openMaintenance(deps, job, gh, parsed.config, onError);
    if ("stop" in opened) return opened;
    const { target, talk, run } = opened.maintenance;
    return { fix: { gh, config: parsed.config, target, talk, maintenance: run } };
  }
  const resolved = await resolveFixTarget(gh, job);
  const reportOn = resolved.ok ? resolved.target.reportOn : resolved.reportOn;
  const talk = new Conversation({
    deps,
    gh,
    repo: job.repo,
    issueNumber: reportOn,
    jobKey: job.key,
    commentId: job.origin.type === "command" ? job.origin.commentId : undefined,
    reactOnIssue: job.origin.type === "issue",
    onError,
    // A plan item talks nowhere; its last words become its reason in the plan's checklist.
    ...(job.origin.type === "plan" ? { onFinal: (text: string) => finalWords.set(job, text) } : {}),
  });
  if (!parsed.ok) {
    await talk.say(
      `Codex did not start: \`.github/codex.yml\` is not valid.\n\n${parsed.errors.map((e) => `- ${sanitizeMarkdownLine(e.slice(0, 500), {})}`).join("\n")}`,
    );
    return { stop: { outcome: "invalid-config" } };
  }
  const config = parsed.config;
  if (job.origin.type === "issue" && job.origin.label !== undefined && job.origin.label !== config.commands.label) {
    return { stop: { outcome: "skipped: not the configured label" } };
  }
  const bot = job.requestedBy?.endsWith("[bot]") ?? false;
  const own = job.requestedBy !== null && job.requestedBy.toLowerCase() === appLogin(deps)?.toLowerCase();
  if (job.origin.type === "review" && job.origin.secondOpinion) {
    // The bot's own second opinion (second-opinion.ts; no webhook makes this origin): the App asked, and only
    // while the repository still wants second opinions.
    if (!own) return { stop: { outcome: "refused: a second-opinion round not requested by the App" } };
    if (config.fix.second_opinion === "off") return { stop: { outcome: "skipped: fix.second_opinion is off" } };
  } else if (own) {
    // Any other review by the App (a `/codex review` answer) is advice for people: it never starts a round,
    // even where fix.review_bots lists the App.
    return { stop: { outcome: "skipped: the App's own review is not a second opinion" } };
  } else if (bot) {
    // Bots are not collaborators: a review bot is authorized by being listed, and an unlisted one is ignored
    // without a word (two bots must not talk to each other in comments).
    const listed = job.origin.type === "review" && config.fix.review_bots.some((b) => b.toLowerCase() === job.requestedBy?.toLowerCase());
    if (!listed) return { stop: { outcome: "skipped: a bot not in fix.review_bots" } };
  } else if (job.origin.type === "task") {
    // An MCP task: the token's repository scope was checked by the MCP server that queued it (no webhook makes
    // this origin), and `mcp:<token>` is no GitHub user to ask about.
  } else if (job.requestedBy && !(await authorizeRequester(gh, job.repo, job.requestedBy, config.commands.permission, reportOn))) {
    return { stop: { outcome: `refused: ${job.requestedBy} lacks ${config.commands.permission} permission` } };
  }
  // A command's 👀 came with the command itself; a label or a review gets it here.
  if (job.requestedBy && job.origin.type !== "command") await talk.acknowledge();
  if (!resolved.ok) {
    await talk.finish(false, `Codex did not draft a fix: ${resolved.reason}.`);
    return { stop: { outcome: `refused: ${resolved.reason}` } };
  }
  const target = resolved.target;
  if (job.origin.type === "review" && job.origin.round > config.fix.max_review_rounds) {
    await talk.finish(
      false,
      `Codex stops here: this pull request has had ${config.fix.max_review_rounds} review rounds, the most \`fix.max_review_rounds\` allows. A person takes it from here.`,
    );
    return { stop: { outcome: "review-rounds-spent" } };
  }
  if (target.existingPr === null) {
    const open = await countOpenBotPullRequests(gh, { owner, repo, branchPrefix: "codex/" });
    if (open >= config.fix.max_open_prs) {
      await talk.finish(
        false,
        `Codex did not open another pull request: ${open} of the bot's pull requests are open, the most \`fix.max_open_prs\` allows. Merge or close some first.`,
      );
      return { stop: { outcome: "open-pr-limit" } };
    }
  }
  return { fix: { gh, config, target, talk } };
}
