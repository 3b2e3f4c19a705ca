import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../demo/harness.js";
import {
  DEMO_MAINTENANCE_CONFIG,
  maintenanceNothingScript,
  maintenanceScript,
  setupMaintenance,
  submitMaintenanceRun,
  type MaintenanceSetup,
} from "../../demo/scenarios/maintenance.js";
import type { ScriptStep } from "../../demo/scripted-model.js";
import type { JobRecord } from "../../src/jobs/records.js";
import { runGit } from "../../src/workspace/git.js";

// README promise ([7/13]): each maintenance task keeps ONE draft PR up to date on codex/maintenance/<task>: a
// later run adds a commit, a moved default branch rebuilds it on the new head, a person's commit stops the bot,
// and a run that finds nothing to do closes a PR the default branch no longer needs. One repository, one story,
// in order: each step starts from where the previous one left the branch.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BRANCH = "codex/maintenance/docs-sync";
const CONFIG = `${DEMO_MAINTENANCE_CONFIG}    - name: notes
      schedule: "0 4 * * *"
      prompt: Keep docs/notes.md short.
      paths: ["docs/**"]
`;

let h: Harness;
let s: MaintenanceSetup;
beforeAll(async () => {
  h = await startHarness();
  s = await setupMaintenance(h, { repoName: "maint", config: CONFIG });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await s?.remote.cleanup();
});

const prs = () => (h.standIn.snapshot().pullRequests as AnyJson[]).filter((p) => String(p.url).includes("/maint/"));
const comments = (pr: number) =>
  (h.standIn.snapshot().comments as AnyJson[]).filter((c) => String(c.issue_url).endsWith(`/maint/issues/${pr}`));
const git = (...args: string[]) => runGit(["--git-dir", s.remote.url, ...args], { cwd: s.remote.dir });
const head = (ref: string) => git("rev-parse", ref);
const parentsOf = async (sha: string) => (await git("rev-list", "--parents", "-n", "1", sha)).split(" ").slice(1);

async function run(task: string, period: string, script: ScriptStep[]): Promise<JobRecord> {
  h.model.setScript(script);
  const record = await h.waitForJob(await submitMaintenanceRun(h, s, task, period), 90_000);
  expect(record.error, `job error: ${record.error}`).toBeNull();
  return record;
}

describe("a maintenance task's one living draft PR", () => {
  let number = 0;

  it("the first run opens a draft PR on codex/maintenance/<task>, its commit on the default head", async () => {
    const record = await run("docs-sync", "2026-w01", maintenanceScript("docs/a.md", "sum adds."));
    expect(record.outcome).toMatch(/^pr-opened #\d+$/);
    number = Number(/#(\d+)/.exec(record.outcome!)![1]);
    const [pr] = prs();
    expect(prs()).toHaveLength(1);
    expect(pr.draft).toBe(true);
    expect(pr.head.ref).toBe(BRANCH);
    expect(record.links.pr).toBe(pr.html_url);
    expect(await parentsOf(await head(BRANCH))).toEqual([s.remote.headSha]);
  });

  it("a second run adds a second commit to the SAME PR and refreshes its body", async () => {
    const record = await run("docs-sync", "2026-w02", maintenanceScript("docs/b.md", "sum is exported.", "Document the export"));
    expect(record.outcome).toBe(`pushed to #${number}`);
    expect(prs()).toHaveLength(1);
    expect(await git("rev-list", "--count", `main..${BRANCH}`)).toBe("2");
    const handoff = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(prs()[0].body)![1]);
    expect(handoff.files.map((f: AnyJson) => f.path)).toEqual(["docs/b.md"]);
    expect(handoff.origin).toMatchObject({ type: "maintenance", task: "docs-sync", period: "2026-w02" });
    expect(prs()[0].title).toBe("Document sum");
  });

  it("the default branch moved → the branch is rebuilt on the new head (parent = new head), still one PR", async () => {
    const moved = await s.remote.commit({ "README.md": "# calculator\n" }, "Add a README");
    const record = await run("docs-sync", "2026-w03", maintenanceScript("docs/c.md", "See README."));
    expect(record.outcome).toBe(`pushed to #${number}`);
    const tip = await head(BRANCH);
    expect(await parentsOf(tip)).toEqual([moved]);
    expect(
      prs()
        .filter((p) => p.state === "open")
        .map((p) => p.number),
    ).toEqual([number]);
    expect(prs()[0].head.sha).toBe(tip);
    // Afresh: the rebuilt branch holds this run's change only.
    expect((await git("diff", "--name-only", `main...${BRANCH}`)).split("\n")).toEqual(["docs/c.md"]);
  });

  it("nothing to change on the new default head → the PR is closed with a comment saying why, no commit", async () => {
    await s.remote.commit({ "docs/c.md": "See README.\n" }, "Document the README by hand");
    const before = await head(BRANCH);
    const record = await run("docs-sync", "2026-w04", maintenanceNothingScript());
    expect(record.outcome).toBe("no-change");
    expect(await head(BRANCH)).toBe(before);
    expect(prs().find((p) => p.number === number)!.state).toBe("closed");
    expect(
      comments(number)
        .map((c) => String(c.body))
        .join("\n"),
    ).toContain("no longer needed");
  });

  it("after a closed PR the next run starts fresh: the branch is reset to a commit on main, a new PR opens", async () => {
    const record = await run("docs-sync", "2026-w05", maintenanceScript("docs/d.md", "sum(2, 3) is 5."));
    expect(record.outcome).toMatch(/^pr-opened #\d+$/);
    const fresh = Number(/#(\d+)/.exec(record.outcome!)![1]);
    expect(fresh).not.toBe(number);
    number = fresh;
    expect(await parentsOf(await head(BRANCH))).toEqual([await head("main")]);
  });

  it("a person's commit on the branch → the bot stops, says so once on the PR, and commits nothing", async () => {
    const botTip = await head(BRANCH);
    const tree = await git("rev-parse", `${botTip}^{tree}`);
    const theirs = await runGit(["--git-dir", s.remote.url, "commit-tree", tree, "-p", botTip, "-m", "Tweak the docs by hand"], {
      cwd: s.remote.dir,
      env: {
        GIT_AUTHOR_NAME: "Mona",
        GIT_AUTHOR_EMAIL: "mona@example.com",
        GIT_COMMITTER_NAME: "Mona",
        GIT_COMMITTER_EMAIL: "mona@example.com",
      },
    });
    await git("update-ref", `refs/heads/${BRANCH}`, theirs, botTip);
    prs().forEach((p) => p.number === number && (h.standIn.state.pullRequests.find((q) => q.id === p.id)!.head.sha = theirs));
    const modelCalls = h.model.requests.length;

    for (const period of ["2026-w06", "2026-w07"]) {
      const record = await run("docs-sync", period, maintenanceScript("docs/e.md", "never"));
      expect(record.outcome).toBe("person-committed");
    }
    expect(await head(BRANCH)).toBe(theirs);
    expect(h.model.requests.length).toBe(modelCalls);
    const said = comments(number).filter((c) => String(c.body).includes("codex-dispatch:maintenance:person-committed"));
    expect(said).toHaveLength(1);
    expect(said[0].body).toContain("someone other than the bot committed");
  });

  const personCommit = async (parent: string, message: string) => {
    const tree = await git("rev-parse", `${parent}^{tree}`);
    return runGit(["--git-dir", s.remote.url, "commit-tree", tree, "-p", parent, "-m", message], {
      cwd: s.remote.dir,
      env: {
        GIT_AUTHOR_NAME: "Mona",
        GIT_AUTHOR_EMAIL: "mona@example.com",
        GIT_COMMITTER_NAME: "Mona",
        GIT_COMMITTER_EMAIL: "mona@example.com",
      },
    });
  };
  const close = (n: number) => {
    const pr = h.standIn.state.pullRequests.find((p) => p.number === n && String(p.url).includes("/maint/"))!;
    pr.state = "closed";
    return pr;
  };

  it("the person's PR is closed → the next run starts afresh; the person's commit stays in the closed PR", async () => {
    const theirs = await head(BRANCH);
    const closed = close(number);
    const record = await run("docs-sync", "2026-w08", maintenanceScript("docs/f.md", "Fresh."));
    expect(record.outcome).toMatch(/^pr-opened #\d+$/);
    number = Number(/#(\d+)/.exec(record.outcome!)![1]);
    expect(await parentsOf(await head(BRANCH))).toEqual([await head("main")]);
    expect((closed.head as { sha: string }).sha).toBe(theirs);
  });

  it("a person's commit pushed after the PR closed (kept by no PR) → the branch is left alone: person-committed", async () => {
    const closed = close(number);
    const botTip = (closed.head as { sha: string }).sha;
    const theirs = await personCommit(botTip, "Keep working after the close");
    await git("update-ref", `refs/heads/${BRANCH}`, theirs, botTip);
    const modelCalls = h.model.requests.length;
    const openBefore = prs().filter((p) => p.state === "open").length;
    const record = await run("docs-sync", "2026-w09", maintenanceScript("docs/g.md", "never"));
    expect(record.outcome).toBe("person-committed");
    expect(await head(BRANCH)).toBe(theirs);
    expect(h.model.requests.length).toBe(modelCalls);
    expect(prs().filter((p) => p.state === "open").length).toBe(openBefore);
  });

  it("paths: a change outside the task's `paths` is refused, nothing pushed", async () => {
    const patch = ["*** Begin Patch", "*** Add File: src/notes.js", "+export const notes = 1;", "*** End Patch"].join("\n");
    const script = maintenanceScript("docs/notes.md", "short");
    script[1] = { kind: "patch", patch };
    const record = await run("notes", "2026-01-01", script);
    expect(record.outcome).toBe("rejected: outside-paths");
    expect(await git("branch", "--list", "codex/maintenance/notes")).toBe("");
  });
});
