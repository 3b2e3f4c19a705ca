import { createHmac, generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";

// `npm start` in each role, stopped by SIGTERM as Docker stops it. The compiled entry point (npm test builds it).
const MAIN = path.resolve("dist/src/main.js");
let dir: string;
let keyPath: string;
let standIn: GitHubStandIn;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "shutdown-"));
  standIn = await startGitHubStandIn();
  keyPath = path.join(dir, "key.pem");
  await writeFile(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }), {
    mode: 0o600,
  });
});
afterAll(async () => {
  await standIn.close();
  await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): ResultPromise {
  return execa(process.execPath, [MAIN], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "development",
      APP_ID: "4242",
      APP_SLUG: "codex-dispatch",
      PRIVATE_KEY_PATH: keyPath,
      WEBHOOK_SECRET: "s3cret",
      GHE_HOST: standIn.host,
      GHE_PROTOCOL: "http",
      LOG_LEVEL: "info",
      ...env,
    },
    extendEnv: false,
    reject: false,
    // execa's default SIGKILLs 5 s after kill(): a graceful stop may take longer (an idle keep-alive connection
    // holds server.close() until Node's keepAliveTimeout), and the test is about that stop.
    forceKillAfterDelay: false,
  });
}

async function waitForHttp(url: string, ms = 30_000): Promise<Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fetch(url);
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const freePort = () => 40000 + Math.floor(Math.random() * 5000);

describe("graceful shutdown of the app's processes", () => {
  it("ROLE=web: a webhook in flight at SIGTERM is answered, new connections are refused, then exit 0", async () => {
    const port = freePort();
    const app = start({ ROLE: "web", PORT: String(port), DATA_DIR: path.join(dir, "web-data"), SHUTDOWN_GRACE_SECONDS: "20" });
    try {
      expect((await waitForHttp(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const body = JSON.stringify({ action: "completed", workflow_run: { conclusion: "success" } });
      // Half the body now, the rest after the signal: the request is in flight while the process stops.
      let req!: http.ClientRequest;
      const answered = new Promise<number>((resolve, reject) => {
        req = http.request(
          {
            host: "127.0.0.1",
            port,
            method: "POST",
            path: "/api/github/webhooks",
            headers: {
              "content-type": "application/json",
              "content-length": Buffer.byteLength(body),
              "x-github-event": "workflow_run",
              "x-github-delivery": "d-shutdown",
              "x-hub-signature-256": `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`,
            },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
      });
      req.write(body.slice(0, 10));
      await new Promise((r) => setTimeout(r, 300));
      app.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 1500));
      // Stopping: the listener is closed, yet the process waits for the request above.
      const refused = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => false,
        () => true,
      );
      expect(refused).toBe(true);
      expect(app.exitCode).toBeNull();
      req.end(body.slice(10));
      expect(await answered).toBe(200);
    } finally {
      if (app.exitCode === null) setTimeout(() => app.kill("SIGKILL"), 20_000).unref();
    }
    const result = await app;
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toContain("shutting down");
    expect(String(result.stdout)).toContain("stopped");
  });

  it("ROLE=worker: answers /healthz on PORT (and nothing else), stops on SIGTERM and on SIGINT with exit 0", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const port = freePort();
      const app = start({ ROLE: "worker", PORT: String(port), DATA_DIR: path.join(dir, `worker-data-${signal}`) });
      try {
        const health = await waitForHttp(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toEqual({ ok: true, database: "pglite", agents: { codex: true, claude: expect.any(Boolean) } });
        expect((await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: "POST", body: "{}" })).status).toBe(404);
      } finally {
        app.kill(signal);
      }
      const result = await app;
      expect(result.exitCode, signal).toBe(0);
      expect(String(result.stdout)).toContain("worker started");
      expect(String(result.stdout)).toContain("stopped");
    }
  });
});
