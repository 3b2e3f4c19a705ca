import type { GitHubClient } from "../../github/client.js";
import { triageCommentMarker } from "../../jobs/keys.js";
import type { TriageJob } from "../../jobs/types.js";
import { cleanText, codeBlock, shorten } from "../../text-safety/inline.js";
import type { PipelineDeps } from "../deps.js";
import type { PhaseClock } from "../steps/phase-clock.js";
import { postSticky } from "../steps/sticky.js";
import type { GatheredFailure } from "./gather.js";
import { where } from "./render.js";

/** The words that mark a triage comment as not done yet; the agent's answer replaces them in the same comment. */
export const INVESTIGATING = "Codex is investigating…";

const KEY_LINES = 6;
// Error wording, loosely: where the block worth showing starts. The reducer already chose the excerpt's lines;
// this only picks where in it a maintainer should start reading.
const KEY = /err|fail|exception|fatal|panic|assert|traceback|✖|✗|×|not ok|cannot|timed? ?out|segmentation/i;
// Not log content: the reducer's own "… n lines omitted …" markers and Actions' group lines.
const NOISE = /^… .* …$|^##\[(end)?group\]/;
const GENERIC = /^##\[error\]Process completed with exit code \d+\.?$/;

/**
 * A few lines of a failed job's reduced log: the block from its first error-looking line (not the generic "exit
 * code 1" line when there is another), else its last lines. Raw (untrusted) text: the renderer cleans it.
 */
export function keyLines(excerpt: string, max = KEY_LINES): string[] {
  const lines = excerpt.split("\n").filter((l) => l.trim() !== "" && !NOISE.test(l.trim()));
  const hits = lines.map((l, i) => (KEY.test(l) ? i : -1)).filter((i) => i >= 0);
  const first = hits.find((i) => !GENERIC.test(lines[i].trim())) ?? hits[0];
  return first === undefined ? lines.slice(-max) : lines.slice(first, first + max);
}

/**
 * The triage comment before the agent has answered: where it failed and the reducer's key lines, with no model
 * involved. Job and step names go through `where` (inert markdown), log lines into a fence they cannot close,
 * with hidden characters and secrets removed.
 */
export function renderFirstSignal(job: TriageJob, gathered: GatheredFailure): string {
  const ciName = job.source.type === "workflow_run" ? job.source.workflowName : job.source.name;
  const lines = [
    `### Codex triage: ${where({ ciName, ciUrl: job.source.htmlUrl, failedJobs: gathered.failedJobs })}`,
    "",
    `_${INVESTIGATING}_`,
    "",
  ];
  for (const failed of gathered.failedJobs.slice(0, 2)) {
    const key = keyLines(failed.excerpt).map((l) => shorten(l, 200));
    if (key.length) lines.push(codeBlock(cleanText(key.join("\n"))), "");
  }
  lines.push("<sub>The explanation will replace this comment when Codex has read the code.</sub>", "");
  return lines.join("\n");
}

/**
 * Posts the first version of each PR's triage comment as soon as the logs are in. Never rejects: a comment that
 * cannot be posted costs only the early signal, and the publish step posts (or creates) the final one either way.
 */
export async function postFirstSignal(
  deps: Pick<PipelineDeps, "db" | "env" | "log">,
  gh: GitHubClient,
  job: TriageJob,
  prs: { number: number }[],
  gathered: GatheredFailure,
  clock: PhaseClock,
): Promise<void> {
  if (prs.length === 0) return;
  const body = renderFirstSignal(job, gathered);
  const marker = triageCommentMarker(job.source);
  for (const pr of prs) {
    await postSticky(deps, gh, { repo: job.repo, issueNumber: pr.number, marker, body, jobKey: job.key }).catch((err: unknown) =>
      deps.log.warn({ err, job: job.key }, "first triage comment not posted"),
    );
  }
  clock.mark("first-signal");
}
