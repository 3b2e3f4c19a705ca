// Claude Code starts every Bash command in a session of its own (setsid), so the commands it runs are outside
// its process group: killing the group on a time limit or a cancel would leave a background `sleep` or test
// server running. Its sandbox (writing runs, claude-args.ts) gives each command a PID namespace that ends with
// the command and takes a background process with it; this sweep stays for what outlives that (a command still
// running at a time limit, a later CLI). Under agent isolation the lease kills everything of the agent's uid
// afterwards (job-lease.ts); without it, this sweep finds what the run left by the marker Claude puts in its
// children's environment (CLAUDE_PID=<its pid>) and kills it. A command that clears its own environment escapes
// the sweep: running untrusted code without isolation is refused elsewhere for that kind of reason.
import { readdir, readFile } from "node:fs/promises";

/** Kills every process whose environment says it was started by the claude process `pid`. Returns how many. */
export async function killClaudeLeftovers(pid: number): Promise<number> {
  const marker = Buffer.from(`\0CLAUDE_PID=${pid}\0`);
  let killed = 0;
  // A few passes: a dying shell may have forked a child between the scan and the kill.
  for (let pass = 0; pass < 3; pass++) {
    let found = 0;
    for (const entry of await readdir("/proc").catch(() => [] as string[])) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      const environ = await readFile(`/proc/${entry}/environ`).catch(() => null);
      if (!environ || !Buffer.concat([Buffer.from([0]), environ]).includes(marker)) continue;
      try {
        process.kill(Number(entry), "SIGKILL");
        found += 1;
      } catch {
        // already gone
      }
    }
    killed += found;
    if (found === 0) break;
  }
  return killed;
}
