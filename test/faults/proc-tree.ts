// Processes below an app process, read from /proc: how a case finds the real codex a worker started (to kill it
// as a crash would) without any help from the app.
import { readdir, readFile } from "node:fs/promises";

interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string[];
}

async function allProcesses(): Promise<ProcInfo[]> {
  const out: ProcInfo[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // The command name in (…) may hold spaces and parentheses: the fields after the last ")" are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean);
    if (fields.length > 1) out.push({ pid: Number(entry), ppid: Number(fields[1]), cmdline });
  }
  return out;
}

/** Descendants of `root` whose command line `match` accepts (children started detached are still descendants). */
export async function descendantsOf(root: number, match: (cmdline: string[]) => boolean): Promise<number[]> {
  const procs = await allProcesses();
  const below = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) {
      if (!below.has(p.pid) && below.has(p.ppid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => p.pid !== root && below.has(p.pid) && match(p.cmdline)).map((p) => p.pid);
}

/** A codex process: the npm launcher (bin/codex.js) or the native binary it starts. */
export const isCodex = (cmdline: string[]) => cmdline.some((arg) => /(^|\/)codex(\.js)?$/.test(arg));
