// A real bare git repository in a temp dir, standing in for the GitHub remote in tests and the demo: `url` goes where the
// payload's repository.clone_url would. Commits use a fixed author and date, so the same files give the same
// shas on every machine.
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runGit } from "./git.js";

/** File contents by path; `null` deletes the file in `commit`. */
export type Files = Record<string, string | null>;

export interface BareRemote {
  /** Path of the bare repository (usable as a clone URL). */
  url: string;
  /** The branch head after creation. */
  headSha: string;
  branch: string;
  /** Commits the files on top of the branch and pushes to `ref` (default: the branch). */
  commit(files: Files, message: string, ref?: string): Promise<string>;
  /** The temp dir holding the bare and the scratch repository. */
  dir: string;
  cleanup(): Promise<void>;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.test",
  GIT_COMMITTER_NAME: "Test Author",
  GIT_COMMITTER_EMAIL: "author@example.test",
  GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
  GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
};

async function writeFiles(root: string, files: Files): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    if (path.startsWith("/") || path.split("/").includes("..")) throw new Error(`createBareRemote: bad path ${path}`);
    const full = join(root, path);
    if (content === null) {
      await fs.rm(full, { force: true });
    } else {
      await fs.mkdir(dirname(full), { recursive: true });
      await fs.writeFile(full, content);
    }
  }
}

export async function createBareRemote(opts: { files: Files; branch?: string }): Promise<BareRemote> {
  const branch = opts.branch ?? "main";
  const dir = await fs.mkdtemp(join(tmpdir(), "git-remote-"));
  const url = join(dir, "remote.git");
  const scratch = join(dir, "scratch");
  await runGit(["init", "--bare", "--quiet", `--initial-branch=${branch}`, url], { cwd: dir });
  await runGit(["init", "--quiet", `--initial-branch=${branch}`, scratch], { cwd: dir });
  const git = (args: string[]) => runGit(args, { cwd: scratch, env: IDENTITY });

  async function commit(files: Files, message: string, ref = `refs/heads/${branch}`): Promise<string> {
    await writeFiles(scratch, files);
    await git(["add", "-A"]);
    await git(["commit", "--quiet", "--allow-empty", "-m", message]);
    const sha = await git(["rev-parse", "HEAD"]);
    await git(["push", "--quiet", "--force", url, `HEAD:${ref}`]);
    // A commit pushed elsewhere (a PR head, a hidden ref) must not become the parent of the next branch commit.
    if (ref !== `refs/heads/${branch}`) await git(["reset", "--quiet", "--hard", "HEAD~1"]);
    return sha;
  }

  const headSha = await commit(opts.files, "initial commit");
  return {
    url,
    headSha,
    branch,
    commit,
    dir,
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}
