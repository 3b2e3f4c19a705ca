import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HttpError } from "./http-kit.js";

// The Git Data API of the stand-in writes real objects into the repository's local bare repository, so a
// commit the bot creates through the API is a commit a later `git fetch` of the clone URL really sees.

/** The bare repository behind a clone URL, or null when the URL is not local. */
export function localGitDir(cloneUrl: string): string | null {
  const dir = cloneUrl.startsWith("file://") ? fileURLToPath(cloneUrl) : cloneUrl;
  return dir.startsWith("/") && existsSync(dir) ? dir : null;
}

// Identity and dates for commits made "by the App": GitHub signs these and marks them Verified.
export const APP_AUTHOR = { name: "codex-dispatch[bot]", email: "4200000+codex-dispatch[bot]@users.noreply.github.com" };

export function git(gitDir: string, args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      ["--git-dir", gitDir, ...args],
      { encoding: "buffer", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env, GIT_CONFIG_NOSYSTEM: "1" } },
      (error, stdout, stderr) => {
        if (error) reject(new HttpError(422, `git ${args[0]} failed: ${stderr.toString("utf8").trim() || error.message}`));
        else resolve(stdout.toString("utf8"));
      },
    );
    // Commands that read no input may exit before we write: their closed pipe is not an error.
    child.stdin?.on("error", () => {});
    child.stdin?.end(input ?? "");
  });
}

/** The sha a ref points at, or null when it does not exist. */
export async function resolveRef(gitDir: string, ref: string): Promise<string | null> {
  try {
    return (await git(gitDir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim() || null;
  } catch {
    return null;
  }
}

/** `refs/heads/<name>` → sha for every branch, synchronously (the snapshot is a plain getter). */
export function readBranchesSync(gitDir: string): { name: string; sha: string }[] {
  const out = execFileSync("git", ["--git-dir", gitDir, "for-each-ref", "--format=%(objectname) %(refname:lstrip=2)", "refs/heads"], {
    encoding: "utf8",
  });
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [sha, name] = line.split(" ");
      return { name, sha };
    });
}
