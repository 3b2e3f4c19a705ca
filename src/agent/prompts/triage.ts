import { fenceUntrusted } from "../../text-safety/fence.js";

export interface TriagePromptInput {
  repoFullName: string;
  headSha: string;
  headBranch: string | null;
  ciName: string; // workflow or check run name
  failedJobs: { name: string; failedSteps: string[]; logFile?: string; excerpt: string }[];
  annotations: { path: string; line: number | null; message: string }[];
  checkOutput?: string; // for non-Actions CI: the check run's own text
  logsDir: string;
}

// The instructions are ours; everything that came from the repository or the CI run is fenced as data.
export function buildTriagePrompt(input: TriagePromptInput): string {
  const parts: string[] = [
    `You are triaging a failed CI run of ${input.repoFullName} at commit ${input.headSha}` +
      (input.headBranch ? ` (branch ${input.headBranch})` : "") +
      ". The current directory is a checkout of exactly that commit.",
    "",
    "Find the root cause of the failure. Read the log excerpts below, then investigate: open the files and",
    "lines involved, and search the full logs when the excerpt is not enough. You may not change files and",
    "have no network. Do not try to fix anything; explain it.",
    "",
    `Full logs, one file per job: ${input.logsDir}`,
    `CI: ${input.ciName}`,
  ];
  for (const job of input.failedJobs) {
    parts.push("", `Failed job "${job.name}"` + (job.failedSteps.length ? `, failed step(s): ${job.failedSteps.join(", ")}` : "") +
      (job.logFile ? ` (full log: ${job.logFile})` : ""));
    parts.push(fenceUntrusted("Log excerpt", job.excerpt || "(empty log)"));
  }
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
    "- confidence: low, medium or high. Say unknown with low confidence rather than guess.",
  );
  return parts.join("\n");
}
