// Disk a directory takes, as `du` counts it: allocated blocks (st_blocks × 512, not apparent sizes), each inode
// once (hard links), symlinks not followed. A directory may vanish while it is walked (a job dir is deleted
// when its job ends): what vanished is not counted and is not an error. Synchronous, so the bench can time
// exactly what its own measuring costs and leave it out of the worker's CPU.
import { lstatSync, readdirSync } from "node:fs";
import path from "node:path";

export interface DiskUsage {
  bytes: number;
  files: number;
}

export function diskUsage(dir: string): DiskUsage {
  const seen = new Set<string>();
  const total: DiskUsage = { bytes: 0, files: 0 };
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    let st;
    try {
      st = lstatSync(current);
    } catch {
      continue;
    }
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) continue;
    seen.add(id);
    total.bytes += st.blocks * 512;
    if (!st.isDirectory()) {
      total.files++;
      continue;
    }
    try {
      for (const name of readdirSync(current)) stack.push(path.join(current, name));
    } catch {
      // gone, or not ours to list
    }
  }
  return total;
}

export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
