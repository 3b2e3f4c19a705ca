// The agent uids of this machine, one per running agent. Several worker processes on one machine share the
// range, so a uid is claimed with a lock file (created exclusively) naming the holder; within this process a set
// keeps the uids it holds, so it never hands out its own uid twice.
import { promises as fs } from "node:fs";
import path from "node:path";
import { pidAlive } from "../process/pid-alive.js";

// Machine-wide, like the uids themselves (not per workspace: two workspaces on one machine share the uids).
export const UID_CLAIMS_DIR = "/run/codex-dispatch/agent-uids";

export class UidPool {
  private readonly inUse = new Set<number>();
  private next = 0;

  constructor(
    readonly base: number,
    readonly count: number,
    /** Where the claims live; only tests choose another folder. */
    readonly claimsDir = UID_CLAIMS_DIR,
  ) {}

  /** A uid no other run (of this or another process) holds. Give it back with `give`. */
  async take(): Promise<number> {
    await fs.mkdir(this.claimsDir, { recursive: true, mode: 0o700 });
    // Round robin over the range, so a uid is reused as late as possible. The start is read once: a take
    // running at the same time moves `next`, and reading it anew each step would skip uids and report a
    // range with free uids as exhausted.
    const start = this.next;
    for (let i = 0; i < this.count; i++) {
      const uid = this.base + ((start + i) % this.count);
      if (this.inUse.has(uid) || !(await this.claim(uid))) continue;
      this.inUse.add(uid);
      this.next = (start + i + 1) % this.count;
      return uid;
    }
    throw new Error(`agent isolation: all ${this.count} agent user ids are in use (raise AGENT_UID_COUNT)`);
  }

  async give(uid: number): Promise<void> {
    this.inUse.delete(uid);
    await fs.rm(path.join(this.claimsDir, String(uid)), { force: true });
  }

  // True when this process now holds `uid`. A claim whose holder is dead (a crash) is removed, and the uid is
  // left for a later round rather than taken at once, so two processes clearing it cannot both end up with it.
  private async claim(uid: number): Promise<boolean> {
    const file = path.join(this.claimsDir, String(uid));
    try {
      await fs.writeFile(file, String(process.pid), { flag: "wx", mode: 0o600 });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number(await fs.readFile(file, "utf8").catch(() => ""));
    if (holder > 0 && holder !== process.pid && !pidAlive(holder)) await fs.rm(file, { force: true });
    return false;
  }
}
