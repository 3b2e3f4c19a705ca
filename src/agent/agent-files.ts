// File ownership and modes for agent runs: a job dir handed to an agent's uid and back, the git config that
// lets its git read the worktree, folders agents pass through without listing, and the data dir kept private.
import { promises as fs } from "node:fs";
import path from "node:path";

/**
 * Changes the owner of a tree without following symlinks. Files with more than one link are left alone: such a
 * link may point at a file outside the tree, which must not change hands. Set-id bits never survive.
 */
export async function chownTree(root: string, uid: number, gid: number): Promise<void> {
  const st = await fs.lstat(root).catch(() => null);
  if (!st) return;
  if (!st.isDirectory() && st.nlink > 1) return;
  await fs.lchown(root, uid, gid);
  if (st.isFile() && st.mode & 0o6000) await fs.chmod(root, st.mode & 0o1777);
  if (!st.isDirectory()) return;
  const entries = await fs.readdir(root);
  // A bounded fan-out: fast on big worktrees without opening thousands of files at once.
  for (let i = 0; i < entries.length; i += 64) {
    await Promise.all(entries.slice(i, i + 64).map((name) => chownTree(path.join(root, name), uid, gid)));
  }
}

// The worktree's git dir lives in the mirror, owned by the bot: without this, git in the worktree refuses
// ("dubious ownership"). safe.directory is only read from global config, which for the agent is this file.
export async function writeAgentGitConfig(home: string, worktree: string): Promise<void> {
  await fs.mkdir(home, { recursive: true });
  if (/[\n"\\]/.test(worktree)) throw new Error(`agent isolation: unusable worktree path ${JSON.stringify(worktree)}`);
  await fs.writeFile(path.join(home, ".gitconfig"), `[safe]\n\tdirectory = "${worktree}"\n`, { mode: 0o600 });
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** Other users (the agents) may pass through `dirs` to what they know the path of, but not list them (0711). */
export async function traverseOnly(dirs: string[]): Promise<void> {
  for (const dir of dirs) await fs.chmod(dir, 0o711);
}

// DATA_DIR holds the database and often the key: the bot's alone. When the workspace lives inside it, the data
// dir must stay traversable for the agent (0711), so everything else in it is made private instead.
export async function makePrivate(dataDir: string, workspaceDir: string): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (!isInside(workspaceDir, dataDir)) {
    await fs.chmod(dataDir, 0o700);
    return;
  }
  await fs.chmod(dataDir, 0o711);
  const keep = path.relative(dataDir, workspaceDir).split(path.sep)[0];
  for (const entry of await fs.readdir(dataDir)) {
    if (entry === keep) continue;
    const full = path.join(dataDir, entry);
    const st = await fs.lstat(full);
    if (!st.isSymbolicLink()) await fs.chmod(full, st.mode & 0o7700);
  }
  // Directories between the data dir and the workspace are only traversed.
  for (let dir = path.dirname(workspaceDir); isInside(dir, dataDir) && dir !== dataDir; dir = path.dirname(dir)) await fs.chmod(dir, 0o711);
}

/** True when a user other than the owner (and its group) can read `file`: o+r on it and o+x on every dir above. */
export async function readableByOthers(file: string): Promise<boolean> {
  const st = await fs.stat(file).catch(() => null);
  if (!st || !(st.mode & 0o004)) return false;
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    const d = await fs.stat(dir).catch(() => null);
    if (!d || !(d.mode & 0o001)) return false;
    if (dir === path.dirname(dir)) return true;
  }
}
