import path from "node:path";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `codex-dispatch demo --dashboard --port 0` as a maintainer runs it: the built CLI (npm test builds it) as its own
// process, real scenario runs into one database, the dashboard on loopback, stopped by SIGTERM.
const BIN = path.resolve("bin/codex-dispatch.js");
let cli: ResultPromise;
let stdout = "";
let url: URL;
let token: string;

beforeAll(async () => {
  cli = execa(process.execPath, [BIN, "demo", "--dashboard", "--port", "0"], {
    reject: false,
    input: "",
    // The test sends SIGTERM itself and measures the stop: no SIGKILL behind it.
    forceKillAfterDelay: false,
  });
  cli.stdout!.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  const deadline = Date.now() + 110_000;
  let found: RegExpExecArray | null;
  while (!(found = /^Dashboard: (\S+)$/m.exec(stdout))) {
    if (cli.exitCode !== null || Date.now() > deadline)
      throw new Error(`no dashboard URL; stdout:\n${stdout}\nstderr:\n${String((await cli).stderr)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  url = new URL(found[1]!);
  token = url.searchParams.get("token") ?? "";
}, 120_000);

afterAll(async () => {
  if (cli.exitCode === null) cli.kill("SIGKILL");
  await cli;
});

const withToken = (p: string) => fetch(`${url.origin}${p}`, { headers: { authorization: `Bearer ${token}` } });
const rows = (body: string, cls: string) => body.match(new RegExp(`<tr class="${cls}"[\\s\\S]*?</tr>`, "g")) ?? [];

describe("codex-dispatch demo --dashboard", () => {
  it("prints the dashboard's URL on 127.0.0.1 once, with a fresh token", () => {
    expect(url.hostname).toBe("127.0.0.1");
    expect(url.pathname).toBe("/dashboard");
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(stdout.match(/token=/g)).toHaveLength(1);
  });

  it("lists the jobs of each scenario with their outcomes", async () => {
    const res = await withToken("/dashboard");
    expect(res.status).toBe(200);
    const jobs = rows(await res.text(), "job");
    const job = (repo: string, kind: string) => jobs.find((r) => r.includes(`<td>${repo}</td>`) && r.includes(`data-kind="${kind}"`));
    expect(job("octo-org/calculator", "triage")).toMatch(/data-status="succeeded"[\s\S]*<td class="outcome">explained: /);
    expect(job("octo-org/abacus", "fix")).toMatch(/data-status="succeeded"[\s\S]*<td class="outcome">pr-opened #\d+/);
    expect(job("octo-org/slide-rule", "command")).toMatch(/<td class="outcome">queued fix/);
    expect(job("octo-org/slide-rule", "fix")).toMatch(/<td class="outcome">pr-opened #\d+/);
    expect(job("octo-org/almanac", "fix")).toMatch(/<td class="outcome">pr-opened #\d+/);
    expect(job("octo-org/almanac", "dashboard")).toMatch(/<td class="outcome">dashboard #\d+ created/);
  });

  it("the outcomes table shows the merged fix: one PR opened and merged, 100 % merged", async () => {
    const body = await (await withToken("/dashboard")).text();
    const [abacus] = rows(body, "outcome-row").filter((r) => r.includes('data-repo="octo-org/abacus"'));
    expect(abacus).toMatch(/data-kind="fix" data-agent="codex"/);
    expect(abacus).toContain("1 · 1 · 0 · 0");
    expect(abacus).toMatch(/data-value="1\.000">100%</);
    // The command's fix was not merged: its PR is open, so no share yet.
    const [slideRule] = rows(body, "outcome-row").filter((r) => r.includes('data-repo="octo-org/slide-rule"'));
    expect(slideRule).toMatch(/data-value="">–</);
  });

  it("refuses without the token (401), and the printed URL signs a browser in", async () => {
    expect((await fetch(`${url.origin}/dashboard`)).status).toBe(401);
    expect((await fetch(`${url.origin}/dashboard`, { headers: { authorization: "Bearer not-the-token" } })).status).toBe(401);
    const signIn = await fetch(url, { redirect: "manual" });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get("location")).not.toContain("token=");
    expect(signIn.headers.get("set-cookie")).toMatch(/HttpOnly/i);
  });

  it("SIGTERM stops it: exit 0 within a few seconds", async () => {
    const started = Date.now();
    cli.kill("SIGTERM");
    const result = await cli;
    expect(result.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(fetch(`${url.origin}/dashboard`)).rejects.toThrow();
  });
});
