// One group id per repository, given to its mirror and to its agents as their only group: an agent's git reads
// its own repository's objects through the group, and an agent of another repository is refused at the mirror's
// top directory (`<bot>:<repo gid> 0750`).
//
// The gid is stored as the mirror directory's group, so it survives restarts without a table. The workspace
// says where mirrors are (describeMirror in workspace/layout.ts); this file knows no paths of its own.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";

/** A mirror as the workspace describes it. */
export interface MirrorRef {
  path: string;
  /** Stable across processes and restarts (`<owner>/<name>.git`): where the search for a free gid starts. */
  name: string;
  /** Every mirror of the workspace, so a new one takes a gid none of them has. */
  listAll(): Promise<string[]>;
}

export class MirrorGroups {
  // Choosing a gid (list the taken ones, take a free one) is one step: two new mirrors at once must not both
  // find the same gid free.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly base: number,
    readonly count: number,
    /** Owner of the mirrors: the bot. */
    readonly botUid: number,
  ) {}

  contains(gid: number): boolean {
    return gid >= this.base && gid < this.base + this.count;
  }

  /** Gives the mirror its repository's group, readable by the group only; returns that gid. Call under the mirror's lock. */
  async protect(mirror: MirrorRef): Promise<number> {
    const gid = await this.gidOf(mirror);
    await fs.chown(mirror.path, this.botUid, gid);
    await fs.chmod(mirror.path, 0o750);
    return gid;
  }

  /** The mirror's gid: the one it has, or (a new mirror) the first free one from a hash of its name. */
  gidOf(mirror: MirrorRef): Promise<number> {
    const run = this.queue.then(async () => {
      const own = (await fs.stat(mirror.path)).gid;
      if (this.contains(own)) return own;
      const used = await this.taken(mirror);
      const start = createHash("sha256").update(mirror.name.toLowerCase()).digest().readUInt32BE(0) % this.count;
      for (let i = 0; i < this.count; i++) {
        const gid = this.base + ((start + i) % this.count);
        if (used.has(gid)) continue;
        await fs.chown(mirror.path, this.botUid, gid);
        return gid;
      }
      throw new Error(`agent isolation: all ${this.count} repository gids are taken (raise AGENT_GID_COUNT)`);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async taken(mirror: MirrorRef): Promise<Set<number>> {
    const used = new Set<number>();
    for (const other of await mirror.listAll()) {
      const gid = (await fs.stat(other)).gid;
      if (this.contains(gid)) used.add(gid);
    }
    return used;
  }
}
