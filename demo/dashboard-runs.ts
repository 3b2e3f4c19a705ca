// The demo scenarios that can share one harness, run side by side into one database for `demo --dashboard`: each
// in a repository of its own, and one scripted model that answers each codex run by the repository its prompt
// names (the model is stateless, so concurrent runs do not disturb each other's scripts).
import { getJobRecord, type JobRecord } from "../src/jobs/records.js";
import type { Harness } from "./harness.js";
import type { WebhookContext } from "./merge-pr.js";
import type { RecordedRequest, Script, ScriptStep } from "./scripted-model.js";
import { ciFailureScript, setupCiFailure } from "./scenarios/ci-failure.js";
import { DEMO_REPO } from "./scenarios/ci-failure-fixture.js";
import { setupCommandDemo } from "./scenarios/command.js";
import { issueFixScript, setupIssueFix } from "./scenarios/issue-fix.js";
import { maintenanceScript, setupMaintenance, submitDashboardRefresh, submitMaintenanceRun } from "./scenarios/maintenance.js";

export interface DashboardRun {
  scenario: string;
  repo: string;
  /** The jobs it ran, in order, as the database holds them at the end. */
  records: JobRecord[];
  /** The repository and installation as the scenario's webhook sent them (to send more webhooks about it). */
  where?: WebhookContext;
}

interface RunSpec {
  scenario: string;
  /** Repository names differ so that the jobs, the outcomes and the model's routing stay apart. */
  repoName: string;
  script: Script;
  /** Sets up, delivers, waits; hands each clean-up to `track` as soon as there is something to remove. */
  run(h: Harness, repoName: string, track: (cleanup: () => Promise<void>) => void): Promise<{ keys: string[]; where?: WebhookContext }>;
}

export const DASHBOARD_RUNS: RunSpec[] = [
  {
    scenario: "ci-failure",
    repoName: DEMO_REPO.name,
    script: ciFailureScript(),
    async run(h, repoName, track) {
      const setup = await setupCiFailure(h, { repoName });
      track(() => setup.remote.cleanup());
      await h.deliver("workflow_run", setup.payload);
      await h.waitForJob(setup.key, 120_000);
      return { keys: [setup.key] };
    },
  },
  {
    scenario: "issue-fix",
    repoName: "abacus",
    script: issueFixScript(),
    async run(h, repoName, track) {
      const setup = await setupIssueFix(h, { repoName });
      track(() => setup.remote.cleanup());
      await h.deliver("issues", setup.payload, setup.deliveryId);
      await h.waitForJob(setup.key, 120_000);
      return { keys: [setup.key], where: setup.payload as unknown as WebhookContext };
    },
  },
  {
    scenario: "command",
    repoName: "slide-rule",
    script: issueFixScript(),
    async run(h, repoName, track) {
      const { command, fixKey, cleanup } = await setupCommandDemo(h, { repoName });
      track(cleanup);
      await h.deliver("issue_comment", command.payload);
      await h.waitForJob(command.key, 120_000);
      await h.waitForJob(fixKey, 120_000);
      return { keys: [command.key, fixKey] };
    },
  },
  {
    // One scheduled run (a draft PR on codex/maintenance/docs-sync) and the dashboard issue refreshed after it.
    scenario: "maintenance",
    repoName: "almanac",
    script: maintenanceScript("docs/sum.md", "`sum(a, b)` adds two numbers."),
    async run(h, repoName, track) {
      const setup = await setupMaintenance(h, { repoName });
      track(() => setup.remote.cleanup());
      const run = await submitMaintenanceRun(h, setup, "docs-sync", "2026-w01");
      await h.waitForJob(run, 120_000);
      const refresh = await submitDashboardRefresh(h, setup, "after-one-run");
      await h.waitForJob(refresh, 60_000);
      return { keys: [run, refresh] };
    },
  },
];

/** One model for all the runs: the script of the repository the prompt is about (`octo-org/<name>`). */
export function routedScript(specs: RunSpec[]): Script {
  // Longest names first, so that no name is taken for a longer one it begins.
  const byName = [...specs].sort((a, b) => b.repoName.length - a.repoName.length);
  const unknown: ScriptStep[] = [{ kind: "fail", message: "the demo's model has no script for this prompt" }];
  return (req: RecordedRequest) => {
    const text = JSON.stringify(req.body);
    const spec = byName.find((s) => new RegExp(`${DEMO_REPO.owner}/${s.repoName}(?![\\w-]|\\.\\w)`).test(text));
    if (!spec) return unknown;
    return typeof spec.script === "function" ? spec.script(req) : spec.script;
  };
}

/**
 * Starts every scenario at once in `h` (whose model must answer with routedScript). `done` resolves when all their
 * jobs ended; `cleanup` removes their git remotes, whenever it is called (also while they still run).
 */
export function runAll(h: Harness, specs: RunSpec[] = DASHBOARD_RUNS): { done: Promise<DashboardRun[]>; cleanup(): Promise<void> } {
  const cleanups: (() => Promise<void>)[] = [];
  const done = Promise.all(
    specs.map(async (spec): Promise<DashboardRun> => {
      const { keys, where } = await spec.run(h, spec.repoName, (c) => cleanups.push(c));
      const records = (await Promise.all(keys.map((k) => getJobRecord(h.db, k)))).filter((r): r is JobRecord => r !== null);
      return { scenario: spec.scenario, repo: `${DEMO_REPO.owner}/${spec.repoName}`, records, where };
    }),
  );
  // Once more after a failure: a git process of a job stopped a moment ago may still be writing into a remote.
  const removeAll = async () => void (await Promise.all(cleanups.map((c) => c().catch(() => c().catch(() => undefined)))));
  return { done, cleanup: removeAll };
}
