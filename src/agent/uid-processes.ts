// Killing whatever still runs under an agent uid, before the uid is handed out again or its files change owner:
// an agent's process can leave its process group (setsid, a double fork), so the group kill is not enough.
import { promises as fs } from "node:fs";

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
