import { gitDirOf, repoApi, repoOf, type StandInCore } from "./core.js";
import { git, resolveRef } from "./git-store.js";
import { readCommit, refBody, SHA } from "./git-objects.js";
import { HttpError, field, isString, type Router } from "./http-kit.js";
import { inRepo, type Json, type RepoRecord } from "./state.js";

/**
 * Refs (read, create, move only forward unless forced, delete) and the branch and commit reads a publisher
 * needs. A moved branch moves the head of the pull requests that come from it.
 */
export function addGitRefRoutes(router: Router, core: StandInCore): void {
  const { state } = core;

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
    // Open pull requests follow their head branch; a closed one keeps the head it closed with, as on GitHub.
    const branch = ref.replace(/^refs\/heads\//, "");
    for (const pr of state.pullRequests.filter(inRepo(record.fullName))) {
      if (pr.state === "open" && pr.head.ref === branch && (pr.head.repo as Json).full_name === record.fullName) pr.head.sha = sha;
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
