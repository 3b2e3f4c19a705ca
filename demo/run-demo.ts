import { getJobRecord } from "../src/jobs/records.js";
import { setupCiFailure, ciFailureScript } from "./scenarios/ci-failure.js";
import { setupCommandDemo } from "./scenarios/command.js";
import { demoFixAnswer, issueFixScript, setupIssueFix } from "./scenarios/issue-fix.js";
import { planScript, setupPlan, waitForPlan } from "./scenarios/plan.js";
import { maintenanceScript, setupMaintenance, submitDashboardRefresh, submitMaintenanceRun } from "./scenarios/maintenance.js";
import { startHarness, type Harness } from "./harness.js";
import type { StandInSnapshot } from "./github-standin.js";
import type { Script } from "./scripted-model.js";
import { bash, structured, type MessagesScript } from "./scripted-messages.js";
import { demoTriageAnswer } from "./scenarios/ci-failure-fixture.js";

export const DEMO_SCENARIOS = ["ci-failure", "issue-fix", "command", "maintenance", "second-opinion", "race", "plan"] as const;
export type DemoScenario = (typeof DEMO_SCENARIOS)[number];

export interface DemoResult {
  ok: boolean;
  /** What the bot did on GitHub, as GitHub would return it. */
  github: StandInSnapshot;
  /** The same for people. */
  text: string;
}

interface Scenario {
  intro: string;
  script: Script;
  /** Claude Code's scripted model, for scenarios with both agents. */
  claudeScript?: MessagesScript;
  /** Sets the world up, delivers the webhook, returns the job key and a clean-up. */
  run(h: Harness): Promise<{ key: string; cleanup(): Promise<void> }>;
}

const SCENARIOS: Record<DemoScenario, Scenario> = {
  "ci-failure": {
    intro: "a pull request's CI run failed; Codex explains it",
    script: ciFailureScript(),
    async run(h) {
      const setup = await setupCiFailure(h);
      await h.deliver("workflow_run", setup.payload);
      return { key: setup.key, cleanup: () => setup.remote.cleanup() };
    },
  },
  "issue-fix": {
    intro: "an issue got the codex label; Codex drafts the fix as a draft PR",
    script: issueFixScript(),
    async run(h) {
      const setup = await setupIssueFix(h);
      await h.deliver("issues", setup.payload, setup.deliveryId);
      return { key: setup.key, cleanup: () => setup.remote.cleanup() };
    },
  },
  command: {
    intro: "a maintainer commented `/codex fix` on an issue; the bot acknowledges with 👀 and reports in one sticky comment",
    script: issueFixScript(),
    async run(h) {
      const { command, fixKey, cleanup } = await setupCommandDemo(h);
      await h.deliver("issue_comment", command.payload);
      await h.waitForJob(command.key, 60_000);
      return { key: fixKey, cleanup };
    },
  },
  maintenance: {
    intro: "a scheduled maintenance task ran twice; its one draft PR on codex/maintenance/docs-sync holds both commits",
    script: maintenanceScript("docs/sum.md", "`sum(a, b)` adds two numbers."),
    async run(h) {
      const setup = await setupMaintenance(h);
      await h.waitForJob(await submitMaintenanceRun(h, setup, "docs-sync", "2026-w01"), 120_000);
      h.model.setScript(maintenanceScript("docs/usage.md", "Import sum from src/sum.js.", "Document how to import sum"));
      const key = await submitMaintenanceRun(h, setup, "docs-sync", "2026-w02");
      await h.waitForJob(key, 120_000);
      // The dashboard issue, as the tick refreshes it after the runs: the task, its last run and its PR.
      await h.waitForJob(await submitDashboardRefresh(h, setup, "after-two-runs"), 60_000);
      return { key, cleanup: () => setup.remote.cleanup() };
    },
  },
  "second-opinion": {
    intro:
      "Codex triaged a failed CI run but was not sure; the repository asks for a second opinion then, so Claude Code triaged the same failure, and the one comment says whether they agree",
    script: ciFailureScript({ ...demoTriageAnswer(), confidence: "low" }),
    claudeScript: [structured(demoTriageAnswer())],
    async run(h) {
      const setup = await setupCiFailure(h, { config: "triage:\n  second_opinion: low\n" });
      await h.deliver("workflow_run", setup.payload);
      return { key: setup.key, cleanup: () => setup.remote.cleanup() };
    },
  },
  race: {
    intro:
      "an issue got the codex label in a repository with fix.race: Codex and Claude Code both attempted the fix in their own checkouts, the verify command and the diff size picked the winner, and the draft PR says what the other attempt did",
    script: issueFixScript(),
    // Claude's fix is right too, with one line more than Codex's: the smaller diff wins.
    claudeScript: [
      bash("printf 'export function sum(a, b) {\\n  // Adds its arguments.\\n  return b + a;\\n}\\n' > src/sum.js"),
      structured(demoFixAnswer()),
    ],
    async run(h) {
      const setup = await setupIssueFix(h, { config: "fix:\n  race: true\n  verify_command: node --test\n" });
      await h.deliver("issues", setup.payload, setup.deliveryId);
      return { key: setup.key, cleanup: () => setup.remote.cleanup() };
    },
  },
  plan: {
    intro:
      "an issue with a four-item task list got the codex-plan label: the items ran in parallel, each its own draft PR on codex/plan/<issue>-<n>; item 3 waited for item 1's PR and is stacked on it; item 4 failed at the model; the checklist comment shows each item's state and cost, and one summary asks for review",
    script: planScript,
    async run(h) {
      const setup = await setupPlan(h);
      await h.deliver("issues", setup.payload);
      await waitForPlan(h, setup.repoFullName, setup.issueNumber, 240_000);
      return { key: setup.key, cleanup: () => setup.remote.cleanup() };
    },
  },
};

/** The offline rehearsal: one scenario end to end, with nothing from outside. */
export async function runDemo(opts: { scenario: DemoScenario; logLevel?: string }): Promise<DemoResult> {
  const scenario = SCENARIOS[opts.scenario];
  const harness = await startHarness({ script: scenario.script, claudeScript: scenario.claudeScript, logLevel: opts.logLevel });
  try {
    const { key, cleanup } = await scenario.run(harness);
    try {
      await harness.waitForJob(key, 120_000);
      const record = await getJobRecord(harness.db, key);
      const github = harness.standIn.snapshot();
      const header = `Scenario ${opts.scenario}: ${scenario.intro}. The job ${record?.status}${record?.outcome ? ` (${record.outcome})` : ""}${record?.error ? `: ${record.error}` : ""}.`;
      return { ok: record?.status === "succeeded", github, text: describe(header, github) };
    } finally {
      await cleanup();
    }
  } finally {
    await harness.close();
  }
}

type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function describe(header: string, github: StandInSnapshot): string {
  const out: string[] = [header, ""];
  const rule = (title: string) => `── ${title} ${"─".repeat(Math.max(4, 70 - title.length))}`;
  for (const pr of github.pullRequests as AnyJson[]) {
    out.push(rule(`Pull request #${pr.number}${pr.draft ? " (draft)" : ""}: ${pr.title}`));
    out.push(
      `${pr.head?.ref} → ${pr.base?.ref} · labels: ${(pr.labels ?? []).map((l: AnyJson) => l.name).join(", ") || "none"} · reviewers: ${(pr.requested_reviewers ?? []).map((r: AnyJson) => r.login).join(", ") || "none"}`,
      "",
      String(pr.body ?? ""),
      "",
    );
  }
  // Issues the bot opened itself (the maintenance dashboard); the scenarios' own issues are the input.
  for (const issue of (github.issues as AnyJson[]).filter((i) => String(i.user?.login ?? "").endsWith("[bot]"))) {
    out.push(rule(`Issue #${issue.number} by ${issue.user?.login}: ${issue.title}`), String(issue.body ?? ""), "");
  }
  for (const r of github.reactions as AnyJson[])
    out.push(
      `Reaction ${r.content} on ${String(r.subject_url ?? "")
        .split("/repos/")
        .pop()}`,
    );
  if ((github.reactions as AnyJson[]).length) out.push("");
  for (const c of github.comments as AnyJson[]) {
    out.push(
      rule(
        `Comment on #${String(c.issue_url ?? "")
          .split("/")
          .pop()} by ${c.user?.login}`,
      ),
      String(c.body ?? ""),
      "",
    );
  }
  for (const r of github.checkRuns as AnyJson[]) {
    out.push(rule(`Check run "${r.name}" (${r.conclusion})`));
    out.push(
      `Title: ${r.output?.title ?? ""}`,
      `Annotations: ${r.output?.annotations_count ?? 0}`,
      "",
      String(r.output?.summary ?? ""),
      "",
    );
  }
  return out.join("\n");
}
