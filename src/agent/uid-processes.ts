// Agent uids across the processes of one machine: who holds a uid (a lock file per uid), and killing whatever
// still runs under one before it is handed out again or its files change owner.
import { promises as fs } from "node:fs";
import path from "node:path";

// Machine-wide, like the uids themselves (not per workspace: two workspaces on one machine share the uids).
export const UID_CLAIMS_DIR = "/run/codex-dispatch/agent-uids";

// True when this process now holds `uid`. A claim whose holder is dead (a crash) is removed, and the uid is
// left for a later round rather than taken at once, so two processes clearing it cannot both end up with it.
export async function claimUid(uid: number): Promise<boolean> {
  const file = path.join(UID_CLAIMS_DIR, String(uid));
  try {
    await fs.writeFile(file, String(process.pid), { flag: "wx", mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const holder = Number(await fs.readFile(file, "utf8").catch(() => ""));
  if (holder > 0 && holder !== process.pid && !isAlive(holder)) await fs.rm(file, { force: true });
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Sends SIGKILL to every process whose real or effective uid is `uid`, until none is left (forks race us). */
export async function killProcessesOf(uid: number): Promise<void> {
  for (let pass = 0; pass < 5; pass++) {
    let found = 0;
    for (const entry of await fs.readdir("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const status = await fs.readFile(`/proc/${entry}/status`, "utf8").catch(() => "");
      const ids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
      if (!ids || (Number(ids[1]) !== uid && Number(ids[2]) !== uid)) continue;
      if (/^State:\s+Z/m.test(status)) continue;
      found++;
      try {
        process.kill(Number(entry), "SIGKILL");
      } catch {
        // gone already
      }
    }
    if (found === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
