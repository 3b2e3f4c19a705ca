import { createHmac, generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";

// `npm start` as a user runs it: the compiled entry point (npm test builds it first), a real port, a
// signed webhook over HTTP. GitHub is the stand-in.
const MAIN = path.resolve("dist/src/main.js");
let dir: string;
let standIn: GitHubStandIn;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "start-"));
  standIn = await startGitHubStandIn();
});
afterAll(async () => {
  await standIn.close();
  await rm(dir, { recursive: true, force: true });
});

async function waitForHttp(url: string, ms = 30_000): Promise<Response> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fetch(url, { redirect: "manual" });
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function start(env: Record<string, string>): ResultPromise {
  return execa(process.execPath, [MAIN], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "development", ...env },
    extendEnv: false,
    reject: false,
  });
}

describe("npm start", () => {
  it("without an App registered, serves Probot's setup page", async () => {
    const port = 39000 + Math.floor(Math.random() * 500);
    const app = start({ PORT: String(port), DATA_DIR: path.join(dir, "setup-data") });
    try {
      const res = await waitForHttp(`http://localhost:${port}/`);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toContain("/probot");
    } finally {
      app.kill("SIGTERM");
      await app;
    }
  });

  it("with an App, answers /healthz, accepts a signed webhook, refuses a bad signature, stops on SIGTERM", async () => {
    const keyPath = path.join(dir, "key.pem");
    await writeFile(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }), {
      mode: 0o600,
    });
    const port = 39500 + Math.floor(Math.random() * 500);
    const app = start({
      APP_ID: "4242",
      PRIVATE_KEY_PATH: keyPath,
      WEBHOOK_SECRET: "s3cret",
      GHE_HOST: standIn.host,
      GHE_PROTOCOL: "http",
      DATA_DIR: path.join(dir, "data"),
      PORT: String(port),
      LOG_LEVEL: "info",
    });
    try {
      const health = await waitForHttp(`http://localhost:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, database: "pglite", agents: { codex: true, claude: expect.any(Boolean) } });
      const body = JSON.stringify({ action: "completed", workflow_run: { conclusion: "success" } });
      const send = (signature: string) =>
        fetch(`http://localhost:${port}/api/github/webhooks`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "workflow_run",
            "x-github-delivery": "d-1",
            "x-hub-signature-256": signature,
          },
          body,
        });
      expect((await send(`sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`)).status).toBe(200);
      expect((await send("sha256=00")).status).toBe(400);
    } finally {
      app.kill("SIGTERM");
    }
    const result = await app;
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toContain("worker started");
  });
});
