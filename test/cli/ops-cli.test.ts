import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { openDatabase } from "../../src/jobs/db.js";
import { recordBotPr } from "../../src/jobs/outcomes.js";
import { examplePayload } from "../helpers/payloads.js";

// The operator's commands as processes of the built CLI (bin/codex-dispatch.js → dist/, as `npm test` builds it):
// `replay` signs a real delivery to a running app (`npm start`'s entry, ROLE=web, GitHub the stand-in), whose
// handler records the bot PR's merge; `jobs` then reads it from the same database; `doctor` checks for real.
const BIN = path.resolve("bin/codex-dispatch.js");
const MAIN = path.resolve("dist/src/main.js");
const SECRET = "replay-s3cret";
const REPO = "Codertocat/Hello-World";
let dir: string;
let dataDir: string;
let standIn: GitHubStandIn;
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();

const cli = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir, DATA_DIR: dataDir, ...env },
    extendEnv: false,
    reject: false,
  });

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
  dir = await mkdtemp(path.join(tmpdir(), "ops-cli-"));
  dataDir = path.join(dir, "data");
  standIn = await startGitHubStandIn();
  standIn.state.internal.appPublicKey = publicKey.export({ type: "spki", format: "pem" }).toString();
  const db = await openDatabase({ dataDir });
  await db.query(
    `INSERT INTO codex_dispatch.job_records (id, key, kind, repo, status, outcome, duration_ms, input_tokens, output_tokens, cost_usd, finished_at)
     VALUES ('j1', 'fix:codertocat/hello-world#1', 'fix', $1, 'succeeded', 'pr-opened #2', 61000, 1200, 300, 0.42, now()),
            ('j2', 'triage:other/lib:run-1', 'triage', 'Other/Lib', 'succeeded', 'explained: code', 9000, 10, 5, NULL, now())`,
    [REPO],
  );
  await recordBotPr(db, { repo: REPO, number: 2, jobKey: "fix:codertocat/hello-world#1", kind: "fix", agent: "codex", headSha: null });
  await db.close();
}, 60_000);

afterAll(async () => {
  await standIn?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("codex-dispatch replay and jobs", () => {
  it("replay delivers a signed pull_request.closed that the running app acts on; a wrong secret is refused; jobs shows the merge", async () => {
    const payload = examplePayload("pull_request", (x) => x.action === "closed");
    Object.assign(payload.pull_request, { merged: true, merged_at: payload.pull_request.closed_at, merge_commit_sha: "c".repeat(40) });
    payload.pull_request.user = { ...payload.pull_request.user, login: "codex-dispatch[bot]", type: "Bot" };
    payload.pull_request.head.ref = "codex/issue/1";
    payload.installation = { id: 77, node_id: "x" };
    const file = path.join(dir, "closed.json");
    await writeFile(file, JSON.stringify(payload));
    const port = 40000 + Math.floor(Math.random() * 2000);
    const app = execa(process.execPath, [MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        ROLE: "web",
        APP_ID: "4242",
        APP_SLUG: "codex-dispatch",
        PRIVATE_KEY: pem,
        WEBHOOK_SECRET: SECRET,
        GHE_HOST: standIn.host,
        GHE_PROTOCOL: "http",
        DATA_DIR: dataDir,
        PORT: String(port),
        LOG_LEVEL: "warn",
      },
      extendEnv: false,
      reject: false,
    });
    try {
      expect((await waitForHttp(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      const url = `http://127.0.0.1:${port}/api/github/webhooks`;
      // The secret from ./.env, as Probot's setup writes it.
      await writeFile(path.join(dir, ".env"), `WEBHOOK_SECRET=${SECRET}\n`);
      const wrongAction = await cli(["replay", "pull_request.opened", file, "--url", url]);
      expect(wrongAction.exitCode).toBe(2);
      expect(wrongAction.stderr).toContain(`the payload's action is "closed"`);
      const refused = await cli(["replay", "pull_request", file, "--url", url], { WEBHOOK_SECRET: "not-the-secret" });
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/HTTP 40[01]/);
      const sent = await cli(["replay", "pull_request.closed", file, "--url", url]);
      expect(sent.stderr).toBe("");
      expect(sent.stdout).toMatch(/^pull_request\.closed delivery [0-9a-f-]{36} → .*: HTTP 200/);
      expect(sent.exitCode).toBe(0);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/codex_dispatch_webhook_duration_seconds_count\{event="pull_request.closed",result="ok"\} 1/);
    } finally {
      app.kill("SIGTERM");
      await app;
    }
    // PGlite: one process at a time, so `jobs` reads after the app stopped.
    const json = await cli(["jobs", "--json"]);
    expect(json.exitCode).toBe(0);
    const rows = JSON.parse(json.stdout) as { key: string; pr: unknown; tokens: number }[];
    expect(rows.map((r) => r.key).sort()).toEqual(["fix:codertocat/hello-world#1", "triage:other/lib:run-1"]);
    expect(rows.find((r) => r.key.startsWith("fix:"))).toMatchObject({ tokens: 1500, pr: { number: 2, state: "merged", reverted: false } });
    const table = await cli(["jobs", "--repo", "codertocat/HELLO-world"]);
    expect(table.exitCode).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^CREATED +KIND +REPO +STATUS +AGENT +TIME +TOKENS +COST +OUTCOME +PR$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/fix +Codertocat\/Hello-World +succeeded +61s +1500 +\$0\.42 +pr-opened #2 +#2 merged$/);
    expect((await cli(["jobs", "--limit", "0"])).exitCode).toBe(2);
  }, 90_000);
});

describe("codex-dispatch doctor", () => {
  const env = () => ({ GHE_HOST: standIn.host, GHE_PROTOCOL: "http", APP_ID: "4242", PRIVATE_KEY: pem, CODEX_API_KEY: "k" });

  it("passes with the real database (migrated), codex and the App's key; names each check", async () => {
    const r = await cli(["doctor"], { ...env(), WEBHOOK_SECRET: SECRET, AGENT_ISOLATION: "off" });
    expect(r.stdout).toMatch(/^ok +codex: codex-cli /m);
    expect(r.stdout).toMatch(/^(ok|warn) +claude: /m);
    expect(r.stdout).toMatch(/^ok +database: PGlite in .* answers \(\d+ job records\)$/m);
    expect(r.stdout).toMatch(/^ok +schema: migrated to version \d+$/m);
    expect(r.stdout).toMatch(/^ok +GitHub App: a signed JWT is accepted/m);
    expect(r.exitCode).toBe(0);
  });

  it("fails (exit 1) without the webhook secret, and with a key GitHub does not accept", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const r = await cli(["doctor"], { ...env(), PRIVATE_KEY: other, AGENT_ISOLATION: "off" });
    expect(r.stdout).toMatch(/^FAIL +webhook secret: WEBHOOK_SECRET is not set/m);
    expect(r.stdout).toMatch(/^FAIL +GitHub App: GET \/app with the App's key failed/m);
    expect(r.exitCode).toBe(1);
  });
});
