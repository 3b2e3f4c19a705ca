import { localGitDir } from "./git-store.js";
import { HttpError, type RouteContext } from "./http-kit.js";
import type { RepoRecord, StandInState } from "./state.js";

/** What every group of routes needs: the state, the public addresses, and lookups that answer 404. */
export interface StandInCore {
  state: StandInState;
  /** http://127.0.0.1:PORT/api/v3 */
  apiBase(): string;
  /** http://127.0.0.1:PORT (the "web" host for html_url fields) */
  origin(): string;
}

export function repoOf(core: StandInCore, ctx: RouteContext): RepoRecord {
  const fullName = `${ctx.params.owner}/${ctx.params.repo}`.toLowerCase();
  const record = core.state.repos.find((r) => r.fullName.toLowerCase() === fullName);
  if (!record) throw new HttpError(404, "Not Found");
  return record;
}

export function gitDirOf(record: RepoRecord): string {
  const dir = localGitDir(record.cloneUrl);
  if (!dir) throw new HttpError(422, `the stand-in has no local bare repository for ${record.fullName}`);
  return dir;
}

export function numberParam(ctx: RouteContext, name: string): number {
  const n = Number(ctx.params[name]);
  if (!Number.isInteger(n) || n <= 0) throw new HttpError(404, "Not Found");
  return n;
}

export function repoApi(core: StandInCore, record: RepoRecord): string {
  return `${core.apiBase()}/repos/${record.fullName}`;
}

export function repoHtml(core: StandInCore, record: RepoRecord): string {
  return `${core.origin()}/${record.fullName}`;
}
