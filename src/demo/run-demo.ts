import { setupCiFailure, ciFailureScript } from "./scenarios/ci-failure.js";
import { startHarness } from "./harness.js";
import type { StandInSnapshot } from "./github-standin.js";

export const DEMO_SCENARIOS = ["ci-failure"] as const;
export type DemoScenario = (typeof DEMO_SCENARIOS)[number];

export interface DemoResult {
  ok: boolean;
  /** What the bot did on GitHub, as GitHub would return it. */
  github: StandInSnapshot;
  /** The same for people. */
  text: string;
}

/** The offline rehearsal: a failing CI run is triaged end to end, with nothing from outside. */
export async function runDemo(opts: { scenario: DemoScenario; logLevel?: string }): Promise<DemoResult> {
  const harness = await startHarness({ script: ciFailureScript(), logLevel: opts.logLevel });
  try {
    const setup = await setupCiFailure(harness);
    try {
      await harness.deliver("workflow_run", setup.payload);
      const record = await harness.waitForJob(setup.key, 120_000);
      const github = harness.standIn.snapshot();
      const text = describe(github, record.status, record.outcome, record.error);
      return { ok: record.status === "succeeded" && github.comments.length > 0, github, text };
    } finally {
      await setup.remote.cleanup();
    }
  } finally {
    await harness.close();
  }
}

function describe(github: StandInSnapshot, status: string, outcome: string | null, error: string | null): string {
  const out: string[] = [];
  out.push(`Scenario ci-failure: a pull request's CI run failed; the job ${status}${outcome ? ` (${outcome})` : ""}${error ? `: ${error}` : ""}.`, "");
  for (const c of github.comments as { issue_url?: string; body?: string }[]) {
    const number = String(c.issue_url ?? "").split("/").pop();
    out.push(`── Comment on #${number} ──────────────────────────────────────────`, String(c.body ?? ""), "");
  }
  for (const r of github.checkRuns as { name?: string; conclusion?: string; output?: { title?: string; summary?: string; annotations_count?: number } }[]) {
    out.push(`── Check run "${r.name}" (${r.conclusion}) ─────────────────────────`);
    out.push(`Title: ${r.output?.title ?? ""}`, `Annotations: ${r.output?.annotations_count ?? 0}`, "", String(r.output?.summary ?? ""), "");
  }
  return out.join("\n");
}
