import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockPathFor, LockTimeoutError, withMirrorLock } from "../../src/workspace/mirror-lock.js";

let dir: string;
let mirror: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), "ws-lock-"));
  mirror = join(dir, "repo.git");
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

// The child runs the real lock module: it and the one module of ours it imports, transpiled to plain JS in the
// same layout (the rest are Node built-ins).
async function lockModuleForChild(): Promise<string> {
  for (const file of ["workspace/mirror-lock", "process/pid-alive"]) {
    const source = await fs.readFile(new URL(`../../src/${file}.ts`, import.meta.url), "utf8");
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    await fs.mkdir(join(dir, "child", file, ".."), { recursive: true });
    await fs.writeFile(join(dir, "child", `${file}.js`), js.outputText);
  }
  // A package.json beside them: the .js files are ES modules.
  await fs.writeFile(join(dir, "child", "package.json"), '{"type":"module"}');
  return join(dir, "child", "workspace", "mirror-lock.js");
}

describe("withMirrorLock", () => {
  it("serializes callers in one process", async () => {
    const events: string[] = [];
    const task = (name: string) =>
      withMirrorLock(mirror, async () => {
        events.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, 20));
        events.push(`${name}:end`);
      });
    await Promise.all([task("a"), task("b"), task("c")]);
    expect(events).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
    await expect(fs.access(lockPathFor(mirror))).rejects.toThrow();
  });

  it("keeps the queue going after a failure", async () => {
    const failed = withMirrorLock(mirror, async () => {
      throw new Error("boom");
    });
    const next = withMirrorLock(mirror, async () => "ok");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
  });

  it("waits for a lock held by another process", async () => {
    const modulePath = await lockModuleForChild();
    const released = join(dir, "released-at");
    const script = `
      const { withMirrorLock } = await import(${JSON.stringify(modulePath)});
      await withMirrorLock(${JSON.stringify(mirror)}, async () => {
        process.stdout.write("locked\\n");
        await new Promise((r) => setTimeout(r, 700));
        (await import("node:fs")).writeFileSync(${JSON.stringify(released)}, String(Date.now()));
      });`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
      child.on("exit", (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const holder = JSON.parse(await fs.readFile(lockPathFor(mirror), "utf8"));
    expect(holder.pid).toBe(child.pid);
    const enteredAt = await withMirrorLock(mirror, async () => Date.now());
    const releasedAt = Number(await fs.readFile(released, "utf8"));
    expect(enteredAt).toBeGreaterThanOrEqual(releasedAt);
    await new Promise((r) => (child.exitCode === null ? child.on("exit", r) : r(null)));
    expect(child.exitCode).toBe(0);
  });

  it("breaks a lock whose owner died", async () => {
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.on("exit", r));
    const stale = { pid: dead.pid, host: hostname(), time: Date.now(), nonce: "dead" };
    await fs.writeFile(lockPathFor(mirror), JSON.stringify(stale));
    const started = Date.now();
    await expect(withMirrorLock(mirror, async () => "got it")).resolves.toBe("got it");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("breaks a lock that has not been refreshed for staleMs, and times out on a live one", async () => {
    const live = { pid: process.pid, host: "other-host", time: Date.now(), nonce: "live" };
    await fs.writeFile(lockPathFor(mirror), JSON.stringify(live));
    await expect(withMirrorLock(mirror, async () => 1, { acquireTimeoutMs: 200 })).rejects.toBeInstanceOf(LockTimeoutError);
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lockPathFor(mirror), old, old);
    await expect(withMirrorLock(mirror, async () => 2, { staleMs: 30_000, acquireTimeoutMs: 2_000 })).resolves.toBe(2);
  });
});
