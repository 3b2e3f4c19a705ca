import { createHash, createVerify } from "node:crypto";
import { randomBytes } from "node:crypto";
import { repoOf, gitDirOf, type StandInCore } from "./core.js";
import { git } from "./git-store.js";
import { HttpError, type Reply, type Router } from "./http-kit.js";
import { APP, BOT, nextId, userOf, type Json } from "./state.js";

const PERMISSIONS = { actions: "read", checks: "write", contents: "write", issues: "write", pull_requests: "write", metadata: "read" };

export interface RepoSpec {
  owner: string;
  name: string;
  cloneUrl: string;
  defaultBranch?: string;
  private?: boolean;
  installationId?: number;
}

/** Adds a repository (backed by the bare git repository at `cloneUrl`) to an installation. */
export function createRepo(
  core: StandInCore,
  { owner, name, cloneUrl, defaultBranch = "main", private: isPrivate = false, installationId = 1 }: RepoSpec,
): Json {
  const { state } = core;
  if (!/^[A-Za-z0-9_.-]+$/.test(owner) || !/^[A-Za-z0-9_.-]+$/.test(name))
    throw new Error(`stand-in: invalid repository name ${owner}/${name}`);
  const fullName = `${owner}/${name}`;
  if (state.repos.some((r) => r.fullName === fullName)) throw new Error(`stand-in: ${fullName} exists already`);
  const data = {
    id: nextId(state),
    node_id: `R_${fullName}`,
    name,
    full_name: fullName,
    owner: userOf(owner, "Organization"),
    private: isPrivate,
    fork: false,
    default_branch: defaultBranch,
    clone_url: cloneUrl,
    html_url: `${core.origin()}/${fullName}`,
    url: `${core.apiBase()}/repos/${fullName}`,
  };
  state.repos.push({ fullName, cloneUrl, installationId, repo: data });
  return data;
}

/** The App, its installations and tokens; repositories, file contents and collaborator permissions. */
export function addRepoRoutes(router: Router, core: StandInCore): void {
  const { state } = core;

  router.add("GET", "/app", (ctx) => {
    if (state.internal.appPublicKey && !validAppJwt(String(ctx.headers.authorization ?? ""), state.internal.appPublicKey)) {
      throw new HttpError(401, "A JSON web token could not be decoded");
    }
    return {
      status: 200,
      body: {
        id: APP.id,
        slug: APP.slug,
        name: APP.name,
        owner: { login: "codex-dispatch", type: "Organization" },
        permissions: PERMISSIONS,
      },
    };
  });

  router.add("POST", "/app/installations/:id/access_tokens", (ctx) => {
    const installationId = Number(ctx.params.id);
    if (!state.repos.some((r) => r.installationId === installationId)) throw new HttpError(404, "Not Found");
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    state.internal.tokens[token] = { installationId, expiresAt };
    const permissions = { ...PERMISSIONS, ...state.internal.extraPermissions[installationId] };
    return { status: 201, body: { token, expires_at: expiresAt, permissions, repository_selection: "selected" } };
  });

  router.add("GET", "/repos/:owner/:repo/installation", (ctx) => {
    const record = repoOf(core, ctx);
    return {
      status: 200,
      body: { id: record.installationId, app_id: APP.id, app_slug: APP.slug, account: record.repo.owner, permissions: PERMISSIONS },
    };
  });

  router.add("GET", "/repos/:owner/:repo", (ctx) => ({ status: 200, body: repoOf(core, ctx).repo }));

  router.add("GET", "/repos/:owner/:repo/contents/*path", async (ctx): Promise<Reply> => {
    const record = repoOf(core, ctx);
    const ref = ctx.query.get("ref") || record.repo.default_branch;
    const path = ctx.params.path.replace(/^\/+/, "");
    let content: string | undefined = state.internal.files[`${record.fullName}\0${ref}\0${path}`];
    if (content === undefined) {
      // Fall back to the bare repository, so a .github/codex.yml committed in the demo's remote is found.
      try {
        content = await git(gitDirOf(record), ["show", `${ref}:${path}`]);
      } catch {
        throw new HttpError(404, "Not Found");
      }
    }
    const accept = String(ctx.headers.accept ?? "");
    // As GitHub: an ETag per representation, and a 304 without a body when If-None-Match still matches.
    const etag = `"${createHash("sha1")
      .update(accept.includes(".raw") ? "raw\0" : "json\0")
      .update(content)
      .digest("hex")}"`;
    if (String(ctx.headers["if-none-match"] ?? "") === etag) return { status: 304, headers: { etag } };
    if (accept.includes(".raw")) {
      return {
        status: 200,
        body: Buffer.from(content, "utf8"),
        headers: { "content-type": "application/vnd.github.raw; charset=utf-8", etag },
      };
    }
    const base = `${core.apiBase()}/repos/${record.fullName}/contents/${path}`;
    return {
      status: 200,
      body: {
        type: "file",
        encoding: "base64",
        size: Buffer.byteLength(content),
        name: path.split("/").pop(),
        path,
        content: Buffer.from(content, "utf8").toString("base64"),
        sha: randomBytes(20).toString("hex"),
        url: `${base}?ref=${encodeURIComponent(ref)}`,
      },
    };
  });

  router.add("GET", "/repos/:owner/:repo/collaborators/:user/permission", (ctx) => {
    const record = repoOf(core, ctx);
    const user = ctx.params.user;
    const role = state.internal.permissions[`${record.fullName}\0${user.toLowerCase()}`] ?? "none";
    // As GitHub: the classic field folds maintain into write and triage into read; role_name keeps the role.
    const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
    return {
      status: 200,
      body: { permission, role_name: role, user: { login: user, type: user === BOT.login ? "Bot" : "User" } },
    };
  });
}

/** `Bearer <RS256 JWT>` signed by the App's key and not expired (only what GitHub's check needs here). */
function validAppJwt(authorization: string, publicKeyPem: string): boolean {
  const jwt = /^bearer\s+(\S+)$/i.exec(authorization)?.[1];
  const [header, payload, signature] = jwt?.split(".") ?? [];
  if (!header || !payload || !signature) return false;
  const ok = createVerify("RSA-SHA256").update(`${header}.${payload}`).verify(publicKeyPem, Buffer.from(signature, "base64url"));
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: number };
  return ok && typeof claims.exp === "number" && claims.exp * 1000 > Date.now();
}
