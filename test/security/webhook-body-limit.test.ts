// Finding 7: the webhook path is open to anyone, and a body was read whole before its signature was checked.
// The compiled app is started as `npm start` runs it (see test/cli/start.test.ts), and its memory is read from
// /proc while huge bodies are thrown at it. The bodies are generated lazily, never allocated.
import { createHmac, generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_WEBHOOK_BYTES } from "../../src/web/body-limit.js";
import { rssOf, sendLargeBody } from "../helpers/large-body.js";

const MAIN = path.resolve("dist/src/main.js");
const MiB = 1024 * 1024;
const SECRET = "s3cret";
let dir: string;
let app: ResultPromise;
let base: string;

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

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "body-limit-"));
  const keyPath = path.join(dir, "key.pem");
  await writeFile(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }), {
    mode: 0o600,
  });
  const port = 40000 + Math.floor(Math.random() * 1000);
  base = `http://localhost:${port}`;
  app = execa(process.execPath, [MAIN], {
    cwd: dir,
    extendEnv: false,
    reject: false,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "development",
      ROLE: "web",
      APP_ID: "4242",
      APP_SLUG: "codex-dispatch",
      PRIVATE_KEY_PATH: keyPath,
      WEBHOOK_SECRET: SECRET,
      DATA_DIR: path.join(dir, "data"),
      PORT: String(port),
      LOG_LEVEL: "warn",
    },
  });
  expect((await waitForHttp(`${base}/healthz`)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  app?.kill("SIGTERM");
  await app;
  await rm(dir, { recursive: true, force: true });
});

const webhookHeaders = { "x-github-event": "workflow_run", "x-github-delivery": "d-1", "x-hub-signature-256": "sha256=00" };

function signedWebhook(body: string, init: { chunked?: boolean } = {}): Promise<Response> {
  const bytes = new TextEncoder().encode(body);
  return fetch(`${base}/api/github/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...webhookHeaders,
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
    },
    // A stream has no length, so fetch sends it chunked.
    body: init.chunked ? new Blob([bytes]).stream() : body,
    ...(init.chunked && { duplex: "half" }),
  } as RequestInit);
}

describe("webhook body limit (the built app)", () => {
  it("[S7.1] an unsigned 400 MiB POST to the webhook path → 413 before it is read", async () => {
    const pid = app.pid as number;
    const before = await rssOf(pid);
    // One 64 KiB chunk every 100 ms: the whole body would take over ten minutes to arrive.
    const result = await sendLargeBody(`${base}/api/github/webhooks`, {
      total: 400 * MiB,
      chunked: false,
      headers: webhookHeaders,
      chunkDelayMs: 100,
    });
    expect(result.status).toBe(413);
    // The connection is cut after a short linger (refuseTooLarge), not kept alive for the rest of the body.
    expect(result.sent).toBeLessThan(64 * 1024 * 1024);
    expect(JSON.parse(result.body).error).toMatch(/limited to 26214400 bytes/);
    expect(result.ms).toBeLessThan(5_000);
    expect(result.sent).toBeLessThan(MiB);
    expect((await rssOf(pid)) - before).toBeLessThan(100 * MiB);
  });

  it("[S7.2] a chunked body with no length that passes 25 MB → 413 once past the cap, not read to the end", async () => {
    const pid = app.pid as number;
    const before = await rssOf(pid);
    const result = await sendLargeBody(`${base}/api/github/webhooks`, { total: 400 * MiB, chunked: true, headers: webhookHeaders });
    expect(result.status).toBe(413);
    expect(result.sent).toBeGreaterThan(MAX_WEBHOOK_BYTES);
    expect(result.sent).toBeLessThan(200 * MiB);
    expect(result.ms).toBeLessThan(20_000);
    expect((await rssOf(pid)) - before).toBeLessThan(100 * MiB);
  });

  it("[S7.3] a 400 MiB Content-Length on the webhook path spelt with a trailing slash → 413", async () => {
    const result = await sendLargeBody(`${base}/api/github/webhooks/`, {
      total: 400 * MiB,
      chunked: false,
      headers: webhookHeaders,
      chunkDelayMs: 100,
    });
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(MiB);
  });

  it("a normal signed webhook still works, sized or chunked, and a bad signature is still refused", async () => {
    const body = JSON.stringify({ action: "completed", workflow_run: { conclusion: "success", name: "ünïcode" } });
    expect((await signedWebhook(body)).status).toBe(200);
    expect((await signedWebhook(body, { chunked: true })).status).toBe(200);
    const unsigned = await fetch(`${base}/api/github/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", ...webhookHeaders },
      body,
    });
    expect(unsigned.status).toBe(400);
    // The server is still healthy after the refused bodies.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
