import { describe, expect, it } from "vitest";
import { explainReportJsonSchema, parseExplainReport } from "../../src/agent/explain-report.js";
import { buildExplainPrompt } from "../../src/agent/prompts/explain.js";
import { buildTriagePrompt } from "../../src/agent/prompts/triage.js";

const input = {
  repoFullName: "octo/app",
  question: "why does this retry twice?",
  sha: "a".repeat(40),
  target: { kind: "issue" as const, number: 7, title: "Retries", body: null },
};

describe("explain prompt: code archaeology", () => {
  it("sends why and when questions to the history, with the git commands that read it", () => {
    const prompt = buildExplainPrompt(input);
    expect(prompt).toContain("full git history");
    for (const cmd of ["git log -S'", "git log -G'", "git log --follow", "git blame -L", "git show <sha>"]) expect(prompt).toContain(cmd);
    // The commits come back in the answer, to be linked.
    expect(prompt).toContain("`commits`");
    // Our guidance comes before the fenced question, never inside it.
    expect(prompt.indexOf("git log -S'")).toBeGreaterThan(prompt.indexOf(input.question));
  });

  it("the answer schema asks for commits (strict: every field required) and reads an answer without them as none", () => {
    const schema = explainReportJsonSchema() as { required: string[]; properties: Record<string, { items: { required: string[] } }> };
    expect(schema.required).toEqual(["answer", "references", "commits"]);
    expect(schema.properties.commits.items.required).toEqual(["sha", "pull_request", "note"]);
    const old = parseExplainReport(JSON.stringify({ answer: "a", references: [] }));
    expect(old).toEqual({ ok: true, report: { answer: "a", references: [], commits: [] } });
    const bad = parseExplainReport(
      JSON.stringify({ answer: "a", references: [], commits: [{ sha: "--all", pull_request: null, note: "" }] }),
    );
    expect(bad.ok).toBe(false);
  });

  it("triage mentions git log for when a failure started", () => {
    const prompt = buildTriagePrompt({
      repoFullName: "octo/app",
      headSha: "b".repeat(40),
      headBranch: "main",
      ciName: "CI",
      failedJobs: [],
      annotations: [],
      logsDir: "/tmp/logs",
    });
    expect(prompt).toContain("git log --oneline -- <path>");
  });
});
