import { gitDirOf, repoApi, repoOf, type StandInCore } from "./core.js";
import { git, resolveRef } from "./git-store.js";
import { readCommit } from "./git-objects.js";
import { HttpError, type Router } from "./http-kit.js";

/**
 * `GET /repos/:owner/:repo/compare/:base...:head`, read from the bare repository: head's own commits (oldest
 * first, in the REST shape with `commit.verification`), how far each side is ahead, the merge base and the files.
 */
export function addCompareRoutes(router: Router, core: StandInCore): void {
  router.add("GET", "/repos/:owner/:repo/compare/*basehead", async (ctx) => {
    const record = repoOf(core, ctx);
    const dir = gitDirOf(record);
    const [baseRef, headRef] = ctx.params.basehead.split("...");
    const base = baseRef ? await resolveRef(dir, baseRef) : null;
    const head = headRef ? await resolveRef(dir, headRef) : null;
    if (!base || !head) throw new HttpError(404, "Not Found");
    const mergeBase = (await git(dir, ["merge-base", base, head])).trim();
    const list = async (range: string) => (await git(dir, ["rev-list", "--reverse", range])).split("\n").filter(Boolean);
    const ahead = await list(`${base}..${head}`);
    const behind = await list(`${head}..${base}`);
    const commits = [];
    for (const sha of ahead) {
      const commit = await readCommit(core, record, dir, sha);
      commits.push({ sha, url: `${repoApi(core, record)}/commits/${sha}`, commit, parents: commit.parents, author: null, committer: null });
    }
    const files = (await git(dir, ["diff", "--name-status", mergeBase, head]))
      .split("\n")
      .filter(Boolean)
      .map((line) => ({ filename: line.split("\t").pop(), status: line.split("\t")[0] }));
    const status = behind.length === 0 ? (ahead.length === 0 ? "identical" : "ahead") : ahead.length === 0 ? "behind" : "diverged";
    return {
      status: 200,
      body: {
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        base_commit: await readCommit(core, record, dir, base),
        merge_base_commit: await readCommit(core, record, dir, mergeBase),
        commits,
        files,
      },
    };
  });
}
