import { generateKeyPairSync } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doctor } from "../../src/cli/doctor.js";
import { startGitHubStandIn, type GitHubStandIn } from "../../demo/github-standin.js";
import { openDatabase } from "../../src/jobs/db.js";

// `codex-dispatch doctor` checks the real things: the database under DATA_DIR, a JWT signed with the App's key
// that GitHub (here the stand-in, which verifies it) accepts, the webhook secret, codex, git, isolation.
function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    pem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    pub: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

let standIn: GitHubStandIn;
let dir: string;
const app = keyPair();

beforeAll(async () => {
  standIn = await startGitHubStandIn();
  standIn.state.internal.appPublicKey = app.pub;
  dir = await mkdtemp(path.join(tmpdir(), "doctor-"));
  await chmod(dir, 0o711);
  const db = await openDatabase({ dataDir: path.join(dir, "data") });
  await db.close();
}, 60_000);
afterAll(async () => {
  await standIn?.close();
  await rm(dir, { recursive: true, force: true });
});

async function runDoctor(env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = "";
  stdout.on("data", (c) => (out += String(c)));
  const code = await doctor(
    { stdout, stderr: new PassThrough() },
    { PATH: process.env.PATH, DATA_DIR: path.join(dir, "data"), GHE_HOST: standIn.host, GHE_PROTOCOL: "http", ...env },
  );
  return { code, out };
}

describe("doctor", () => {
  it("passes with the App's real key, the real database and the secrets set", async () => {
    const { code, out } = await runDoctor({ APP_ID: "4242", PRIVATE_KEY: app.pem, WEBHOOK_SECRET: "s", CODEX_API_KEY: "k" });
    expect(out).toMatch(/^ok +codex: codex-cli /m);
    expect(out).toMatch(/^ok +git: git version/m);
    expect(out).toMatch(new RegExp(`^ok +database: PGlite in ${path.join(dir, "data")} answers \\(0 job records\\)`, "m"));
    expect(out).toMatch(/^ok +GitHub App: a signed JWT is accepted: codex-dispatch/m);
    expect(out).toMatch(/^ok +webhook secret/m);
    if (process.getuid?.() === 0) expect(out).toMatch(/^ok +isolation: agents run under their own uids .* starts codex$/m);
    expect(code).toBe(0);
  });

  it("fails on a key GitHub does not accept and on a missing webhook secret", async () => {
    const { code, out } = await runDoctor({ APP_ID: "4242", PRIVATE_KEY: keyPair().pem, CODEX_API_KEY: "k" });
    expect(out).toMatch(/^FAIL +GitHub App: GET \/app with the App's key failed: .*401|JSON web token/m);
    expect(out).toMatch(/^FAIL +webhook secret: WEBHOOK_SECRET is not set/m);
    expect(code).toBe(1);
  });
});
