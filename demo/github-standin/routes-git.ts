import { gitDirOf, repoApi, repoOf, type StandInCore } from "./core.js";
import { APP_AUTHOR, git, resolveRef } from "./git-store.js";
import { checkPath, listTree, readCommit, SHA, writeTree, type Entry } from "./git-objects.js";
import { HttpError, field, isArray, isObject, isString, type Router } from "./http-kit.js";
import { addGitRefRoutes } from "./routes-git-refs.js";
import type { Json } from "./state.js";

const WEB_FLOW = { name: "GitHub", email: "noreply@github.com" };

/**
 * The Git Data API (blobs → tree → commit → ref) backed by the repository's bare git repository: the objects
 * here, the refs and the branch and commit reads a publisher needs in routes-git-refs.ts. Commits made without a
 * custom author are marked Verified, as GitHub does for commits an App creates through this API.
 */
export function addGitRoutes(router: Router, core: StandInCore): void {
  const { state } = core;

  router.add("POST", "/repos/:owner/:repo/git/blobs", async (ctx) => {
    const record = repoOf(core, ctx);
    const content = field(ctx.body, "content", isString)!;
    const encoding = field(ctx.body, "encoding", isString, false) ?? "utf-8";
    if (encoding !== "utf-8" && encoding !== "base64") throw new HttpError(422, `Invalid request.\n\nencoding must be utf-8 or base64`);
    const bytes = Buffer.from(content, encoding === "base64" ? "base64" : "utf8");
    const sha = (await git(gitDirOf(record), ["hash-object", "-w", "--stdin"], bytes)).trim();
    const blob = { sha, url: `${repoApi(core, record)}/git/blobs/${sha}`, size: bytes.length };
    state.blobs.push(blob);
    return { status: 201, body: { sha: blob.sha, url: blob.url } };
  });

  router.add("POST", "/repos/:owner/:repo/git/trees", async (ctx) => {
    const record = repoOf(core, ctx);
    const dir = gitDirOf(record);
    const baseTree = field(ctx.body, "base_tree", isString, false);
    const items = field(ctx.body, "tree", isArray)!;
    const flat = new Map<string, Entry>(baseTree ? await listTree(dir, baseTree) : []);
    for (const item of items) {
      if (!isObject(item) || !isString(item.path) || !isString(item.mode))
        throw new HttpError(422, "Invalid request.\n\ntree entries need path and mode.");
      checkPath(item.path);
      if (item.sha === null) {
        for (const key of [...flat.keys()]) if (key === item.path || key.startsWith(`${item.path}/`)) flat.delete(key);
      } else if (isString(item.content)) {
        const sha = (await git(dir, ["hash-object", "-w", "--stdin"], item.content)).trim();
        flat.set(item.path, { mode: item.mode, type: "blob", sha });
      } else if (isString(item.sha) && SHA.test(item.sha)) {
        if (item.type === "tree") for (const [p, e] of await listTree(dir, item.sha, `${item.path}/`)) flat.set(p, e);
        else flat.set(item.path, { mode: item.mode, type: isString(item.type) ? item.type : "blob", sha: item.sha });
      } else {
        throw new HttpError(422, "Invalid request.\n\nA tree entry needs sha or content.");
      }
    }
    const sha = await writeTree(dir, flat);
    const api = repoApi(core, record);
    const tree = {
      sha,
      url: `${api}/git/trees/${sha}`,
      tree: (await git(dir, ["ls-tree", sha]))
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const [meta, path] = line.split("\t");
          const [mode, type, entrySha] = meta.split(" ");
          return { path, mode, type, sha: entrySha, url: `${api}/git/${type}s/${entrySha}` };
        }),
      truncated: false,
    };
    state.trees.push(tree);
    return { status: 201, body: tree };
  });

  router.add("POST", "/repos/:owner/:repo/git/commits", async (ctx) => {
    const record = repoOf(core, ctx);
    const dir = gitDirOf(record);
    const message = field(ctx.body, "message", isString)!;
    const tree = field(ctx.body, "tree", isString)!;
    const parents = (field(ctx.body, "parents", isArray, false) ?? []).map(String);
    const author = field(ctx.body, "author", isObject, false);
    const committer = field(ctx.body, "committer", isObject, false);
    const now = new Date().toISOString();
    const who = (p: Json | undefined) => ({
      name: String(p?.name ?? APP_AUTHOR.name),
      email: String(p?.email ?? APP_AUTHOR.email),
      date: String(p?.date ?? now),
    });
    const a = who(author);
    // GitHub commits an App's API commit as its web-flow identity, with the bot as author.
    const c = who(committer ?? author ?? WEB_FLOW);
    const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])];
    const env = {
      GIT_AUTHOR_NAME: a.name,
      GIT_AUTHOR_EMAIL: a.email,
      GIT_AUTHOR_DATE: a.date,
      GIT_COMMITTER_NAME: c.name,
      GIT_COMMITTER_EMAIL: c.email,
      GIT_COMMITTER_DATE: c.date,
    };
    const sha = (await git(dir, args, message, env)).trim();
    const verified = !author && !committer;
    state.commits.push({ sha, verification: { verified, reason: verified ? "valid" : "unsigned", signature: null, payload: null } });
    const body = await readCommit(core, record, dir, sha);
    Object.assign(state.commits[state.commits.length - 1], body);
    return { status: 201, body };
  });

  router.add("GET", "/repos/:owner/:repo/git/commits/:sha", async (ctx) => {
    const record = repoOf(core, ctx);
    const dir = gitDirOf(record);
    if (!SHA.test(ctx.params.sha) || !(await resolveRef(dir, ctx.params.sha))) throw new HttpError(404, "Not Found");
    return { status: 200, body: await readCommit(core, record, dir, ctx.params.sha) };
  });

  addGitRefRoutes(router, core);
}
