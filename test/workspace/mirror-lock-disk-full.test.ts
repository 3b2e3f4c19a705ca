import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockPathFor, withMirrorLock } from "../../src/workspace/mirror-lock.js";
import { mountSmallDisk, type SmallDisk } from "../faults/tmpfs.js";

// Found by the fault suite's disk-full case: the lock file was created, its owner record could not be written
// (ENOSPC), and the empty file stayed. An empty lock names no owner, so every later fetch or worktree change of
// that repository waited 10 minutes for it to go stale: the job's retries hung until their time limit.
describe("the mirror lock on a full disk", () => {
  let disk: SmallDisk;
  beforeAll(async () => {
    disk = await mountSmallDisk(1);
  });
  afterAll(async () => {
    await disk?.remove();
  });

  it("a lock that cannot be written is not left behind, and the next caller gets it at once once there is room", async () => {
    const mirror = path.join(disk.dir, "repo.git");
    const filler = path.join(disk.dir, "filler");
    // Fill the disk to the last byte: writes fail with ENOSPC from here on.
    await fs.writeFile(filler, Buffer.alloc(2 * 1024 * 1024)).catch((err: NodeJS.ErrnoException) => expect(err.code).toBe("ENOSPC"));
    await expect(withMirrorLock(mirror, async () => "ran")).rejects.toMatchObject({ code: "ENOSPC" });
    await expect(fs.access(lockPathFor(mirror))).rejects.toMatchObject({ code: "ENOENT" });

    await fs.rm(filler);
    expect(await withMirrorLock(mirror, async () => "ran", { acquireTimeoutMs: 1000 })).toBe("ran");
  });
});
