import type { Context } from "probot";
import { z } from "zod";
import { submitJob } from "../jobs/submit.js";
import { checkRunTriageKey } from "../jobs/keys.js";
import { recordRerunPass } from "../jobs/triage-findings.js";
import type { TriageJob } from "../jobs/types.js";
import { FAILED_CONCLUSIONS, isOwnSender, type HandlerDeps } from "./deps.js";
import { parsePayload, InstallationSchema, RepositorySchema, SenderSchema, toRepoRef } from "./payload.js";

// GitHub Actions check runs arrive again as workflow_run events, which carry the run and attempt: they are
// triaged from there, so the same failure never starts two jobs.
const ACTIONS_APP_SLUG = "github-actions";

const PayloadSchema = z.object({
  action: z.literal("completed"),
  installation: InstallationSchema,
  repository: RepositorySchema,
  sender: SenderSchema,
  check_run: z.object({
    id: z.number().int(),
    name: z.string(),
    head_sha: z.string(),
    conclusion: z.string().nullable(),
    html_url: z.string().optional(),
    details_url: z.string().nullable().optional(),
    app: z.object({ id: z.number().int(), slug: z.string().optional(), name: z.string() }).nullable(),
    output: z
      .object({ title: z.string().nullable(), summary: z.string().nullable(), text: z.string().nullable().optional() })
      .default({ title: null, summary: null, text: null }),
    pull_requests: z
      .array(
        z.object({
          number: z.number().int(),
          head: z
            .object({ repo: z.object({ id: z.number().int() }) })
            .partial()
            .optional(),
          base: z
            .object({ repo: z.object({ id: z.number().int() }) })
            .partial()
            .optional(),
        }),
      )
      .default([]),
    check_suite: z.object({ head_branch: z.string().nullable() }).partial().optional(),
  }),
});

/**
 * Whether the checked commit is a fork's. GitHub lists a check suite's pull requests with their head and base
 * repositories; a head repository other than this one is a fork. Fork PRs are often left out of the list
 * altogether: the triage pipeline then finds the PR by its sha and decides again from the PR itself.
 */
function forkHead(prs: { head?: { repo?: { id: number } }; base?: { repo?: { id: number } } }[], repoId: number): boolean {
  return prs.some((pr) => pr.head?.repo?.id !== undefined && pr.head.repo.id !== (pr.base?.repo?.id ?? repoId));
}

/** check_run.completed from CI apps other than GitHub Actions (and never our own check runs). */
export function onCheckRunCompleted(deps: HandlerDeps) {
  return async (context: Context<"check_run.completed">): Promise<void> => {
    const data = parsePayload(context, PayloadSchema);
    if (!data) return;
    const { check_run: check, repository, installation, sender } = data;
    if (!check.app || check.app.slug === ACTIONS_APP_SLUG) return;
    if ((deps.appId !== undefined && check.app.id === deps.appId) || (deps.appSlug && check.app.slug === deps.appSlug)) return;
    if (check.conclusion === "success" && /^[0-9a-f]{40}$/.test(check.head_sha)) {
      // A check that passes on a commit it failed on (a re-run): that failure was flaky (see workflow-run.ts).
      await recordRerunPass(deps.db, {
        repo: repository.full_name,
        headSha: check.head_sha,
        ciName: (check.name || "check").slice(0, 300),
      });
      return;
    }
    if (!check.conclusion || !FAILED_CONCLUSIONS.has(check.conclusion)) return;
    if (isOwnSender(deps, sender)) return;

    const key = checkRunTriageKey(repository.full_name, check.head_sha, check.id);
    const job: TriageJob = {
      kind: "triage",
      key,
      installationId: installation.id,
      deliveryId: context.id,
      repo: toRepoRef(repository),
      headSha: check.head_sha,
      headBranch: check.check_suite?.head_branch ?? null,
      pullNumbers: check.pull_requests.map((pr) => pr.number),
      fromFork: forkHead(check.pull_requests, repository.id),
      source: {
        type: "check_run",
        checkRunId: check.id,
        name: check.name,
        appName: check.app.name,
        htmlUrl: check.html_url,
        detailsUrl: check.details_url,
        conclusion: check.conclusion,
        output: { title: check.output.title, summary: check.output.summary, text: check.output.text ?? null },
      },
    };
    const result = await submitJob(deps.db, deps.queue, job, {
      delivery: { guid: context.id, event: "check_run", action: "completed", repo: repository.full_name },
      meta: { branch: job.headBranch, sha: check.head_sha, delivery: context.id },
    });
    context.log.info({ key, enqueued: result.enqueued }, "check run failure");
  };
}
