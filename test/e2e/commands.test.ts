import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import { postCommand } from "../../demo/scenarios/command.js";
import { DEMO_MAINTAINER, issueFixScript, setupIssueFix, type IssueFixSetup } from "../../demo/scenarios/issue-fix.js";
import type { RecordedRequest, ScriptStep } from "../../demo/scripted-model.js";
import { getJobRecord, listJobRecords } from "../../src/jobs/records.js";

// `/codex` commands through signed webhooks, the real queue, codex and git; GitHub is the stand-in.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let h: Harness;
const cleanups: (() => Promise<void>)[] = [];
let counter = 0;
// A request whose prompt mentions HANG stalls: the tests use it to hold a job "running".
const script = (req: RecordedRequest): ScriptStep[] =>
  JSON.stringify(req.body).includes("HANG-PLEASE") ? [{ kind: "hang" }] : issueFixScript();

beforeAll(async () => {
  h = await startHarness({ script });
}, 60_000);
afterAll(async () => {
  for (const c of cleanups) await c();
  await h?.close();
});

async function newIssue(): Promise<IssueFixSetup> {
  const issue = await setupIssueFix(h, { repoName: `cmd-${++counter}` });
  cleanups.push(() => issue.remote.cleanup());
  return issue;
}

const botComments = (issue: IssueFixSetup) =>
  (h.standIn.snapshot().comments as AnyJson[]).filter(
    (c) => c.user?.type === "Bot" && String(c.issue_url).endsWith(`/repos/${issue.repoFullName}/issues/${issue.issueNumber}`),
  );
const reactionsOn = (commentId: number) =>
  (h.standIn.snapshot().reactions as AnyJson[])
    .filter((r) => String(r.subject_url).endsWith(`/issues/comments/${commentId}`))
    .map((r) => r.content);

async function command(issue: IssueFixSetup, body: string, user = DEMO_MAINTAINER) {
  const c = await postCommand(h, issue, { body, user });
  await h.deliver("issue_comment", c.payload);
  const record = await h.waitForJob(c.key, 60_000);
  return { ...c, record };
}

async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("answers at once", () => {
  it("help: 👀 then 🚀 and one comment listing the commands", async () => {
    const issue = await newIssue();
    const c = await command(issue, "/codex help");
    expect(c.record.outcome).toBe("help");
    expect(reactionsOn(c.commentId)).toEqual(["eyes", "rocket"]);
    const comments = botComments(issue);
    expect(comments).toHaveLength(1);
    for (const word of ["fix", "triage", "review", "explain", "stop", "status", "help"])
      expect(comments[0].body).toContain(`/codex ${word}`);
  });

  it("an unknown command gets the help text and 😕", async () => {
    const issue = await newIssue();
    const c = await command(issue, "/codex explain");
    expect(c.record.outcome).toBe("unknown-command");
    expect(reactionsOn(c.commentId)).toEqual(["eyes", "confused"]);
    expect(botComments(issue)[0].body).toContain("/codex help");
  });

  it("status says when nothing runs", async () => {
    const issue = await newIssue();
    await command(issue, "/codex status");
    expect(botComments(issue)[0].body).toContain("Nothing is running or queued here.");
  });
});

describe("authorization", () => {
  for (const [permission, allowed] of [
    ["admin", true],
    ["write", true],
    ["read", false],
    ["none", false],
  ] as const) {
    it(`${permission} ${allowed ? "may" : "may not"} start work`, async () => {
      const issue = await newIssue();
      h.standIn.setPermission(issue.repoFullName, "someone", permission);
      const c = await command(issue, "/codex help", "someone");
      expect(c.record.outcome).toBe(allowed ? "help" : "refused: someone");
      if (!allowed) {
        expect(reactionsOn(c.commentId)).toEqual([]);
        expect(botComments(issue)[0].body).toContain("only people with write permission");
      }
    });
  }

  it("a refused person gets one reply, not one per command", async () => {
    const issue = await newIssue();
    h.standIn.setPermission(issue.repoFullName, "spammer", "read");
    for (let i = 0; i < 3; i++) await command(issue, `/codex fix attempt ${i}`, "spammer");
    expect(botComments(issue)).toHaveLength(1);
  });

  it("ignores bots, the App itself and edited comments: no job at all", async () => {
    const issue = await newIssue();
    const before = (await listJobRecords(h.db, { limit: 1000 })).length;
    const bot = await postCommand(h, issue, { body: "/codex fix", user: "renovate[bot]", userType: "Bot" });
    await h.deliver("issue_comment", bot.payload);
    const self = await postCommand(h, issue, { body: "/codex fix", user: "codex-dispatch[bot]", userType: "Bot" });
    await h.deliver("issue_comment", self.payload);
    const edited = await postCommand(h, issue, { body: "/codex fix", action: "edited" });
    await h.deliver("issue_comment", edited.payload);
    expect((await listJobRecords(h.db, { limit: 1000 })).length).toBe(before);
  });
});

describe("work", () => {
  it("/codex fix on an issue: 👀, one sticky progress comment with the checklist, a draft PR, then 🚀", async () => {
    const issue = await newIssue();
    const c = await command(issue, "/codex fix");
    expect(c.record.outcome).toBe("queued fix");
    const fixKey = `fix:${issue.repoFullName.toLowerCase()}#${issue.issueNumber}:cmd-issue-${c.commentId}`;
    const fix = await h.waitForJob(fixKey, 90_000);
    expect(fix.outcome).toMatch(/^pr-opened #\d+$/);
    await waitFor(async () => reactionsOn(c.commentId).includes("rocket"));
    expect(reactionsOn(c.commentId)).toEqual(["eyes", "rocket"]);
    const comments = botComments(issue);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain("🚀");
    expect(comments[0].body).toMatch(/- \[x\] .*cat src\/sum\.js/);
    expect(comments[0].body).toMatch(/edited `src\/sum\.js`/);
  });

  it("/codex stop cancels the running job: the agent is gone, the workspace removed, and it says so", async () => {
    const issue = await newIssue();
    const c = await command(issue, "/codex fix HANG-PLEASE");
    const fixKey = `fix:${issue.repoFullName.toLowerCase()}#${issue.issueNumber}:cmd-issue-${c.commentId}`;
    await waitFor(async () => (await getJobRecord(h.db, fixKey))?.phase === "agent");
    const jobsDir = path.join(h.env.workspaceDir, "jobs");
    expect((await readdir(jobsDir)).length).toBeGreaterThan(0);
    // A second command while one runs waits its turn.
    const second = await command(issue, "/codex fix something else");
    const secondKey = `fix:${issue.repoFullName.toLowerCase()}#${issue.issueNumber}:cmd-issue-${second.commentId}`;
    expect((await getJobRecord(h.db, secondKey))?.status).toBe("queued");

    const stop = await command(issue, "/codex stop");
    expect(stop.record.outcome).toBe("stopped 2");
    const first = await waitFor(async () => {
      const r = await getJobRecord(h.db, fixKey);
      return r?.status === "cancelled" ? r : undefined;
    });
    expect(first.status).toBe("cancelled");
    expect((await getJobRecord(h.db, secondKey))?.status).toBe("cancelled");
    await waitFor(async () => (await readdir(jobsDir)).length === 0);
    const { execa } = await import("execa");
    const ps = await execa("ps", ["-eo", "args"]);
    expect(ps.stdout).not.toContain(jobsDir);
    await waitFor(async () => botComments(issue).some((c) => String(c.body).includes("Stopped")));
  });

  it("removing the label cancels the fix it started", async () => {
    const issue = await setupIssueFix(h, { repoName: `cmd-${++counter}` });
    cleanups.push(() => issue.remote.cleanup());
    (issue.payload as AnyJson).issue.body = "HANG-PLEASE";
    h.standIn.state.issues.find((i) => i.number === issue.issueNumber && String(i.url).includes(issue.repoFullName))!.body = "HANG-PLEASE";
    await h.deliver("issues", issue.payload, issue.deliveryId);
    await waitFor(async () => (await getJobRecord(h.db, issue.key))?.phase === "agent");
    await h.deliver("issues", { ...issue.payload, action: "unlabeled" });
    const record = await waitFor(async () => {
      const r = await getJobRecord(h.db, issue.key);
      return r?.status === "cancelled" ? r : undefined;
    });
    expect(record.error).toContain("label was removed");
  });
});

describe("on pull requests", () => {
  const ADD_COMMENT = [
    "*** Begin Patch",
    "*** Update File: src/sum.js",
    "@@",
    "-export function sum(a, b) {",
    "+// Adds two numbers.",
    "+export function sum(a, b) {",
    "*** End Patch",
  ].join("\n");
  const answer = JSON.stringify({
    summary: "Document sum",
    root_cause: "asked",
    changes: "a comment",
    tests: [],
    confidence: "high",
    follow_up: "",
  });

  it("adds a commit to the bot's own PR, and opens a PR against a person's PR", async () => {
    h.model.setScript((req) =>
      JSON.stringify(req.body).includes("ADD-COMMENT")
        ? [
            { kind: "patch", patch: ADD_COMMENT },
            { kind: "message", text: answer },
          ]
        : script(req),
    );
    try {
      const issue = await newIssue();
      const first = await command(issue, "/codex fix");
      const fix = await h.waitForJob(`fix:${issue.repoFullName.toLowerCase()}#${issue.issueNumber}:cmd-issue-${first.commentId}`, 90_000);
      const prNumber = Number(/#(\d+)/.exec(fix.outcome ?? "")![1]);

      // On the bot's own PR: a new commit on its branch, no new PR.
      const own = await command({ ...issue, issueNumber: prNumber }, "/codex ADD-COMMENT above sum");
      const ownFix = await h.waitForJob(`fix:${issue.repoFullName.toLowerCase()}#${prNumber}:cmd-issue-${own.commentId}`, 90_000);
      expect(ownFix.outcome).toBe(`pushed to #${prNumber}`);

      // On a person's PR (from a branch of the same repository): a PR against their branch.
      const prs = () => (h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes(issue.repoFullName));
      const humanSha = await issue.remote.commit({ "README.md": "human work\n" }, "Human work", "refs/heads/feature/human");
      const human = h.standIn.addPullRequest(issue.repoFullName, {
        title: "Human work",
        head: "feature/human",
        headSha: humanSha,
        base: "main",
      });
      const other = await command({ ...issue, issueNumber: human.number }, "/codex ADD-COMMENT please");
      const otherFix = await h.waitForJob(`fix:${issue.repoFullName.toLowerCase()}#${human.number}:cmd-issue-${other.commentId}`, 90_000);
      expect(otherFix.error).toBeNull();
      expect(otherFix.outcome).toMatch(/^pr-opened #\d+$/);
      const opened = prs().find((p) => p.number === Number(/#(\d+)/.exec(otherFix.outcome ?? "")![1]))!;
      expect(opened.base.ref).toBe("feature/human");
      // Their branch fails `node --test` before and after (the request was about something else): pushed, flagged.
      expect(opened.body).toContain("still fails after this change: this is not a ready fix");
      expect(opened.head.ref).toMatch(/^codex\/cmd\//);
    } finally {
      h.model.setScript(script);
    }
  });
});

describe("on a line of a PR's diff", () => {
  it("a review comment command is answered, and its reactions go to the review comment", async () => {
    const issue = await newIssue();
    const first = await command(issue, "/codex fix");
    const fix = await h.waitForJob(`fix:${issue.repoFullName.toLowerCase()}#${issue.issueNumber}:cmd-issue-${first.commentId}`, 90_000);
    const prNumber = Number(/#(\d+)/.exec(fix.outcome ?? "")![1]);
    const review = h.standIn.addReview(issue.repoFullName, prNumber, {
      user: DEMO_MAINTAINER,
      state: "COMMENTED",
      comments: [{ path: "src/sum.js", line: 2, body: "/codex help" }],
    });
    const comment = (review.comments as AnyJson[])[0];
    const pr = (h.standIn.snapshot().pullRequests as AnyJson[]).find(
      (p) => p.number === prNumber && String(p.url).includes(issue.repoFullName),
    )!;
    await h.deliver("pull_request_review_comment", {
      action: "created",
      comment,
      pull_request: pr,
      repository: (issue.payload as AnyJson).repository,
      sender: comment.user,
      installation: (issue.payload as AnyJson).installation,
    });
    const record = await h.waitForJob(`command:${issue.repoFullName.toLowerCase()}#${prNumber}:review-${comment.id}`, 60_000);
    expect(record.outcome).toBe("help");
    const reactions = (h.standIn.snapshot().reactions as AnyJson[]).filter((r) =>
      String(r.subject_url).endsWith(`/pulls/comments/${comment.id}`),
    );
    expect(reactions.map((r) => r.content)).toEqual(["eyes", "rocket"]);
  });
});

describe("read-only commands through comments", () => {
  const explainAnswer = {
    answer: "`sum` returns `a - b` in `src/sum.js:2`.",
    references: [{ path: "src/sum.js", line: 2, note: "the subtraction" }],
  };
  const reviewAnswer = {
    summary: "sum subtracts",
    verdict: "comment",
    comments: [{ path: "src/sum.js", line: 2, body: "This subtracts." }],
  };

  it("/codex triage, /codex explain and /codex review on a PR each answer in their own way", async () => {
    const { ciFailureScript, setupCiFailure } = await import("../../demo/scenarios/ci-failure.js");
    h.model.setScript((req) => {
      const prompt = JSON.stringify(req.body);
      if (prompt.includes("You are triaging")) return ciFailureScript();
      if (prompt.includes("You are reviewing pull request")) return [{ kind: "message", text: JSON.stringify(reviewAnswer) }];
      return [{ kind: "message", text: JSON.stringify(explainAnswer) }];
    });
    try {
      const ci = await setupCiFailure(h, { repoName: `cmd-${++counter}` });
      cleanups.push(() => ci.remote.cleanup());
      h.standIn.setPermission(ci.repoFullName, DEMO_MAINTAINER, "write");
      const onPr = { repoFullName: ci.repoFullName, issueNumber: ci.prNumber, payload: ci.payload } as unknown as IssueFixSetup;
      const target = `${ci.repoFullName.toLowerCase()}#${ci.prNumber}`;

      const triage = await command(onPr, "/codex triage");
      expect(triage.record.outcome).toBe("queued triage");
      const triaged = await waitFor(async () =>
        (await listJobRecords(h.db, { limit: 1000 })).find(
          (r) => r.kind === "triage" && r.repo === ci.repoFullName && r.status === "succeeded",
        ),
      );
      expect(triaged.outcome).toBe("explained: code");

      const explain = await command(onPr, "/codex explain why does the test fail?");
      const explained = await h.waitForJob(`explain:${target}:issue-${explain.commentId}`, 90_000);
      expect(explained.outcome).toBe("answered");

      const review = await command(onPr, "/codex review");
      const reviewed = await h.waitForJob(`review:${target}:issue-${review.commentId}`, 90_000);
      expect(reviewed.outcome).toMatch(/^reviewed/);
      expect(h.standIn.state.reviews.filter((r) => String(r.url).includes(ci.repoFullName))).toHaveLength(1);

      const onThePr = (h.standIn.snapshot().comments as AnyJson[]).filter(
        (c) => c.user?.type === "Bot" && String(c.issue_url).endsWith(`${ci.repoFullName}/issues/${ci.prNumber}`),
      );
      expect(onThePr.some((c) => String(c.body).includes("Codex triage"))).toBe(true);
      expect(onThePr.some((c) => String(c.body).includes("src/sum.js#L2"))).toBe(true);
    } finally {
      h.model.setScript(script);
    }
  });
});
