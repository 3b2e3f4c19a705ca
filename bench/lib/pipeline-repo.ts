// A repository for bench:pipeline that keeps failing: one bare remote and one stand-in repository, and for each
// run a new commit on a new branch, its PR and its failed Actions run. The second run of a repository finds its
// mirror on disk (warm); the first fetches it whole (cold).
import { workflowRunTriageKey } from "../../src/jobs/keys.js";
import { createBareRemote, type BareRemote } from "../../src/workspace/bare-remote.js";
import type { Harness } from "../../demo/harness.js";
import {
  addDemoFailedRun,
  DEMO_BUGGY_SUM,
  DEMO_FILES,
  DEMO_REPO,
  demoWorkflowRunPayload,
} from "../../demo/scenarios/ci-failure-fixture.js";

export interface BenchRepo {
  fullName: string;
  remote: BareRemote;
  /** Adds a failing run (commit, PR, workflow run) and returns its webhook and job key. */
  failingRun(): Promise<{ payload: Record<string, unknown>; key: string; prNumber: number; headSha: string }>;
}

export async function createBenchRepo(h: Harness, name: string): Promise<BenchRepo> {
  const remote = await createBareRemote({ files: DEMO_FILES });
  const fullName = `${DEMO_REPO.owner}/${name}`;
  const repository = h.standIn.addRepo({ owner: DEMO_REPO.owner, name, cloneUrl: remote.url, installationId: DEMO_REPO.installationId });
  let n = 0;
  return {
    fullName,
    remote,
    async failingRun() {
      n += 1;
      const branch = `feature/change-${n}`;
      const headSha = await remote.commit(
        { "src/sum.js": DEMO_BUGGY_SUM, "CHANGE.md": `change ${n}\n` },
        `Change ${n}`,
        `refs/heads/${branch}`,
      );
      const pr = h.standIn.addPullRequest(fullName, {
        title: `Change ${n}`,
        head: branch,
        headSha,
        base: "main",
        headRepoFullName: fullName,
      });
      const run = addDemoFailedRun(h.standIn, fullName, { headSha, branch, pullRequests: [pr.number], headRepoFullName: fullName });
      const payload = demoWorkflowRunPayload(run, repository);
      return { payload, key: workflowRunTriageKey(fullName, headSha, run.id, 1), prNumber: pr.number, headSha };
    },
  };
}
