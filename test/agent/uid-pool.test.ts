import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UidPool } from "../../src/agent/uid-pool.js";

// The pool with its claims in a folder of the test's own, so it runs without root and apart from real agents.
let claims: string;
beforeEach(async () => {
  claims = await mkdtemp(path.join(tmpdir(), "uid-claims-"));
});
afterEach(() => rm(claims, { recursive: true, force: true }));

describe("the agent uid pool", () => {
  it("hands out distinct uids of its range, each with a claim naming this process, and refuses when all are taken", async () => {
    const pool = new UidPool(500_000, 3, claims);
    const uids = await Promise.all([pool.take(), pool.take(), pool.take()]);
    expect([...uids].sort()).toEqual([500_000, 500_001, 500_002]);
    for (const uid of uids) expect(await readFile(path.join(claims, String(uid)), "utf8")).toBe(String(process.pid));
    await expect(pool.take()).rejects.toThrow("all 3 agent user ids are in use (raise AGENT_UID_COUNT)");
    await pool.give(500_001);
    expect(await readdir(claims)).not.toContain("500001");
    expect(await pool.take()).toBe(500_001);
  });

  it("reuses a uid as late as possible: the next one in the round, not the one just given back", async () => {
    const pool = new UidPool(500_000, 3, claims);
    const first = await pool.take();
    await pool.give(first);
    expect(await pool.take()).toBe(first + 1);
  });

  it("never gives two pools on one machine (two worker processes) the same uid", async () => {
    const a = new UidPool(500_000, 2, claims);
    const b = new UidPool(500_000, 2, claims);
    const uids = [await a.take(), await b.take()];
    expect(new Set(uids).size).toBe(2);
    await expect(a.take()).rejects.toThrow(/in use/);
  });

  it("skips a uid a live process holds, and frees the claim of a dead one for a later round", async () => {
    const holder = spawn("sleep", ["30"], { stdio: "ignore" });
    await writeFile(path.join(claims, "500000"), String(holder.pid));
    const pool = new UidPool(500_000, 1, claims);
    await expect(pool.take()).rejects.toThrow(/in use/);
    holder.kill("SIGKILL");
    await new Promise((r) => holder.once("exit", r));
    // The round that finds the dead claim only removes it (two processes clearing it must not both win).
    await expect(pool.take()).rejects.toThrow(/in use/);
    expect(await pool.take()).toBe(500_000);
  });
});
