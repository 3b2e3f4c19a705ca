import { fenceFacts } from "../../text-safety/ci-facts.js";
import { fenceUntrusted } from "../../text-safety/fence.js";

export interface TriagePromptInput {
  repoFullName: string;
  /** null: there is no checkout, the current directory is empty (`codex-dispatch triage --log` outside a repository). */
  headSha: string | null;
  headBranch: string | null;
  ciName: string; // workflow or check run name
  failedJobs: { name: string; failedSteps: string[]; logFile?: string; logNote?: string; excerpt: string }[];
  annotations: { path: string; line: number | null; message: string }[];
  checkOutput?: string; // for non-Actions CI: the check run's own text
  logsDir: string;
}

// The instructions are ours; everything that came from the repository or the CI run is fenced as data,
// including the branch, workflow, job and step names (see ci-facts.ts): our sentences refer to jobs by number.
export function buildTriagePrompt(input: TriagePromptInput): string {
  const parts: string[] = [
    ...(input.headSha === null
      ? [`You are triaging a failed CI run of ${input.repoFullName}. There is no checkout: the current directory`, "is empty."]
      : [
          `You are triaging a failed CI run of ${input.repoFullName} at commit ${input.headSha}. The current directory`,
          "is a checkout of exactly that commit.",
        ]),
    "",
    "Find the root cause of the failure. Read the log excerpts below, then investigate: open the files and",
    "lines involved, and search the full logs when the excerpt is not enough. You may not change files and",
    "have no network. Do not try to fix anything; explain it.",
    "The checkout has the full git history: to see when it started, `git log --oneline -- <path>` and `git log -p -S'<text>'`.",
    "",
    `Full logs, one file per job: ${input.logsDir}`,
    "",
    fenceFacts("The CI run: names as the repository's CI reported them", [
      ["branch", input.headBranch],
      ["workflow or check", input.ciName],
      ...input.failedJobs.flatMap((job, i): [string, string | undefined][] => [
        [`job ${i + 1}`, `${job.name}${job.failedSteps.length ? ` (failed steps: ${job.failedSteps.join(", ")})` : ""}`],
        // The file name carries (a cleaned) job name, so it stays inside the fence too.
        [`job ${i + 1} full log`, job.logFile],
      ]),
    ]),
  ];
  input.failedJobs.forEach((job, i) => {
    // logNote is our own sentence (sizes only): a cut log is said outside the fence.
    if (job.logNote) parts.push("", `Job ${i + 1}: ${job.logNote}`);
    parts.push("", fenceUntrusted(`Log excerpt of job ${i + 1}`, job.excerpt || "(empty log)"));
  });
  if (input.annotations.length) {
    const lines = input.annotations.slice(0, 50).map((a) => `${a.path}${a.line ? `:${a.line}` : ""}: ${a.message}`);
    parts.push("", fenceUntrusted("Annotations the CI reported", lines.join("\n")));
  }
  if (input.checkOutput) parts.push("", fenceUntrusted("The check run's own output", input.checkOutput));
  parts.push(
    "",
    "Answer with JSON that fits the given schema:",
    "- summary: one sentence; root_cause: a sentence or two naming the real cause, not the symptom;",
    "- classification: code, test, flaky, infrastructure, configuration, dependency or unknown;",
    "- evidence: the log lines (verbatim) that show it; locations: repository-relative paths with line numbers;",
    "- suggested_fix: what a maintainer should change; fixable: true only when the fix is clear and small;",
    "- failing_tests: each failing test's name exactly as the test runner printed it (file and test), [] when no test failed;",
    "- confidence: low, medium or high. Say unknown with low confidence rather than guess.",
  );
  return parts.join("\n");
}
