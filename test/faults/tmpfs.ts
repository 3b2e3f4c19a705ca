// A small tmpfs for one worker's WORKSPACE_DIR: a disk that really fills up. Mounting needs root (the suite runs
// as root here and in CI); when it cannot be mounted the case fails with the reason, it is never skipped.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SmallDisk {
  dir: string;
  /** Unmounts and removes the mount point. */
  remove(): Promise<void>;
}

export async function mountSmallDisk(sizeMb: number): Promise<SmallDisk> {
  const dir = await mkdtemp(path.join(tmpdir(), "codex-dispatch-small-disk-"));
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m,mode=0711`, "tmpfs", dir]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    const e = err as Error & { stderr?: string };
    throw new Error(
      `the disk-full case needs a ${sizeMb} MB tmpfs, and \`mount -t tmpfs\` failed (run the fault suite as root, ` +
        `with CAP_SYS_ADMIN in a container): ${e.stderr?.trim() || e.message}`,
      { cause: err },
    );
  }
  return {
    dir,
    async remove() {
      await run("umount", ["-l", dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
