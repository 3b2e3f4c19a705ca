// `codex-dispatch demo --dashboard`: the dashboard as a maintainer reads it, over real demo runs. Several scenarios
// run side by side into one harness (one database), a maintainer merges the issue fix's PR (a signed
// pull_request.closed, so outcome tracking records it as on GitHub), and the dashboard is served on loopback with a
// token made for this run. Everything lives until close(): the database and its temporary folder go with it.
import { randomBytes } from "node:crypto";
import { serveDashboard } from "./dashboard-server.js";
import { DASHBOARD_RUNS, routedScript, runAll, type DashboardRun } from "./dashboard-runs.js";
import { startHarness, type Harness } from "./harness.js";
import { mergeBotPullRequest } from "./merge-pr.js";

export interface DemoDashboard {
  /** The dashboard's address with `?token=`: opening it once signs the browser in. */
  url: string;
  /** What ran, for people. */
  summary: string;
  close(): Promise<void>;
}

export interface DemoDashboardOptions {
  /** 0: any free port. */
  port: number;
  logLevel?: string;
  /** Progress lines while the scenarios run. */
  progress?(line: string): void;
  /** Aborted (a signal while the scenarios run): stop, clean up, reject. */
  signal?: AbortSignal;
}

export async function startDemoDashboard(o: DemoDashboardOptions): Promise<DemoDashboard> {
  const harness = await startHarness({
    script: routedScript(DASHBOARD_RUNS),
    logLevel: o.logLevel,
    // The scenarios run at once; all their repositories share the demo installation.
    env: { WORKER_CONCURRENCY: String(DASHBOARD_RUNS.length) },
    // The stand-in has no secondary rate limits: no need to space the four runs' writes a second apart.
    throttle: false,
  });
  o.progress?.(`Running ${DASHBOARD_RUNS.map((r) => r.scenario).join(", ")} side by side (the real codex binary, offline)…`);
  const work = runAll(harness);
  const cleanUp = async () => {
    try {
      await harness.close();
    } finally {
      await work.cleanup();
    }
  };
  try {
    const runs = await untilAborted(work.done, o.signal);
    const merged = await mergeTheFix(harness, runs);
    if (merged) o.progress?.(`A maintainer merged ${merged} (a signed pull_request.closed webhook).`);
    const token = randomBytes(24).toString("base64url");
    const server = await serveDashboard({
      db: harness.db,
      token,
      port: o.port,
      log: { warn: (obj, msg) => o.progress?.(`${msg}: ${String((obj as { err?: unknown }).err ?? "")}`) },
    });
    return {
      url: `${server.url}/dashboard?token=${token}`,
      summary: describeRuns(runs, merged),
      async close() {
        await server.close();
        await cleanUp();
      },
    };
  } catch (err) {
    await cleanUp().catch((e: unknown) => o.progress?.(`clean-up: ${String(e)}`));
    throw err;
  }
}

/** The issue fix's draft PR, merged: the outcomes table then shows a merged fix. */
async function mergeTheFix(h: Harness, runs: DashboardRun[]): Promise<string | null> {
  const fix = runs.find((r) => r.scenario === "issue-fix");
  const opened = /^pr-opened #(\d+)$/.exec(fix?.records[0]?.outcome ?? "");
  if (!fix?.where || !opened) return null;
  await mergeBotPullRequest(h, fix.where, Number(opened[1]));
  return `${fix.repo}#${opened[1]}`;
}

function describeRuns(runs: DashboardRun[], merged: string | null): string {
  const lines = runs.flatMap((r) =>
    r.records.map(
      (j) => `  ${r.scenario.padEnd(12)} ${r.repo.padEnd(20)} ${j.kind.padEnd(12)} ${j.status}${j.outcome ? ` (${j.outcome})` : ""}`,
    ),
  );
  return [
    "Demo runs in one database (GitHub and the model are stand-ins; git, codex, the queue and the database are real):",
    ...lines,
    ...(merged ? [`  then ${merged} was merged by a maintainer (pull_request.closed)`] : []),
    "",
  ].join("\n");
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error("stopped before the dashboard was up"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
