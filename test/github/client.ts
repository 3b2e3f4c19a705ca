import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import type { GitHubClient } from "../../src/github/client.js";
import { AppOctokit } from "../../src/github/rate-limit-policy.js";
import { testPrivateKey } from "../helpers/probot.js";

export const API = "https://api.github.com";
export const TOKEN = "ghs_testtoken0123456789abcdefghijklmnop";

// Retries and throttling would turn a failing mock into a slow test; they are Probot's, not ours, to test.
export function testClient(baseUrl = API): GitHubClient {
  return new ProbotOctokit({
    auth: { token: TOKEN },
    baseUrl,
    retry: { enabled: false },
    throttle: { enabled: false },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

/** The production client (retry, throttling, our rate-limit policy and write pacing) of one installation. */
export function appClient(baseUrl: string, installationId: number) {
  const probot = new Probot({ appId: 4242, privateKey: testPrivateKey(), baseUrl, log: pino({ level: "silent" }), Octokit: AppOctokit });
  return probot.auth(installationId);
}

/** Every test starts with no network and must use each mock it sets up. */
export function useNock(): void {
  nock.disableNetConnect();
}

export function assertAllMocksUsed(): void {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`unused mocks: ${pending.join(", ")}`);
}
