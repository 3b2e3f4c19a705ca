import { gitDirOf, repoApi, repoHtml, repoOf, type StandInCore } from "./core.js";
import { APP_AUTHOR, git, resolveRef } from "./git-store.js";
import { HttpError, field, isArray, isObject, isString, type Router } from "./http-kit.js";
import { inRepo, type Json, type RepoRecord } from "./state.js";

const SHA = /^[0-9a-f]{40}$/;
const WEB_FLOW = { name: "GitHub", email: "noreply@github.com" };

interface Entry {
  mode: string;
  type: string;
  sha: string;
}

function checkPath(path: string): void {
  if (
    !path ||
    path.startsWith("/") ||
    path.endsWith("/") ||
    path.split("/").some((s) => s === "" || s === "." || s === ".." || s === ".git")
  ) {
    throw new HttpError(422, `GitRPC::BadObjectState: invalid path ${JSON.stringify(path)}`);
  }
}

/** Writes the nested trees for a flat path → entry map, bottom-up with `git mktree`; returns the root sha. */
async function writeTree(dir: string, flat: Map<string, Entry>, prefix = ""): Promise<string> {
  const lines: string[] = [];
  const subdirs = new Set<string>();
  for (const [path, entry] of flat) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) lines.push(`${entry.mode} ${entry.type} ${entry.sha}\t${rest}`);
    else subdirs.add(rest.slice(0, slash));
  }
  for (const name of subdirs) lines.push(`040000 tree ${await writeTree(dir, flat, `${prefix}${name}/`)}\t${name}`);
  return (await git(dir, ["mktree", "-z"], lines.map((l) => `${l}\0`).join(""))).trim();
}

async function listTree(dir: string, treeish: string, prefix = ""): Promise<[string, Entry][]> {
  const out = await git(dir, ["ls-tree", "-r", "-z", "--full-tree", treeish]);
  return out
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = [line.slice(0, line.indexOf("\t")), line.slice(line.indexOf("\t") + 1)];
      const [mode, type, sha] = meta.split(" ");
      return [`${prefix}${path}`, { mode, type, sha }];
    });
}

async function readCommit(core: StandInCore, record: RepoRecord, dir: string, sha: string): Promise<Json> {
  const raw = await git(dir, ["show", "-s", "--format=%T%n%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B", sha]);
  const [tree, parents, an, ae, ad, cn, ce, cd, ...message] = raw.split("\n");
  const api = repoApi(core, record);
  const known = core.state.commits.find((c) => c.sha === sha);
  return {
    sha,
    node_id: `C_${sha.slice(0, 12)}`,
    url: `${api}/git/commits/${sha}`,
    html_url: `${repoHtml(core, record)}/commit/${sha}`,
    author: { name: an, email: ae, date: ad },
    committer: { name: cn, email: ce, date: cd },
    tree: { sha: tree, url: `${api}/git/trees/${tree}` },
    message: message.join("\n").replace(/\n+$/, ""),
    parents: parents
      .split(" ")
      .filter(Boolean)
      .map((p) => ({ sha: p, url: `${api}/git/commits/${p}`, html_url: `${repoHtml(core, record)}/commit/${p}` })),
    verification: known?.verification ?? { verified: false, reason: "unsigned", signature: null, payload: null },
  };
}

function refBody(core: StandInCore, record: RepoRecord, ref: string, sha: string): Json {
  const api = repoApi(core, record);
  return { ref, node_id: `REF_${ref}`, url: `${api}/git/${ref}`, object: { sha, type: "commit", url: `${api}/git/commits/${sha}` } };
}

/**
 * The Git Data API (blobs → tree → commit → ref) backed by the repository's bare git repository, plus the
 * branch and commit reads a publisher needs. Commits made without a custom author are marked Verified, as
 * GitHub does for commits an App creates through this API.
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

  const getRef = async (record: RepoRecord, ref: string) => {
    const full = `refs/${ref.replace(/^refs\//, "")}`;
    const sha = await resolveRef(gitDirOf(record), full);
    if (!sha) throw new HttpError(404, "Not Found");
    return { status: 200, body: refBody(core, record, full, sha) };
  };
  router.add("GET", "/repos/:owner/:repo/git/ref/*ref", (ctx) => getRef(repoOf(core, ctx), ctx.params.ref));
  router.add("GET", "/repos/:owner/:repo/git/refs/*ref", (ctx) => getRef(repoOf(core, ctx), ctx.params.ref));

  router.add("POST", "/repos/:owner/:repo/git/refs", async (ctx) => {
    const record = repoOf(core, ctx);
    const dir = gitDirOf(record);
    const ref = field(ctx.body, "ref", isString)!;
    const sha = field(ctx.body, "sha", isString)!;
    if (!/^refs\/[^/]+\/.+/.test(ref)) throw new HttpError(422, "Reference name must start with 'refs/' and have at least two slashes.");
    await git(dir, ["check-ref-format", ref]).catch(() => {
      throw new HttpError(422, `${ref} is not a valid ref name.`);
    });
    if (await resolveRef(dir, ref)) throw new HttpError(422, "Reference already exists");
    if (!SHA.test(sha) || !(await resolveRef(dir, sha))) throw new HttpError(422, "Object does not exist");
    await git(dir, ["update-ref", ref, sha, ""]);
    const body = refBody(core, record, ref, sha);
    state.refs.push(body);
    return { status: 201, body };
  });

  router.add("PATCH", "/repos/:owner/:repo/git/refs/*ref", async (ctx) => {
    const record = repoOf(core, ctx);
    const dir = gitDirOf(record);
    const ref = `refs/${ctx.params.ref.replace(/^refs\//, "")}`;
    const sha = field(ctx.body, "sha", isString)!;
    const old = await resolveRef(dir, ref);
    if (!old) throw new HttpError(422, "Reference does not exist");
    if (!SHA.test(sha) || !(await resolveRef(dir, sha))) throw new HttpError(422, "Object does not exist");
    if (ctx.body && (ctx.body as Json).force !== true) {
      const fastForward = await git(dir, ["merge-base", "--is-ancestor", old, sha]).then(
        () => true,
        () => false,
      );
      if (!fastForward) throw new HttpError(422, "Update is not a fast forward");
    }
    await git(dir, ["update-ref", ref, sha, old]);
    // Pull requests follow their head branch.
    const branch = ref.replace(/^refs\/heads\//, "");
    for (const pr of state.pullRequests.filter(inRepo(record.fullName))) {
      if (pr.head.ref === branch && (pr.head.repo as Json).full_name === record.fullName) pr.head.sha = sha;
    }
    const body = refBody(core, record, ref, sha);
    state.refs.push(body);
    return { status: 200, body };
  });

  router.add("DELETE", "/repos/:owner/:repo/git/refs/*ref", async (ctx) => {
    const record = repoOf(core, ctx);
    const dir = gitDirOf(record);
    const ref = `refs/${ctx.params.ref.replace(/^refs\//, "")}`;
    if (!(await resolveRef(dir, ref))) throw new HttpError(422, "Reference does not exist");
    await git(dir, ["update-ref", "-d", ref]);
    return { status: 204 };
  });

  router.add("GET", "/repos/:owner/:repo/branches/:branch", async (ctx) => {
    const record = repoOf(core, ctx);
    const dir = gitDirOf(record);
    const sha = await resolveRef(dir, `refs/heads/${ctx.params.branch}`);
    if (!sha) throw new HttpError(404, "Branch not found");
    const commit = await readCommit(core, record, dir, sha);
    return {
      status: 200,
      body: { name: ctx.params.branch, commit: { sha, url: `${repoApi(core, record)}/commits/${sha}`, commit }, protected: false },
    };
  });

  router.add("GET", "/repos/:owner/:repo/commits/:ref", async (ctx) => {
    const record = repoOf(core, ctx);
    const dir = gitDirOf(record);
    const sha = await resolveRef(dir, ctx.params.ref);
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ctx.params.ref}`);
    const commit = await readCommit(core, record, dir, sha);
    return {
      status: 200,
      body: { sha, url: `${repoApi(core, record)}/commits/${sha}`, html_url: commit.html_url, commit, parents: commit.parents },
    };
  });
}
