import { promises as fs } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gitAuthEnv } from "../../src/workspace/auth.js";
import { GitError } from "../../src/workspace/git.js";
import { ensureMirror } from "../../src/workspace/mirror.js";

const TOKEN = "ghs_TestInstallationToken1234567890abcd";
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString("base64");

let root: string;
let server: Server;
let seen: { auth: string | undefined; url: string | undefined; argvLeaks: string[] }[];

// Every process's command line, as `ps` would show it.
async function commandLines(): Promise<string[]> {
  const out: string[] = [];
  for (const pid of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmd) out.push(cmd.replace(/\0/g, " "));
  }
  return out;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), "ws-auth-"));
  seen = [];
  // A stand-in for GitHub's smart HTTP endpoint: records the header, and while git waits for the answer it
  // looks at every command line on the machine.
  server = createServer(async (req, res) => {
    const lines = await commandLines();
    seen.push({ auth: req.headers.authorization, url: req.url, argvLeaks: lines.filter((l) => l.includes(TOKEN) || l.includes(BASIC)) });
    res.statusCode = 404;
    res.end("not found");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  await fs.rm(root, { recursive: true, force: true });
});

describe("gitAuthEnv", () => {
  it("builds a Basic header for x-access-token, scoped to an origin when asked", () => {
    expect(gitAuthEnv(TOKEN)).toEqual({
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.extraHeader",
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${BASIC}`,
    });
    expect(gitAuthEnv(TOKEN, "https://github.com/o/r.git").GIT_CONFIG_KEY_0).toBe("http.https://github.com/.extraHeader");
    expect(() => gitAuthEnv("")).toThrow(/token/);
    expect(() => gitAuthEnv("abc\r\nX-Evil: 1")).toThrow(/token/);
  });

  it("sends the token as a header only: not in argv, not in any file of the mirror, not in the error", async () => {
    const { port } = server.address() as AddressInfo;
    const cloneUrl = `http://127.0.0.1:${port}/octo/app.git`;
    const err = await ensureMirror({ root, repoFullName: "octo/app", cloneUrl, token: TOKEN, want: [] }).catch((e) => e);
    expect(err).toBeInstanceOf(GitError);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]!.url).toBe("/octo/app.git/info/refs?service=git-upload-pack");
    expect(seen[0]!.auth).toBe(`Basic ${BASIC}`);
    expect(seen.flatMap((s) => s.argvLeaks)).toEqual([]);
    const files = await filesUnder(root);
    expect(files).toContain(join(root, "mirrors", "octo", "app.git", "config"));
    for (const file of files) {
      const text = await fs.readFile(file, "latin1");
      expect(text.includes(TOKEN) || text.includes(BASIC), file).toBe(false);
    }
    expect(`${err.message} ${err.command} ${err.stderr}`).not.toContain(TOKEN);
    expect(`${err.message} ${err.command} ${err.stderr}`).not.toContain(BASIC);
  });

  it("does not send the header to another origin", async () => {
    const { port } = server.address() as AddressInfo;
    await ensureMirror({ root, repoFullName: "octo/app", cloneUrl: `http://127.0.0.1:${port}/octo/app.git`, want: [] }).catch(
      () => undefined,
    );
    expect(seen[0]!.auth).toBeUndefined();
  });
});
