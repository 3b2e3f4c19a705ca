// Which claude the bot starts when claude-code's postinstall never ran (`npm ci --ignore-scripts`, as the
// Dockerfile builds): bin/claude.exe is then a stub that exits 1, and the real binary sits in the platform
// package. Fake node_modules trees stand in for the 400 MB binary; the resolution and the exec are real.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { claudePlatform, defaultClaudeBinary } from "../../src/agent/claude/binary.js";

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function script(file: string, body: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
}

async function pkg(dir: string, name: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ name, version: "2.1.332" }));
}

/** An app as `npm ci --ignore-scripts` leaves it: the wrapper's stub, and the platform package hoisted or nested. */
async function app(platform: string | null, nested = false): Promise<{ from: URL; wrapper: string }> {
  root = await mkdtemp(path.join(tmpdir(), "claude-bin-"));
  const wrapper = path.join(root, "node_modules/@anthropic-ai/claude-code");
  await pkg(wrapper, "@anthropic-ai/claude-code");
  await script(path.join(wrapper, "bin/claude.exe"), 'echo "claude native binary not installed" >&2; exit 1');
  if (platform) {
    const base = nested ? path.join(wrapper, "node_modules") : path.join(root, "node_modules");
    const dir = path.join(base, `@anthropic-ai/claude-code-${platform}`);
    await pkg(dir, `@anthropic-ai/claude-code-${platform}`);
    await script(path.join(dir, "claude"), `echo "real claude ${platform}"`);
  }
  await mkdir(path.join(root, "dist/src/agent/claude"), { recursive: true });
  return { from: pathToFileURL(path.join(root, "dist/src/agent/claude/binary.js")), wrapper };
}

describe("defaultClaudeBinary without claude-code's postinstall", () => {
  it("finds the platform package's binary, not the stub, and it runs", async () => {
    const { from } = await app("linux-x64");
    const bin = defaultClaudeBinary(from, "linux-x64");
    expect(bin).toBe(path.join(root!, "node_modules/@anthropic-ai/claude-code-linux-x64/claude"));
    expect(execFileSync(bin).toString()).toBe("real claude linux-x64\n");
  });

  it("finds an arm64 package, and one npm nested under the wrapper", async () => {
    const { from, wrapper } = await app("linux-arm64", true);
    const bin = defaultClaudeBinary(from, "linux-arm64");
    expect(bin).toBe(path.join(wrapper, "node_modules/@anthropic-ai/claude-code-linux-arm64/claude"));
    expect(execFileSync(bin).toString()).toBe("real claude linux-arm64\n");
  });

  it("no platform package for this machine → the wrapper's stub, which fails saying so", async () => {
    const { from, wrapper } = await app(null);
    const bin = defaultClaudeBinary(from, "linux-x64");
    expect(bin).toBe(path.join(wrapper, "bin/claude.exe"));
    expect(() => execFileSync(bin, { stdio: "pipe" })).toThrow(/not installed/);
  });

  it("this machine: the real, installed binary of the dependency", () => {
    expect(claudePlatform()).toMatch(/^linux-(x64|arm64)(-musl)?$/);
    const bin = defaultClaudeBinary();
    expect(bin).toContain(`@anthropic-ai/claude-code-${claudePlatform()}`);
    expect(existsSync(bin)).toBe(true);
    expect(execFileSync(bin, ["--version"]).toString()).toMatch(/^2\.\d+\.\d+/);
  });
});
