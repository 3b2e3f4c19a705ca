import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import { pino } from "pino";

let cachedKey: string | undefined;

/** A throwaway RSA key: Probot signs App JWTs with it; nock or the stand-in accept any JWT. */
export function testPrivateKey(): string {
  cachedKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return cachedKey;
}

/** A Probot for tests: no retries or throttling, so a failing mock fails at once; silent logs. */
export function testProbot(opts: { baseUrl?: string; appId?: number } = {}): Probot {
  return new Probot({
    appId: opts.appId ?? 4242,
    privateKey: testPrivateKey(),
    secret: "test-secret",
    baseUrl: opts.baseUrl,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
}
