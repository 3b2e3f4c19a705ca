// The App on the GitHub stand-in, without vitest: the tick's child processes use it too.
import { generateKeyPairSync } from "node:crypto";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";

/** A Probot for the App on the stand-in: `auth()` is the App's JWT client, `auth(id)` mints an installation token. */
export function standInProbot(baseUrl: string, privateKey: string): Probot {
  return new Probot({
    appId: 4242,
    privateKey,
    baseUrl,
    log: pino({ level: "silent" }),
    Octokit: ProbotOctokit.defaults({ throttle: { enabled: false }, retry: { enabled: false } }),
  });
}

export function newPrivateKey(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
}
