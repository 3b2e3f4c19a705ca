// A gate in front of the scripted model: while it is held, the model requests it matches wait, unanswered,
// until release() lets them through to the model, which then answers them as usual. A codex run can thus be
// kept mid-run for as long as a case needs (to kill its worker, to restart the database) and then finish,
// which the model's own `hang` step (never answers) cannot do.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ModelGate {
  /** The base URL to give the app (MODEL_BASE_URL): the model's, through the gate. */
  baseUrl: string;
  /** Holds every later request whose body `match` accepts (default: all) until release(). */
  hold(match?: (body: string) => boolean): void;
  /** Lets the held requests, and every later one, through. */
  release(): void;
  /** How many requests are waiting at the gate now. */
  waiting(): number;
  close(): Promise<void>;
}

export async function startModelGate(upstreamBaseUrl: string): Promise<ModelGate> {
  const upstream = new URL(upstreamBaseUrl);
  let match: ((body: string) => boolean) | null = null;
  let waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const forward = () => {
        const out = http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: `${upstream.pathname.replace(/\/$/, "")}${(req.url ?? "").replace(/^\/v1/, "")}`,
            headers: { ...req.headers, host: upstream.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        out.on("error", () => res.destroy());
        res.on("close", () => out.destroy());
        out.end(body);
      };
      if (match?.(body.toString("utf8"))) {
        waiters.push(forward);
        // The caller gave up (its worker was killed): nothing to forward later.
        res.on("close", () => (waiters = waiters.filter((w) => w !== forward)));
      } else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    hold(m = () => true) {
      match = m;
    },
    release() {
      match = null;
      const go = waiters;
      waiters = [];
      for (const w of go) w();
    },
    waiting: () => waiters.length,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
