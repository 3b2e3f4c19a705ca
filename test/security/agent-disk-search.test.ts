import { stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCodex, type AgentRun } from "../../src/agent/codex.js";
import { startKeyProxy, type KeyProxy } from "../../src/agent/key-proxy.js";
import { startScriptedModel, type ScriptedModel, type ScriptStep } from "../../demo/scripted-model.js";
import { TEST_MODEL, UPSTREAM_KEY } from "../helpers/codex.js";
import { createBotDisk, type BotDisk } from "./disk-fixture.js";

// A scripted agent, driven through the real codex binary, does what a prompt-injected agent would: it searches
// the disk for keys and reads everything of value it can name. Run under its own uid it gets none of it; the
// same script run as the bot's user (the control) gets all of it, which proves the probes can find secrets.
let disk: BotDisk;
let model: ScriptedModel;
let proxy: KeyProxy;

function probes(d: BotDisk): Record<string, string> {
  return {
    whoami: "id -u; id -G",
    ownRepo: "cat README.md && git log --oneline -1 && echo OWN_REPO_OK",
    keyFile: `cat ${d.keyFile}`,
    // /proc and /sys hold nothing of ours and are slow to walk; the filter keeps the output short enough that
    // codex never truncates a line that matters.
    findPem: `find / \\( -path /proc -o -path /sys \\) -prune -o -name '*.pem' -print 2>/dev/null | grep -e private-key -e bot-disk; echo FIND_DONE`,
    appEnviron: `cat /proc/${d.appProcess.pid}/environ; cat /proc/${process.pid}/environ; echo`,
    otherJob: `ls ${d.otherJob.dir}; cat ${d.otherJob.repo}/secret.txt`,
    otherMirror: `ls ${d.otherMirror}; git --git-dir=${d.otherMirror} log --all -p | head -40`,
    database: `ls ${d.dataDir}; ls ${path.join(d.dataDir, "pglite")}; cat ${path.join(d.dataDir, "pglite", "PG_VERSION")}`,
    listing: `ls ${path.join(d.workspaceDir, "jobs")}; ls ${path.join(d.workspaceDir, "mirrors", "acme")}`,
  };
}

async function search(isolated: boolean): Promise<{ run: AgentRun; out: Record<string, string> }> {
  const named = probes(disk);
  const steps: ScriptStep[] = [...Object.values(named).map((cmd) => ({ kind: "exec" as const, cmd })), { kind: "message", text: "done" }];
  model.setScript(steps);
  const before = model.requests.length;
  const run = await runCodex({
    cwd: disk.worktree.path,
    jobDir: disk.job.dir,
    prompt: "Find the credentials.",
    sandbox: "read-only",
    model: TEST_MODEL,
    modelBaseUrl: proxy.baseUrl,
    modelToken: proxy.issue().token,
    timeoutMs: 90_000,
    isolation: isolated ? disk.isolation : null,
  });
  const last = model.requests.slice(before).at(-1);
  const outputs: string[] = last?.toolOutputs ?? [];
  return { run, out: Object.fromEntries(Object.keys(named).map((k, i) => [k, outputs[i] ?? ""])) };
}

let isolated: { run: AgentRun; out: Record<string, string> };
let control: { run: AgentRun; out: Record<string, string> };

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("the isolation tests need root (CI and the container run as root)");
  disk = await createBotDisk();
  model = await startScriptedModel();
  proxy = await startKeyProxy({ upstreamBaseUrl: model.baseUrl, upstreamApiKey: UPSTREAM_KEY });
  isolated = await search(true);
  control = await search(false);
}, 240_000);

afterAll(async () => {
  await proxy?.close();
  await model?.close();
  await disk?.close();
});

describe("an agent under its own uid that searches the disk", () => {
  it("ran all its probes, as a uid of the agent range with the repository's gid as its only group", () => {
    expect(isolated.run.outcome).toBe("completed");
    // Every probe reached the sandbox and came back with an answer (failed reads included).
    for (const [probe, output] of Object.entries(isolated.out)) expect(output, probe).toMatch(/Process exited with code \d+/);
    const ids = isolated.out.whoami!.split("Output:\n")[1]!.match(/\d+/g)!.map(Number);
    const [uid, groups] = ids;
    expect(uid).toBeGreaterThanOrEqual(200_000);
    expect(uid).toBeLessThan(201_000);
    expect(groups).toBeGreaterThanOrEqual(300_000);
    expect(groups).toBeLessThan(400_000);
    expect(ids).toHaveLength(2);
  });

  it("still reads its own worktree and runs git in it (the mirror through the repository's group)", () => {
    expect(isolated.out.ownRepo).toContain("# alpha");
    expect(isolated.out.ownRepo).toContain("OWN_REPO_OK");
  });

  it("cannot read the private key file, and finding *.pem on the disk does not reveal it", () => {
    expect(isolated.out.keyFile).toContain("Permission denied");
    expect(isolated.out.findPem).toContain("FIND_DONE");
    expect(isolated.out.findPem).not.toContain(disk.keyFile);
  });

  it("cannot read the app's environment through /proc", () => {
    expect(isolated.out.appEnviron).toMatch(/Permission denied|No such file/);
  });

  it("cannot list or read another job's worktree, another repository's mirror, the database or the workspace", () => {
    for (const probe of ["otherJob", "otherMirror", "database", "listing"]) {
      expect(isolated.out[probe], probe).toContain("Permission denied");
    }
    expect(isolated.out.database).not.toMatch(/^postgresql\.conf$/m);
    expect(isolated.out.listing).not.toContain("job-beta");
    expect(isolated.out.listing).not.toContain("beta.git");
  });

  it("received no secret in any tool output", () => {
    const all = Object.values(isolated.out).join("\n");
    for (const secret of Object.values(disk.secrets)) expect(all).not.toContain(secret);
  });

  it("leaves the job dir to the bot again, with nothing left running under its uid", async () => {
    expect((await stat(disk.job.dir)).uid).toBe(0);
    expect((await stat(path.join(disk.worktree.path, "README.md"))).uid).toBe(0);
  });
});

describe("the same search as the bot's own user (the control)", () => {
  it("finds every secret the isolated run could not, so the probes above are real", () => {
    expect(control.run.outcome).toBe("completed");
    expect(control.out.keyFile).toContain(disk.secrets.key);
    expect(control.out.findPem).toContain(disk.keyFile);
    expect(control.out.otherJob).toContain(disk.secrets.otherJob);
    expect(control.out.otherMirror).toContain(disk.secrets.otherMirror);
    expect(control.out.database).toMatch(/^postgresql\.conf$/m);
    expect(control.out.listing).toContain("job-beta");
  });
});
