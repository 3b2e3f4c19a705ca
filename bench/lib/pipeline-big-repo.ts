// A generated repository the size of a real project (5,000 files, 1,000 commits) in a bare repository, made
// with one `git fast-import` stream (seconds, where 1,000 `git commit`s would take minutes).
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runGit } from "../../src/workspace/git.js";

const WHO = "Bench <bench@example.test> 1767225600 +0000";

function fileText(i: number, version: number): string {
  // Distinct, source-like content, so the pack is not one delta chain of a single blob.
  const lines = [`// module ${i} v${version}`];
  for (let k = 0; k < 12; k++) lines.push(`export const value${k}_${i} = ${(i * 7919 + k * 104729 + version) % 1_000_003};`);
  return lines.join("\n") + "\n";
}

const filePath = (i: number) => `src/pkg${i % 50}/mod${Math.floor(i / 50) % 10}/file${i}.ts`;

function inline(p: string, content: string): string {
  return `M 100644 inline ${p}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
}

function commitHeader(n: number, message: string, from: string | null): string {
  return `commit refs/heads/main\ncommitter ${WHO.replace("1767225600", String(1767225600 + n * 60))}\ndata ${Buffer.byteLength(message)}\n${message}\n${from ? `from ${from}\n` : ""}`;
}

export interface BigRepo {
  bare: string;
  dir: string;
  files: number;
  commits: number;
  /** Adds one commit on main (a small change, as a new push would) and returns its sha. */
  push(n: number): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createBigRepo(files = 5000, commits = 1000): Promise<BigRepo> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), "bench-big-"));
  const bare = path.join(dir, "remote.git");
  await runGit(["init", "--bare", "--quiet", "--initial-branch=main", bare], { cwd: dir });
  const parts: string[] = [commitHeader(0, "initial import", null)];
  for (let i = 0; i < files; i++) parts.push(inline(filePath(i), fileText(i, 0)));
  for (let c = 1; c < commits; c++) {
    parts.push(commitHeader(c, `change ${c}`, null));
    for (let k = 0; k < 3; k++) {
      const i = (c * 37 + k * 1013) % files;
      parts.push(inline(filePath(i), fileText(i, c)));
    }
  }
  await runGit(["fast-import", "--quiet"], { cwd: bare, input: parts.join("") });
  // Packed as a served repository is.
  await runGit(["repack", "-a", "-d", "-q"], { cwd: bare, timeoutMs: 10 * 60_000 });
  return {
    bare,
    dir,
    files,
    commits,
    async push(n) {
      const stream = commitHeader(commits + n, `push ${n}`, "refs/heads/main^0") + inline("CHANGE.md", `push ${n}\n`);
      await runGit(["fast-import", "--quiet"], { cwd: bare, input: stream });
      return runGit(["rev-parse", "refs/heads/main"], { cwd: bare });
    },
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
