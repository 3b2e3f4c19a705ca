// The offline rehearsal's repository and CI run: a tiny library whose `sum` subtracts, a test that catches
// it, and the GitHub Actions log of that test failing, as Actions writes it (timestamps, groups, ##[error]).
import type { GitHubStandIn } from "../github-standin.js";

export const DEMO_REPO = { owner: "octo-org", name: "calculator", installationId: 4101 };

export const DEMO_FILES: Record<string, string> = {
  "package.json":
    JSON.stringify({ name: "calculator", version: "1.0.0", type: "module", scripts: { test: "node --test" } }, null, 2) + "\n",
  "src/sum.js": "export function sum(a, b) {\n  return a + b;\n}\n",
  "test/sum.test.js":
    'import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { sum } from "../src/sum.js";\n\n' +
    'test("adds two numbers", () => {\n  assert.equal(sum(2, 3), 5);\n});\n',
  ".github/workflows/ci.yml":
    "name: CI\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n" +
    "      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 22\n      - run: npm test\n",
};

/** The PR's change: the bug. */
export const DEMO_BUGGY_SUM = "export function sum(a, b) {\n  return a - b;\n}\n";

export function demoFailingLog(sha: string): string {
  const t = (s: number) => `2026-11-20T10:00:${String(s).padStart(2, "0")}.1234567Z`;
  const lines = [
    `${t(1)} ##[group]Run actions/checkout@v4`,
    `${t(1)} Syncing repository: octo-org/calculator`,
    `${t(2)} HEAD is now at ${sha.slice(0, 7)} Use subtraction helper`,
    `${t(2)} ##[endgroup]`,
    `${t(3)} ##[group]Run actions/setup-node@v4`,
    `${t(4)} Found in cache @ /opt/hostedtoolcache/node/22.11.0/x64`,
    `${t(4)} ##[endgroup]`,
    `${t(5)} ##[group]Run npm test`,
    `${t(5)} \u001b[36;1mnpm test\u001b[0m`,
    `${t(5)} shell: /usr/bin/bash -e {0}`,
    `${t(5)} ##[endgroup]`,
    `${t(6)} `,
    `${t(6)} > calculator@1.0.0 test`,
    `${t(6)} > node --test`,
    `${t(6)} `,
    `${t(7)} ✖ adds two numbers (1.2ms)`,
    `${t(7)}   AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:`,
    `${t(7)}   `,
    `${t(7)}   -1 !== 5`,
    `${t(7)}   `,
    `${t(7)}       at TestContext.<anonymous> (file:///home/runner/work/calculator/calculator/test/sum.test.js:6:10)`,
    `${t(7)}       at Test.runInAsyncScope (node:async_hooks:211:14)`,
    `${t(7)}       at Test.run (node:internal/test_runner/test:931:25)`,
    `${t(7)}   {`,
    `${t(7)}     generatedMessage: true,`,
    `${t(7)}     code: 'ERR_ASSERTION',`,
    `${t(7)}     actual: -1,`,
    `${t(7)}     expected: 5,`,
    `${t(7)}     operator: 'strictEqual'`,
    `${t(7)}   }`,
    `${t(7)} ℹ tests 1`,
    `${t(7)} ℹ pass 0`,
    `${t(7)} ℹ fail 1`,
    `${t(8)} ##[error]Process completed with exit code 1.`,
  ];
  return "\uFEFF" + lines.join("\n") + "\n";
}

/** What the scripted model answers: it looks at the code, then reports in the triage schema. */
export function demoTriageAnswer() {
  return {
    summary: "`sum` subtracts instead of adding, so the `adds two numbers` test fails.",
    root_cause:
      "src/sum.js returns `a - b`; the test expects sum(2, 3) to be 5 and gets -1. The change in this PR replaced the addition with a subtraction.",
    classification: "code",
    confidence: "high",
    evidence: [
      { log_line: "AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:", explanation: "The only failing test." },
      { log_line: "-1 !== 5", explanation: "2 - 3 = -1: the function subtracts." },
    ],
    locations: [
      { path: "src/sum.js", line: 2, message: "Returns a - b; should be a + b." },
      { path: "test/sum.test.js", line: 6, message: "The assertion that fails." },
    ],
    suggested_fix: "In src/sum.js, return `a + b` instead of `a - b`.",
    fixable: true,
    failing_tests: ["adds two numbers"],
  };
}

/** The `workflow_run.completed` delivery GitHub sends for a demo run (`run` and `repository` as the stand-in made them). */
export function demoWorkflowRunPayload(run: Record<string, unknown>, repository: object) {
  return {
    action: "completed",
    workflow_run: run,
    workflow: { id: run.workflow_id as number, name: "CI", path: ".github/workflows/ci.yml", state: "active" },
    repository,
    organization: { login: DEMO_REPO.owner },
    sender: { login: "octocat", id: 583231, type: "User" },
    installation: { id: DEMO_REPO.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u" },
  };
}

/** The demo's failed `CI` run of a pull request's head: job `test`, step `Run npm test` failing with demoFailingLog. */
export function addDemoFailedRun(
  standIn: Pick<GitHubStandIn, "addWorkflowRun">,
  repoFullName: string,
  run: { headSha: string; branch: string; pullRequests: number[]; headRepoFullName: string },
) {
  return standIn.addWorkflowRun(repoFullName, {
    name: "CI",
    path: ".github/workflows/ci.yml",
    headSha: run.headSha,
    headBranch: run.branch,
    event: "pull_request",
    status: "completed",
    conclusion: "failure",
    pullRequests: run.pullRequests,
    headRepoFullName: run.headRepoFullName,
    jobs: [
      {
        name: "test",
        conclusion: "failure",
        steps: [
          { name: "Set up job", conclusion: "success" },
          { name: "Run actions/checkout@v4", conclusion: "success" },
          { name: "Run actions/setup-node@v4", conclusion: "success" },
          { name: "Run npm test", conclusion: "failure" },
          { name: "Complete job", conclusion: "success" },
        ],
        log: demoFailingLog(run.headSha),
      },
    ],
  });
}
