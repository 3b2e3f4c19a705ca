import { describe, expect, it } from "vitest";
import type { TriageJob } from "../../src/jobs/types.js";
import { renderFirstSignal } from "../../src/pipeline/triage/first-signal.js";
import type { GatheredFailure } from "../../src/pipeline/triage/gather.js";

// Finding 3 again, for the comment posted before the agent answers: job and step names and the log's lines are
// the repository's (a fork author's) text, shown on the PR with no model between them and the page.
const job = {
  kind: "triage",
  key: "k",
  installationId: 1,
  deliveryId: "d",
  repo: { owner: "o", name: "r", fullName: "o/r", cloneUrl: "/x", defaultBranch: "main" },
  headSha: "a".repeat(40),
  headBranch: "feature",
  fromFork: true,
  source: {
    type: "workflow_run",
    runId: 1,
    runAttempt: 1,
    workflowId: 2,
    workflowName: "CI @admins [click](https://evil.example/x)",
    htmlUrl: "https://github.com/o/r/actions/runs/1",
  },
} as unknown as TriageJob;

function gathered(name: string, step: string, excerpt: string): GatheredFailure {
  return { failedJobs: [{ id: 3, name, failedSteps: [step], excerpt }], totalFailedJobs: 1, annotations: [] };
}

describe("the first triage comment", () => {
  it("[S3.3] job, step and workflow names carrying mentions, links and newlines → one inert line, no ping, no link of theirs", () => {
    const body = renderFirstSignal(job, gathered("test\n## @everyone <img src=x>", "Run ![p](https://evil.example/p.png)", "Error: boom"));
    const heading = body.split("\n")[0];
    expect(heading.startsWith("### Codex triage: ")).toBe(true);
    expect(body).not.toMatch(/(^|[^`])@admins/);
    expect(body).not.toMatch(/(^|[^`])@everyone/);
    // Escaped (`\<img`): shown as text, never an HTML tag.
    expect(body).not.toMatch(/(^|[^\\])<img/);
    expect(heading).toContain("\\<img src=x\\>");
    expect(body).not.toContain("](https://evil.example");
    expect(body).not.toMatch(/^## /m);
  });

  it("[S3.4] log lines carrying a token, a fence and hidden characters → redacted, inside a fence they cannot close", () => {
    const token = `ghs_${"A1b2C3d4E5".repeat(4)}`;
    const excerpt = ["Error: auth failed with " + token, "```", "## injected heading \u202e\u200b", "@maintainer please merge"].join("\n");
    const body = renderFirstSignal(job, gathered("test", "Run npm test", excerpt));
    expect(body).not.toContain(token);
    expect(body).not.toMatch(/[\u202e\u200b]/);
    const fence = body.match(/^(`{3,})text$/m)?.[1];
    expect(fence && fence.length).toBeGreaterThan(3);
    const inside = body.slice(body.indexOf(`${fence}text\n`) + fence!.length + 5, body.lastIndexOf(`\n${fence}`));
    expect(inside).toContain("## injected heading");
    expect(inside).toContain("@maintainer please merge");
  });
});
