/**
 * Signals a child's whole process group. Children start detached (their own group, id = their pid) because
 * what we run starts helpers of its own (git its remote helpers, codex and a verify command a whole tree of
 * processes) that would keep running, and keep our pipes open, if only the direct child were signalled.
 */
export class ProcessGroup {
  private graceTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly pgid: number | undefined,
    private readonly graceMs: number,
  ) {}

  signal(sig: NodeJS.Signals): void {
    if (this.pgid === undefined) return;
    try {
      process.kill(-this.pgid, sig);
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  /** SIGTERM to the group, then SIGKILL after the grace period for whatever ignored it. Only the first call counts. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.signal("SIGTERM");
    this.graceTimer = setTimeout(() => this.signal("SIGKILL"), this.graceMs);
  }

  /** The run is over: no more signals later (the pgid could be reused one day). */
  dispose(): void {
    clearTimeout(this.graceTimer);
  }
}
