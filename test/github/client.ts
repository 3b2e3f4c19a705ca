import nock from "nock";
import { ProbotOctokit } from "probot";
import type { GitHubClient } from "../../src/github/client.js";

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

/** Every test starts with no network and must use each mock it sets up. */
export function useNock(): void {
  nock.disableNetConnect();
}

export function assertAllMocksUsed(): void {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`unused mocks: ${pending.join(", ")}`);
}
