import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runGit, runGitBuffer } from "./git.js";
import { parseOrThrow, Sha } from "./names.js";
import { FILE_BYTES_CEILING, TOTAL_BYTES_CEILING } from "./size-limits.js";

export type ChangeStatus = "added" | "modified" | "deleted" | "renamed";
/** 160000 is a gitlink (a nested repository the agent created): reported so the policy can refuse it. */
export type FileMode = "100644" | "100755" | "120000" | "160000";

export interface Change {
  path: string;
  /** For renames: where the file came from. */
  oldPath?: string;
  status: ChangeStatus;
  /** The new mode (the old one for deletions). */
  mode: FileMode;
  /** The mode before, when a modification or rename changed it (a gitlink turned into a file, say). */
  oldMode?: FileMode;
  /** Also true for a text file above FILE_BYTES_CEILING: git does not look inside files that big. */
  isBinary: boolean;
  /** Lines added, without the leading '+' (empty for binary files). */
  addedLines: string[];
  added: number;
  removed: number;
  symlinkTarget?: string;
  /** Bytes of the new content (absent for deletions and gitlinks), known even when `content` was not read. */
  size?: number;
  /**
   * The new content as git stores it (absent for deletions and gitlinks, and not read for a file above
   * FILE_BYTES_CEILING or when the diff is above TOTAL_BYTES_CEILING: the policy refuses those anyway).
   */
  content?: Buffer;
}

const STATUS: Record<string, ChangeStatus> = { A: "added", M: "modified", D: "deleted", R: "renamed", T: "modified" };
const MODES = new Set<string>(["100644", "100755", "120000", "160000"]);

interface RawEntry {
  oldMode: string;
  newMode: string;
  newSha: string;
  status: string;
  path: string;
  oldPath?: string;
}

// `--raw -z`: ":old new oldsha newsha STATUS\0path\0" and, for renames, "\0old\0new\0".
function parseRaw(out: string): RawEntry[] {
  const fields = out.split("\0");
  const entries: RawEntry[] = [];
  for (let i = 0; i < fields.length && fields[i] !== "";) {
    const [oldMode, newMode, , newSha, status] = (fields[i++] as string).slice(1).split(" ");
    if (!oldMode || !newMode || !newSha || !status) throw new Error(`collectChanges: cannot parse git diff --raw output`);
    if (status.startsWith("R")) {
      const oldPath = fields[i++] as string;
      entries.push({ oldMode, newMode, newSha, status: "R", oldPath, path: fields[i++] as string });
    } else {
      entries.push({ oldMode, newMode, newSha, status: status[0] as string, path: fields[i++] as string });
    }
  }
  return entries;
}

// `--numstat -z`: "added\tremoved\tpath\0", or "added\tremoved\t\0old\0new\0" for renames; "-" for binary.
function parseNumstat(out: string): { added: number; removed: number; binary: boolean }[] {
  const fields = out.split("\0");
  const rows: { added: number; removed: number; binary: boolean }[] = [];
  for (let i = 0; i < fields.length && fields[i] !== "";) {
    const [added, removed, path] = (fields[i++] as string).split("\t");
    if (path === "") i += 2;
    const binary = added === "-";
    rows.push({ added: binary ? 0 : Number(added), removed: binary ? 0 : Number(removed), binary });
  }
  return rows;
}

// The patch lists files in the same order as --raw; each starts with a "diff --git" line (content lines
// always carry a '+', '-' or ' ' prefix, so they cannot be mistaken for one).
function parseAddedLines(patch: string): string[][] {
  const files: string[][] = [];
  let current: string[] | undefined;
  let inHunk = false;
  for (const line of patch.split("\n")) {
    if (line.startsWith("diff --git ")) {
      current = [];
      files.push(current);
      inHunk = false;
    } else if (line.startsWith("@@")) {
      inHunk = true;
    } else if (inHunk && line.startsWith("+") && current) {
      current.push(line.slice(1));
    }
  }
  return files;
}

// A change of kind (file, symlink, gitlink) is one --raw entry but two patches, a deletion and a creation.
const kind = (mode: string) => mode.slice(0, 3);
function typeChanged(e: RawEntry): boolean {
  return e.oldMode !== "000000" && e.newMode !== "000000" && kind(e.oldMode) !== kind(e.newMode);
}

/** The patch's added lines per --raw entry; undefined when the two outputs do not line up. */
function addedLinesPerEntry(raw: RawEntry[], patches: string[][]): string[][] | undefined {
  const out: string[][] = [];
  let next = 0;
  for (const entry of raw) {
    const parts = typeChanged(entry) ? 2 : 1;
    if (next + parts > patches.length) return undefined;
    out.push(patches.slice(next, next + parts).flat());
    next += parts;
  }
  return next === patches.length ? out : undefined;
}

// `git cat-file --batch-check` answers "<sha> <type> <size>" per requested object, without its content.
function parseBatchCheck(out: string, count: number): number[] {
  const lines = out.split("\n");
  const sizes: number[] = [];
  for (let n = 0; n < count; n++) {
    const header = (lines[n] ?? "").split(" ");
    const size = Number(header[2]);
    if (header[1] === "missing" || header[2] === undefined || !Number.isSafeInteger(size)) {
      throw new Error(`collectChanges: blob ${header[0] ?? "?"} missing`);
    }
    sizes.push(size);
  }
  return sizes;
}

// `git cat-file --batch` answers "<sha> <type> <size>\n<content>\n" per requested object.
function parseBatch(out: Buffer, count: number): Buffer[] {
  const blobs: Buffer[] = [];
  let pos = 0;
  for (let n = 0; n < count; n++) {
    const eol = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, eol).toString("utf8").split(" ");
    const size = Number(header[2]);
    if (header[1] === "missing" || !Number.isFinite(size)) throw new Error(`collectChanges: blob ${header[0]} missing`);
    blobs.push(out.subarray(eol + 1, eol + 1 + size));
    pos = eol + 1 + size + 1;
  }
  return blobs;
}

/**
 * What changed in the worktree since `baseSha`, tracked and untracked (ignored files excepted), exactly as a
 * commit of the worktree would record it. The agent's own account of its edits is not trusted; this is.
 *
 * Everything runs against a temporary index (GIT_INDEX_FILE): the worktree's real index is never touched,
 * and what the agent may have staged or left in it does not matter.
 */
export async function collectChanges(worktreePath: string, baseSha: string): Promise<Change[]> {
  const base = parseOrThrow(Sha, baseSha, "collectChanges");
  const tmp = await fs.mkdtemp(join(tmpdir(), "codex-dispatch-index-"));
  const env = { GIT_INDEX_FILE: join(tmp, "index") };
  const git = (args: string[]) => runGit(args, { cwd: worktreePath, env });
  try {
    // Start from the bare tree, never from a copy of the worktree's index: its stat data would let git skip
    // a file the agent rewrote with the same size within the same second ("racily clean"), and that edit
    // would silently vanish from the diff. Hashing every file is the price of the truth.
    await git(["read-tree", base]);
    await git(["add", "-A", "--", "."]);
    // No rename guessing beyond git's default, no external diff or textconv programs from any config.
    // Files above the per-file ceiling count as binary: git then prints no patch for them (a 40 MB line
    // would otherwise come back to us as a 40 MB string).
    const common = ["-c", `core.bigFileThreshold=${FILE_BYTES_CEILING}`, "diff", "--cached", "-M", "--no-ext-diff", "--no-textconv", base];
    const raw = parseRaw(await git([...common, "-z", "--raw", "--abbrev=40"]));
    const withContent = raw.filter((e) => e.status !== "D" && e.newMode !== "160000");
    // Sizes first, from the object headers alone: what is too big is never read into memory.
    const sizes = withContent.length
      ? parseBatchCheck(
          await runGit(["cat-file", "--batch-check"], { cwd: worktreePath, input: withContent.map((e) => `${e.newSha}\n`).join("") }),
          withContent.length,
        )
      : [];
    const sizeBySha = new Map(withContent.map((e, i) => [e.newSha, sizes[i] as number]));
    // Above the total ceiling the policy refuses the diff whatever its configuration: read no patch and no content.
    const huge = sizes.reduce((a, b) => a + b, 0) > TOTAL_BYTES_CEILING;
    const stats = parseNumstat(await git([...common, "-z", "--numstat"]));
    const patches = huge ? [] : parseAddedLines(await git([...common, "--no-color", "-U0"]));
    const added = huge ? raw.map(() => []) : addedLinesPerEntry(raw, patches);
    if (stats.length !== raw.length || added === undefined) {
      throw new Error(`collectChanges: git diff outputs disagree (${raw.length}/${stats.length}/${patches.length} files)`);
    }
    const toRead = huge ? [] : withContent.filter((e) => (sizeBySha.get(e.newSha) as number) <= FILE_BYTES_CEILING);
    const blobs = toRead.length
      ? parseBatch(
          await runGitBuffer(["cat-file", "--batch"], { cwd: worktreePath, input: toRead.map((e) => `${e.newSha}\n`).join("") }),
          toRead.length,
        )
      : [];
    const contentBySha = new Map(toRead.map((e, i) => [e.newSha, blobs[i] as Buffer]));

    return raw.map((entry, i) => {
      const status = STATUS[entry.status];
      const modeRaw = entry.status === "D" ? entry.oldMode : entry.newMode;
      if (!status || !MODES.has(modeRaw)) {
        throw new Error(`collectChanges: unexpected change ${entry.status} ${modeRaw} for ${entry.path}`);
      }
      const stat = stats[i] as { added: number; removed: number; binary: boolean };
      const content = contentBySha.get(entry.newSha);
      const change: Change = {
        path: entry.path,
        status,
        mode: modeRaw as FileMode,
        isBinary: stat.binary,
        addedLines: stat.binary ? [] : (added[i] as string[]),
        added: stat.added,
        removed: stat.removed,
      };
      if (entry.oldPath !== undefined) change.oldPath = entry.oldPath;
      if (entry.status !== "A" && entry.status !== "D" && entry.oldMode !== entry.newMode && MODES.has(entry.oldMode)) {
        change.oldMode = entry.oldMode as FileMode;
      }
      const size = entry.status === "D" ? undefined : sizeBySha.get(entry.newSha);
      if (size !== undefined) change.size = size;
      if (content && entry.status !== "D") change.content = content;
      if (modeRaw === "120000" && content) change.symlinkTarget = content.toString("utf8");
      return change;
    });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
