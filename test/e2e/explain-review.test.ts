import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { setupCiFailure } from "../../demo/scenarios/ci-failure.js";
import { DEMO_MAINTAINER, setupIssueFix } from "../../demo/scenarios/issue-fix.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { postPullRequestReview } from "../../src/github/pull-review.js";
import { cancelJob } from "../../src/jobs/cancel.js";
import { enqueueOnce } from "../../src/jobs/enqueue.js";
import { jobIdForKey } from "../../src/jobs/job-id.js";
import { getJobRecord, type JobRecord } from "../../src/jobs/records.js";
import type { AskJob } from "../../src/jobs/types.js";
import { parseDiffLines } from "../../src/pipeline/ask/diff-lines.js";
import { jobDirPaths } from "../../src/workspace/job-dir.js";
import { runGit } from "../../src/workspace/git.js";

// `/codex explain` and `/codex review` end to end: jobs on the real queue (PGlite), real git (a local bare
// remote, mirror and worktree), the real codex binary in a read-only sandbox against the scripted model;
// GitHub is the loopback stand-in.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FAKE_TOKEN = `ghp_${"A1b2C3d4".repeat(5)}`;
const explainAnswer = {
  answer: `\`sum\` is defined in \`src/sum.js:1\` and returns \`a - b\` (\`src/sum.js:2\`), so the test in \`test/sum.test.js:6\` fails. Ask @octocat; token ${FAKE_TOKEN}.`,
  references: [
    { path: "src/sum.js", line: 2, note: "the subtraction" },
    { path: "test/sum.test.js", line: 999, note: "past the end of the file" },
    { path: "src/imaginary.js", line: 3, note: "a file the model made up" },
  ],
};
const reviewAnswer = {
  summary: "The change makes `sum` subtract.",
  verdict: "request_changes",
  comments: [
    { path: "src/sum.js", line: 2, body: "This subtracts; `sum` should add." },
    { path: "test/sum.test.js", line: 6, body: "This assertion now fails (outside the diff)." },
    { path: "src/ghost.js", line: 1, body: "A file that does not exist." },
  ],
};

// One model for every job: the prompt says which job asks, and the question picks the variant.
function byPrompt(req: RecordedRequest): ScriptStep[] {
  const prompt = JSON.stringify(req.body);
  if (prompt.includes("[hang]")) return [{ kind: "hang" }];
  if (prompt.includes("[bad-schema]")) return [{ kind: "message", text: JSON.stringify({ answer: "", refs: [] }) }];
  if (prompt.includes("You are reviewing pull request")) {
    const [, base, head] = /git diff ([0-9a-f]{40})\.\.\.([0-9a-f]{40})/.exec(prompt) ?? [];
    return [
      { kind: "exec", cmd: `git diff ${base}...${head}` },
      { kind: "message", text: JSON.stringify(reviewAnswer) },
    ];
  }
  return [
    { kind: "exec", cmd: "grep -n return src/sum.js" },
    { kind: "message", text: JSON.stringify(explainAnswer) },
  ];
}

let h: Harness;
const cleanups: (() => Promise<void>)[] = [];
let counter = 0;

beforeAll(async () => {
  h = await startHarness({ script: byPrompt });
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
  await h?.close();
});

interface Asked {
  key: string;
  repoFullName: string;
  number: number;
  command: AnyJson;
  remoteUrl: string;
  headSha?: string;
}

/** A repository with an issue (or a PR), a `/codex …` comment on it, and the job the command job would enqueue. */
async function ask(kind: "explain" | "review", where: "issue" | "pr", question: string, opts: { config?: string } = {}): Promise<Asked> {
  const repoName = `ask-${++counter}`;
  let number: number;
  let repoFullName: string;
  let remoteUrl: string;
  let headSha: string | undefined;
  if (where === "issue") {
    const s = await setupIssueFix(h, { repoName, config: opts.config });
    cleanups.push(() => s.remote.cleanup());
    ({ issueNumber: number, repoFullName } = s);
    remoteUrl = s.remote.url;
  } else {
    const s = await setupCiFailure(h, { repoName, config: opts.config });
    cleanups.push(() => s.remote.cleanup());
    ({ prNumber: number, repoFullName, headSha } = s);
    remoteUrl = s.remote.url;
  }
  const command = h.standIn.addComment(repoFullName, number, { body: `/codex ${kind} ${question}`, user: DEMO_MAINTAINER });
  const key = `${kind}:${repoFullName.toLowerCase()}#${number}:comment-${command.id}`;
  const [owner, name] = repoFullName.split("/");
  const data: AskJob = {
    kind,
    key,
    installationId: 4101,
    deliveryId: `delivery-${command.id}`,
    repo: { owner, name, fullName: repoFullName, cloneUrl: remoteUrl, defaultBranch: "main", private: false },
    requestedBy: DEMO_MAINTAINER,
    commentKind: "issue",
    issueNumber: number,
    isPullRequest: where === "pr",
    commentId: command.id,
    question,
  };
  await enqueueOnce(h.db, h.queue, { key, kind, repo: repoFullName, data }, { serialKey: `${repoFullName.toLowerCase()}#${number}` });
  return { key, repoFullName, number, command, remoteUrl, headSha };
}

async function waitForStatus(key: string, statuses: string[], timeoutMs = 45_000): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await getJobRecord(h.db, key);
    if (record && statuses.includes(record.status)) return record;
    if (Date.now() > deadline) throw new Error(`job ${key} is ${record?.status ?? "missing"}, not ${statuses.join("|")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function botComments(a: Asked): AnyJson[] {
  return h.standIn.state.comments.filter((c) => c.issue_url.endsWith(`/${a.repoFullName}/issues/${a.number}`) && c.user.type === "Bot");
}

function reactionsOn(a: Asked): string[] {
  return h.standIn.state.reactions.filter((r) => r.subject_url === a.command.url).map((r) => r.content);
}

function reviewsOf(a: Asked): AnyJson[] {
  return h.standIn.state.reviews.filter((r) => r.pull_number === a.number && String(r.url).includes(`/${a.repoFullName}/`));
}

/** Processes whose command line or working directory is inside `dir` (the codex launcher, codex, its shells). */
function processesInside(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      let cwd = "";
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // another user's process: its cwd is not readable, its command line is
      }
      if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

describe("/codex explain", () => {
  it("answers on an issue in one comment with working file:line links into the default branch, and 🚀", async () => {
    const a = await ask("explain", "issue", "where is sum defined and why does the test fail?");
    const record = await h.waitForJob(a.key);
    expect(record).toMatchObject({ status: "succeeded", outcome: "answered" });
    const mainSha = (await runGit(["rev-parse", "main"], { cwd: a.remoteUrl })).trim();

    const comments = botComments(a);
    expect(comments).toHaveLength(1);
    const body: string = comments[0].body;
    expect(body).toContain("🚀 Codex explain: done");
    expect(body).toContain("returns `a - b`");
    const blob = `${h.standIn.baseUrl.replace(/\/api\/v3$/, "")}/${a.repoFullName}/blob/${mainSha}`;
    // Inline mentions and references become links into the commit the agent read.
    expect(body).toContain(`[\`src/sum.js:2\`](${blob}/src/sum.js#L2)`);
    expect(body).toContain(`[\`test/sum.test.js:6\`](${blob}/test/sum.test.js#L6)`);
    // A line past the end links to the file; an invented file gets no link at all.
    expect(body).toContain(`(${blob}/test/sum.test.js) past the end of the file`);
    expect(body).not.toContain("imaginary");
    expect(body).toContain("1 reference to files not in the checkout left out");
    // The links work: the file is in that commit and has that line.
    const linked = await runGit(["show", `${mainSha}:src/sum.js`], { cwd: a.remoteUrl });
    expect(linked.split("\n")[1]).toContain("return a - b");
    // Posted text is safe: secrets redacted, mentions defused.
    expect(body).not.toContain(FAKE_TOKEN);
    // (as an entity: the progress comment strips zero-width characters, which would make the mention live)
    expect(body).toContain("Ask @&#8203;octocat;");

    expect(reactionsOn(a)).toContain("rocket");
    expect(existsSync(jobDirPaths(h.env.workspaceDir, jobIdForKey(a.key)).dir)).toBe(false);
    // The agent worked in the sandbox and read the code; the question reached it fenced as data.
    const prompt = JSON.stringify(h.model.requests.find((r) => JSON.stringify(r.body).includes("why does the test fail"))?.body);
    expect(prompt).toContain("Question (untrusted data");
    const lastTurn = h.model.requests.filter((r) => JSON.stringify(r.body).includes("why does the test fail")).at(-1)!;
    expect(lastTurn.toolOutputs.join("\n")).toContain("return a - b");
  }, 60_000);

  it("on a pull request, links into the PR's head commit", async () => {
    const a = await ask("explain", "pr", "what does this PR change in sum?");
    const record = await h.waitForJob(a.key);
    expect(record.outcome).toBe("answered");
    const [comment] = botComments(a);
    expect(comment.body).toContain(`/${a.repoFullName}/blob/${a.headSha}/src/sum.js#L2`);
    expect(reactionsOn(a)).toContain("rocket");
  }, 60_000);

  it("an answer that breaks the schema ends with 😕 and a readable reason", async () => {
    const a = await ask("explain", "issue", "[bad-schema] what is this?");
    const record = await h.waitForJob(a.key);
    expect(record.outcome).toBe("agent-failed: invalid answer");
    const [comment] = botComments(a);
    expect(comment.body).toContain("😕");
    expect(comment.body).toContain("Codex could not answer this question: Codex's answer did not fit the explain schema");
    expect(comment.body).toMatch(/<sub>Codex \(`gpt-5\.5`; chosen by agent\.backend: codex\) · [\d,]+ tokens · /);
    expect(comment.body).toContain("answer:");
    expect(reactionsOn(a)).toContain("confused");
    expect(reactionsOn(a)).not.toContain("rocket");
  }, 60_000);

  it("an invalid config on the default branch stops it before codex runs, naming the problem", async () => {
    const before = h.model.requests.length;
    const a = await ask("explain", "issue", "anything", { config: "agent:\n  timeout_minute: 5\n" });
    const record = await h.waitForJob(a.key);
    expect(record.outcome).toBe("invalid-config");
    const [comment] = botComments(a);
    expect(comment.body).toContain("`.github/codex.yml` on the default branch is not valid");
    expect(comment.body).toContain("timeout_minute");
    expect(reactionsOn(a)).toContain("confused");
    expect(h.model.requests.length).toBe(before);
  }, 30_000);

  it("a /codex stop while the model hangs kills codex, removes the job dir and says it stopped", async () => {
    const a = await ask("explain", "issue", "[hang] take forever");
    const jobDir = jobDirPaths(h.env.workspaceDir, jobIdForKey(a.key)).dir;
    const deadline = Date.now() + 30_000;
    while (!h.model.requests.some((r) => JSON.stringify(r.body).includes("take forever"))) {
      if (Date.now() > deadline) throw new Error("codex never asked the model");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(processesInside(jobDir).length).toBeGreaterThan(0);

    expect(await cancelJob(h.db, a.key, "stopped by a maintainer")).toBe("cancel-requested");
    const record = await waitForStatus(a.key, ["cancelled", "succeeded", "failed"]);
    expect(record.status).toBe("cancelled");
    let left = processesInside(jobDir);
    for (let i = 0; i < 20 && left.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = processesInside(jobDir);
    }
    expect(left).toEqual([]);
    expect(existsSync(jobDir)).toBe(false);
    const [comment] = botComments(a);
    expect(comment.body).toContain("Stopped: the job was cancelled, and its workspace removed.");
    expect(reactionsOn(a)).toContain("confused");
  }, 60_000);
});

describe("/codex review", () => {
  it("posts one COMMENT review with line comments on the diff; lines outside it go into the body", async () => {
    const a = await ask("review", "pr", "");
    const record = await h.waitForJob(a.key);
    expect(record).toMatchObject({ status: "succeeded", outcome: "reviewed: request_changes" });
    const reviews = reviewsOf(a);
    expect(reviews).toHaveLength(1);
    const [review] = reviews;
    expect(review.state).toBe("COMMENTED");
    expect(review.comments.map((c: AnyJson) => [c.path, c.line, c.body])).toEqual([["src/sum.js", 2, "This subtracts; `sum` should add."]]);
    expect(review.body).toContain("The change makes `sum` subtract.");
    expect(review.body).toContain("Codex suggests changes before this is merged.");
    expect(review.body).toContain("`test/sum.test.js:6`: This assertion now fails (outside the diff).");
    expect(review.body).not.toContain("ghost.js");
    expect(record.links.review).toBe(review.html_url);

    // The agent got the base and head shas and really diffed them in the worktree's history.
    const mainSha = (await runGit(["rev-parse", "main"], { cwd: a.remoteUrl })).trim();
    const turns = h.model.requests.filter((r) => JSON.stringify(r.body).includes(`git diff ${mainSha}...${a.headSha}`));
    expect(turns.length).toBeGreaterThan(0);
    expect(turns.at(-1)!.toolOutputs.join("\n")).toContain("+  return a - b;");

    const [comment] = botComments(a);
    expect(comment.body).toContain(`[the review](${review.html_url}), 1 comment on a line`);
    expect(reactionsOn(a)).toContain("rocket");
    expect(existsSync(jobDirPaths(h.env.workspaceDir, jobIdForKey(a.key)).dir)).toBe(false);
  }, 60_000);

  it("when GitHub refuses the line comments (422), posts the review once more with them in the body", async () => {
    const a = await ask("review", "pr", "focus on sum");
    h.standIn.failNext("POST", new RegExp(`/repos/${a.repoFullName}/pulls/${a.number}/reviews$`), 422, 1);
    const record = await h.waitForJob(a.key);
    expect(record.outcome).toBe("reviewed: request_changes");
    const [review, ...more] = reviewsOf(a);
    expect(more).toEqual([]);
    expect(review.comments).toEqual([]);
    expect(review.body).toContain("**Comments GitHub could not place on lines of the diff**");
    expect(review.body).toContain("- `src/sum.js:2`: This subtracts; `sum` should add.");
    const posts = h.standIn.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/${a.repoFullName}/pulls/${a.number}/reviews`));
    expect(posts.map((r) => r.status)).toEqual([422, 200]);
    expect(botComments(a)[0].body).toContain("0 comments on lines");
  }, 60_000);

  it("refuses an issue: reviews work on pull requests", async () => {
    const before = h.model.requests.length;
    const a = await ask("review", "issue", "");
    const record = await h.waitForJob(a.key);
    expect(record.outcome).toBe("refused: not a pull request");
    expect(botComments(a)[0].body).toContain("`/codex review` works on pull requests");
    expect(reactionsOn(a)).toContain("confused");
    expect(h.model.requests.length).toBe(before);
  }, 30_000);
});

describe("postPullRequestReview on the wire", () => {
  it("sends event COMMENT, the reviewed commit and RIGHT-side line comments; on 422 retries once without them", async () => {
    const seen: AnyJson[] = [];
    const server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += c.toString("utf8")));
      req.on("end", () => {
        const body = JSON.parse(text) as AnyJson;
        seen.push({ url: req.url, body });
        const refuse = body.comments.length > 0;
        res.writeHead(refuse ? 422 : 200, { "content-type": "application/json" });
        res.end(
          JSON.stringify(
            refuse
              ? { message: "Unprocessable Entity", errors: ["Line could not be resolved"] }
              : { id: 7, html_url: "https://example.test/pull/3#pullrequestreview-7" },
          ),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const gh = new ProbotOctokit({
        auth: { token: "test" },
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        retry: { enabled: false },
        throttle: { enabled: false },
      });
      const sha = "a".repeat(40);
      const posted = await postPullRequestReview(gh, {
        owner: "o",
        repo: "r",
        number: 3,
        commitId: sha,
        body: "Summary",
        comments: [{ path: "a.js", line: 4, body: "two\nlines" }],
      });
      expect(posted).toEqual({ id: 7, htmlUrl: "https://example.test/pull/3#pullrequestreview-7", inline: 0, movedToBody: 1 });
      expect(seen).toHaveLength(2);
      expect(seen[0]).toMatchObject({
        url: "/repos/o/r/pulls/3/reviews",
        body: {
          event: "COMMENT",
          commit_id: sha,
          body: "Summary",
          comments: [{ path: "a.js", line: 4, side: "RIGHT", body: "two\nlines" }],
        },
      });
      expect(seen[1].body.event).toBe("COMMENT");
      expect(seen[1].body.comments).toEqual([]);
      expect(seen[1].body.body).toContain("- `a.js:4`: two\n  lines");
      await expect(
        postPullRequestReview(gh, { owner: "o", repo: "r", number: 3, commitId: "HEAD", body: "", comments: [] }),
      ).rejects.toThrow(/commitId must be a full commit sha/);
    } finally {
      server.close();
    }
  });

  it("knows which lines of the new version a diff shows (added and context, not removed or deleted files)", () => {
    const diff = [
      "diff --git a/src/sum.js b/src/sum.js",
      "--- a/src/sum.js",
      "+++ b/src/sum.js",
      "@@ -1,3 +1,3 @@",
      " export function sum(a, b) {",
      "-  return a + b;",
      "+  return a - b;",
      " }",
      "@@ -20,2 +20,3 @@ context",
      " x",
      "++ y",
      " z",
      "diff --git a/gone.js b/gone.js",
      "--- a/gone.js",
      "+++ /dev/null",
      "@@ -1 +0,0 @@",
      "-bye",
    ].join("\n");
    const lines = parseDiffLines(diff);
    expect([...(lines.get("src/sum.js") ?? [])]).toEqual([1, 2, 3, 20, 21, 22]);
    expect(lines.has("gone.js")).toBe(false);
  });
});
