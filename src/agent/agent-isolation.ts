// The isolation the runtime builds once (setUpAgentIsolation in isolation.ts) and hands to the workspace and
// the agent runs. It puts together the parts, each in its own file: the uid pool (uid-pool.ts), one run's
// lease (job-lease.ts), the repositories' groups (mirror-groups.ts) and folder modes (agent-files.ts).
// It knows no workspace layout: the workspace passes every path in.
import { promises as fs } from "node:fs";
import path from "node:path";
import { traverseOnly } from "./agent-files.js";
import type { IsolationSettings } from "./isolation-settings.js";
import { leaseJob, type AgentLease, type LeaseRequest } from "./job-lease.js";
import { MirrorGroups, type MirrorRef } from "./mirror-groups.js";
import { UidPool } from "./uid-pool.js";

export class AgentIsolation {
  private readonly uids: UidPool;
  private readonly groups: MirrorGroups;
  /** Worktree dir → its repository's gid, fixed by the bot at checkout (the agent may rewrite `.git` later). */
  private readonly worktreeGids = new Map<string, number>();

  constructor(
    readonly settings: IsolationSettings,
    readonly botUid: number,
    readonly botGid: number,
    /** The codex binary agents run when no CODEX_BIN is set: reachable by their uids (agent-binary.ts). */
    readonly agentBinary?: string,
  ) {
    this.uids = new UidPool(settings.AGENT_UID_BASE, settings.AGENT_UID_COUNT);
    this.groups = new MirrorGroups(settings.AGENT_GID_BASE, settings.AGENT_GID_COUNT, botUid);
  }

  /** Fails at start, not mid-job, when a user namespace does not map the configured ids. */
  async probeIds(dir: string): Promise<void> {
    const probe = path.join(dir, `.isolation-probe-${process.pid}`);
    await fs.writeFile(probe, "");
    try {
      const s = this.settings;
      await fs.chown(probe, s.AGENT_UID_BASE + s.AGENT_UID_COUNT - 1, s.AGENT_GID_BASE + s.AGENT_GID_COUNT - 1);
    } catch (error) {
      throw new Error(
        `agent isolation: cannot give files to the agent's user ids (${(error as Error).message}); in a user namespace, choose AGENT_UID_BASE/AGENT_GID_BASE inside its mapped range`,
        { cause: error },
      );
    } finally {
      await fs.rm(probe, { force: true });
    }
  }

  /** Folders of the workspace that agents pass through (to their own job, their own mirror) but may not list. */
  traverseOnly(dirs: string[]): Promise<void> {
    return traverseOnly(dirs);
  }

  /** Gives the mirror its repository's group; returns that gid. Call under the mirror's lock. */
  protectMirror(mirror: MirrorRef): Promise<number> {
    return this.groups.protect(mirror);
  }

  /** Remembers which repository a worktree belongs to, so its agent gets that repository's group. */
  async bindWorktree(worktreeDir: string, mirror: MirrorRef): Promise<void> {
    this.worktreeGids.set(path.resolve(worktreeDir), await this.groups.gidOf(mirror));
  }

  unbindWorktree(worktreeDir: string): void {
    this.worktreeGids.delete(path.resolve(worktreeDir));
  }

  /** A uid of its own for one run in `jobDir`, with the group of the repository bound to `cwd` (see job-lease.ts). */
  lease(request: LeaseRequest): Promise<AgentLease> {
    const gid = this.worktreeGids.get(path.resolve(request.cwd));
    return leaseJob(request, { pool: this.uids, bot: { uid: this.botUid, gid: this.botGid }, ...(gid !== undefined && { gid }) });
  }
}
