// The stand-in's memory. Every list holds plain objects shaped as GitHub's REST API returns them, so a test
// or `demo --json` can print them as they are; what GitHub would not return sits in `internal`.
export type Json = Record<string, unknown>;

export interface GhUser {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
  [key: string]: unknown;
}

export interface RepoRecord {
  fullName: string;
  /** A local path (or file:// URL) of a bare repository backs the Git Data API and contents fallback. */
  cloneUrl: string;
  installationId: number;
  repo: Json & { id: number; full_name: string; default_branch: string; owner: GhUser };
}

export interface JobLog {
  data: Buffer;
  /** How many of the next download links handed out answer 403, as an expired signed URL does. */
  expireFirstLinks: number;
}

export interface StandInState {
  repos: RepoRecord[];
  comments: (Json & { id: number; body: string; user: GhUser; issue_url: string })[];
  checkRuns: (Json & { id: number; name: string; head_sha: string; external_id: string | null })[];
  annotations: Record<number, Json[]>;
  pullRequests: (Json & {
    id: number;
    number: number;
    state: string;
    head: Json & { ref: string; sha: string };
    base: Json & { ref: string };
  })[];
  issues: (Json & { id: number; number: number; labels: Json[] })[];
  reactions: (Json & { id: number; content: string; subject_url: string })[];
  reviews: (Json & { id: number; pull_number: number; comments: Json[] })[];
  commits: (Json & { sha: string })[];
  workflowRuns: (Json & { id: number; workflow_id: number; head_branch: string | null; conclusion: string | null })[];
  jobs: (Json & { id: number; run_id: number; run_attempt: number; name: string })[];
  /** Labels defined on repositories, by full name. */
  labels: Record<string, Json[]>;
  /** Blobs and trees created through the Git Data API (the objects themselves live in the bare repository). */
  blobs: Json[];
  trees: Json[];
  /** Every ref the Git Data API created or moved, in order. */
  refs: Json[];
  /** Branches of every repository, read live from its bare repository. */
  readonly branches: Json[];
  internal: {
    nextId: number;
    issueNumbers: Record<string, number>;
    files: Record<string, string>;
    logs: Record<number, JobLog>;
    /** One-time download tokens → job id and whether this link is already "expired". */
    blobLinks: Record<string, { jobId: number; expired: boolean }>;
    permissions: Record<string, string>;
    tokens: Record<string, { installationId: number; expiresAt: string }>;
    /** Permissions an installation has beyond the App's defaults (e.g. workflows: write). */
    extraPermissions: Record<number, Record<string, string>>;
    /** When set, `GET /app` accepts only a JWT signed by the matching private key (as GitHub does). */
    appPublicKey?: string;
  };
}

export const APP = { id: 4242, slug: "codex-dispatch", name: "codex-dispatch" };
export const BOT: GhUser = { login: `${APP.slug}[bot]`, id: 4_200_000, type: "Bot", node_id: "BOT_kgDOcodex" };

export function createState(readBranches: () => Json[]): StandInState {
  return {
    repos: [],
    comments: [],
    checkRuns: [],
    annotations: {},
    pullRequests: [],
    issues: [],
    reactions: [],
    reviews: [],
    commits: [],
    workflowRuns: [],
    jobs: [],
    labels: {},
    blobs: [],
    trees: [],
    refs: [],
    get branches() {
      return readBranches();
    },
    internal: {
      nextId: 1000,
      issueNumbers: {},
      files: {},
      logs: {},
      blobLinks: {},
      permissions: {},
      tokens: {},
      extraPermissions: {},
    },
  };
}

export function nextId(state: StandInState): number {
  return ++state.internal.nextId;
}

/** Issues and pull requests share one sequence of numbers per repository, as on GitHub. */
export function nextIssueNumber(state: StandInState, fullName: string): number {
  const n = (state.internal.issueNumbers[fullName] ?? 0) + 1;
  state.internal.issueNumbers[fullName] = n;
  return n;
}

export function userOf(login: string, type: GhUser["type"] = "User"): GhUser {
  let hash = 0;
  for (const c of login) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return { login, id: hash % 10_000_000, type };
}

/** Objects carry their API url, which names the repository: that is how lists are filtered per repo. */
export function inRepo(fullName: string) {
  const prefix = `/repos/${fullName}/`;
  return (o: Json): boolean => typeof o.url === "string" && o.url.includes(prefix);
}
