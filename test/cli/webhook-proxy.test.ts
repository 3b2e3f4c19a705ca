import { createHmac, generateKeyPairSync } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { failedWorkflowRunPayload } from "../helpers/payloads.js";

// On a laptop, GitHub cannot reach localhost: Probot forwards webhooks from a smee.io channel
// (WEBHOOK_PROXY_URL) with the smee-client dependency. Here the channel is a local SSE server speaking smee's
// protocol, and the built app is started as `npm start` starts it.
const MAIN = path.resolve("dist/src/main.js");
let dir: string;
let standIn: GitHubStandIn;
let channel: http.Server;
let connected: () => void;
const connectedOnce = new Promise<void>((r) => (connected = r));
let push: (data: object) => void = () => undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smee-"));
  standIn = await startGitHubStandIn();
  channel = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write("event: ready\ndata: {}\n\n");
    push = (data) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    connected();
  });
  await new Promise<void>((r) => channel.listen(0, "127.0.0.1", r));
});
afterAll(async () => {
  channel.closeAllConnections();
  await new Promise((r) => channel.close(r));
  await standIn.close();
  await rm(dir, { recursive: true, force: true });
});

describe("webhooks through a smee channel (WEBHOOK_PROXY_URL)", () => {
  it("a delivery pushed to the channel reaches the local app and is verified and handled", async () => {
    const keyPath = path.join(dir, "key.pem");
    await writeFile(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }), {
      mode: 0o600,
    });
    const port = 40000 + Math.floor(Math.random() * 500);
    const app = execa(process.execPath, [MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "development",
        APP_ID: "4242",
        PRIVATE_KEY_PATH: keyPath,
        WEBHOOK_SECRET: "s3cret",
        GHE_HOST: standIn.host,
        GHE_PROTOCOL: "http",
        DATA_DIR: path.join(dir, "data"),
        PORT: String(port),
        LOG_LEVEL: "info",
        LOG_FORMAT: "json",
        ROLE: "web",
        APP_SLUG: "codex-dispatch",
        WEBHOOK_PROXY_URL: `http://127.0.0.1:${(channel.address() as AddressInfo).port}/channel`,
      },
      extendEnv: false,
      reject: false,
    });
    let out = "";
    app.stdout?.on("data", (c) => (out += String(c)));
    app.stderr?.on("data", (c) => (out += String(c)));
    try {
      await Promise.race([
        connectedOnce,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`the app never connected to the channel:\n${out}`)), 30_000)),
      ]);
      const body = failedWorkflowRunPayload();
      const signature = `sha256=${createHmac("sha256", "s3cret").update(JSON.stringify(body)).digest("hex")}`;
      // The app's server may still be starting when the channel connects: smee does not retry, so push until seen.
      const deadline = Date.now() + 30_000;
      while (!out.includes("workflow run failure") && Date.now() < deadline) {
        push({
          "x-github-event": "workflow_run",
          "x-github-delivery": "smee-1",
          "x-hub-signature-256": signature,
          body,
          query: {},
          timestamp: Date.now(),
        });
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(out).toContain("workflow run failure");
      expect(out).not.toContain("SmeeClient is not available");
    } finally {
      app.kill("SIGTERM");
      await app;
    }
  });
});
