import type { PullSpec } from "./routes-pulls.js";
import type { ReviewSpec } from "./routes-reviews.js";
import type { RepoSpec } from "./routes-repos.js";
import type { WorkflowRunSpec } from "./routes-actions.js";
import type { InjectedFault, RecordedRequest } from "./server.js";
import type { Json, StandInState } from "./state.js";

export interface StandInSnapshot {
  comments: Json[];
  checkRuns: Json[];
  pullRequests: Json[];
  branches: Json[];
  commits: Json[];
  reactions: Json[];
  issues: Json[];
}

/** What tests and the demo hold: the stand-in's address, its state, and ways to seed and break it. */
export interface GitHubStandIn {
  /** http://127.0.0.1:PORT/api/v3 */
  baseUrl: string;
  /** 127.0.0.1:PORT, for GHE_HOST (with GHE_PROTOCOL=http) */
  host: string;
  state: StandInState;
  requests: RecordedRequest[];
  addRepo(r: RepoSpec): Json;
  setFile(repoFullName: string, ref: string, path: string, content: string): void;
  addWorkflowRun(repoFullName: string, run: WorkflowRunSpec): Json & { id: number };
  setJobLog(repoFullName: string, jobId: number, log: string | Buffer, opts?: { expireFirstLinks?: number }): void;
  addPullRequest(repoFullName: string, pr: PullSpec): Json & { number: number };
  addIssue(repoFullName: string, issue: { title: string; body?: string; labels?: string[]; user?: string }): Json & { number: number };
  /** A comment by a person (or another bot), e.g. a `/codex …` command. */
  addComment(
    repoFullName: string,
    issueNumber: number,
    comment: { body: string; user: string; userType?: "User" | "Bot" },
  ): Json & { id: number };
  /** A check run of another CI (not an Actions job), with annotations. */
  addCheckRun(
    repoFullName: string,
    run: {
      name: string;
      headSha: string;
      conclusion: string;
      title?: string;
      summary?: string;
      text?: string;
      detailsUrl?: string;
      annotations?: Json[];
      appSlug?: string;
    },
  ): Json & { id: number };
  setPermission(repoFullName: string, user: string, permission: "admin" | "maintain" | "write" | "triage" | "read" | "none"): void;
  snapshot(): StandInSnapshot;
  /** Grants an installation more permissions (e.g. `{ workflows: "write" }`) in the tokens it gets. */
  grantInstallation(installationId: number, permissions: Record<string, string>): void;
  /** A person's review of a pull request, with line comments. */
  addReview(repoFullName: string, prNumber: number, review: Omit<ReviewSpec, "user"> & { user: string }): Json & { id: number };
  /** Makes the next `times` requests of `method` on a matching API path fail with `status` (for fault tests). */
  failNext(method: string, path: RegExp, status?: number, times?: number, headers?: Record<string, string>): void;
  /** Adds a fault with every option (a message, answering after the request was served). */
  injectFault(fault: InjectedFault): void;
  close(): Promise<void>;
}
