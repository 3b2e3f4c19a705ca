import { readdir, readFile } from "node:fs/promises";

/** Whether any process's command line has `marker` as an argument (a unique sleep length), read from /proc. */
export async function running(marker: string): Promise<boolean> {
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.split("\0").includes(marker)) return true;
  }
  return false;
}
