// How fast the webhook path answers: signed workflow_run deliveries over HTTP into Probot's middleware,
// through validation, the delivery ledger and the idempotent enqueue on embedded PGlite. Prints figures
// and, last, one JSON line.
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createNodeMiddleware, Probot } from "probot";
import { pino } from "pino";
import { registerWebhookHandlers } from "../src/app.js";
import { openDatabase } from "../src/jobs/db.js";
import { createQueue } from "../src/jobs/queue.js";

const TOTAL = Number(process.env.BENCH_DELIVERIES ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SECRET = "bench-secret";
const WARM_UP = 20;

function payload(i: number) {
  const sha = createHmac("sha1", "x").update(String(i)).digest("hex");
  return {
    action: "completed",
    installation: { id: 1 },
    sender: { login: "octocat", type: "User" },
    repository: {
      name: "r",
      full_name: "o/r",
      owner: { login: "o" },
      clone_url: "https://github.com/o/r.git",
      default_branch: "main",
      private: false,
    },
    workflow_run: {
      id: 1000 + i,
      name: "CI",
      run_attempt: 1,
      workflow_id: 7,
      path: ".github/workflows/ci.yml",
      head_sha: sha,
      head_branch: "main",
      conclusion: "failure",
      html_url: "https://github.com/o/r/actions/runs/1",
      pull_requests: [],
      head_repository: { full_name: "o/r" },
    },
  };
}

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), "bench-ingress-"));
  const db = await openDatabase({ dataDir: dir });
  const queue = createQueue(db, { schedule: false });
  await queue.start();
  const probot = new Probot({
    appId: 1,
    privateKey: generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    secret: SECRET,
    log: pino({ level: "silent" }),
  });
  await probot.load((app) => registerWebhookHandlers(app, { db, queue, appId: 1, appSlug: "codex-dispatch" }));
  const middleware = await createNodeMiddleware(() => {}, { probot });
  const server = http.createServer((req, res) => void middleware(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;

  const send = async (i: number): Promise<number> => {
    // Every fourth delivery repeats an earlier event under a new GUID: it must be answered as fast.
    const body = JSON.stringify(payload(i % 4 === 3 ? i - 1 : i));
    const started = performance.now();
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "workflow_run",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
      },
      body,
    });
    await res.arrayBuffer();
    if (res.status >= 300) throw new Error(`delivery ${i} answered ${res.status}`);
    return performance.now() - started;
  };

  for (let i = 0; i < WARM_UP; i++) await send(-100 - i * 4); // distinct events, not counted
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) latencies.push(await send(next++));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const { rows } = await db.query("SELECT count(*)::int - $1 AS n FROM codex_dispatch.job_records", [WARM_UP]);
  const figures = {
    deliveries: TOTAL,
    concurrency: CONCURRENCY,
    deliveries_per_s: Math.round(TOTAL / seconds),
    p50_ms: Number(pct(50).toFixed(1)),
    p99_ms: Number(pct(99).toFixed(1)),
    max_ms: Number(latencies[latencies.length - 1].toFixed(1)),
    jobs_enqueued: rows[0].n,
  };
  console.log(`webhook ingress on embedded PGlite: ${TOTAL} signed deliveries, ${CONCURRENCY} at a time`);
  console.log(
    `  ${figures.deliveries_per_s} deliveries/s; latency p50 ${figures.p50_ms} ms, p99 ${figures.p99_ms} ms, max ${figures.max_ms} ms`,
  );
  console.log(`  ${figures.jobs_enqueued} jobs enqueued (a quarter of the deliveries repeated an event)`);
  console.log(JSON.stringify(figures));
  server.close();
  await queue.stop();
  await db.close();
  await rm(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
