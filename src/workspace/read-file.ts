import { GitError, runGitBuffer } from "./git.js";

/** A file's bytes at a ref of the mirror, or null when the path does not exist there. */
export async function readFileAtRef(mirrorPath: string, ref: string, filePath: string): Promise<Buffer | null> {
  try {
    return await runGitBuffer(["cat-file", "blob", `${ref}:${filePath}`], { cwd: mirrorPath });
  } catch (err) {
    if (err instanceof GitError) return null;
    throw err;
  }
}
