// The load client of the ingress bench, run in a worker thread: its event loop (fetch, sockets, timing) is not the
// server's, so the server's latency is not inflated by the client sharing its thread. A fixed number of requests
// are in flight at any moment (closed loop), each on a kept-alive connection.
import { parentPort, workerData } from "node:worker_threads";
import type { Delivery } from "./ingress-mix.js";

export interface LoadRequest {
  url: string;
  concurrency: number;
  deliveries: Delivery[];
}

export interface LoadResult {
  seconds: number;
  /** Per delivery, in list order. */
  latenciesMs: number[];
  statuses: number[];
}

async function send(url: string, d: Delivery): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": d.event,
      "x-github-delivery": d.guid,
      "x-hub-signature-256": d.signature,
    },
    body: d.body,
  });
  await res.arrayBuffer();
  return res.status;
}

async function run({ url, concurrency, deliveries }: LoadRequest): Promise<LoadResult> {
  const latenciesMs = new Array<number>(deliveries.length).fill(NaN);
  const statuses = new Array<number>(deliveries.length).fill(0);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const i = next++;
        const t = performance.now();
        statuses[i] = await send(url, deliveries[i]).catch(() => 0);
        latenciesMs[i] = performance.now() - t;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latenciesMs, statuses };
}

if (parentPort) {
  const port = parentPort;
  run(workerData as LoadRequest).then(
    (result) => port.postMessage(result),
    (err: unknown) => {
      throw err;
    },
  );
}
