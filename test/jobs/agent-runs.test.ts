import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { agentHistory, recordAgentRun, recordRaceResult } from "../../src/jobs/agent-runs.js";
import { runMigrations } from "../../src/jobs/migrations.js";
import { tempDataDir } from "./setup.js";

// What `agent.routing: auto` learns from ([8/13]): per repository and kind, each agent's runs and how many were good.
let tmp: Awaited<ReturnType<typeof tempDataDir>>;
let db: Database;
const SINCE = new Date(Date.now() - 86_400_000);
const run = (jobKey: string, agent: "codex" | "claude", answered: boolean, kind = "fix", repo = "Acme/App") =>
  recordAgentRun(db, { jobKey, repo, kind, agent, model: null, answered, tokens: 10, costUsd: null });

beforeAll(async () => {
  tmp = await tempDataDir();
  db = await openDatabase({ dataDir: tmp.dir });
  await runMigrations(db);
}, 60_000);
afterAll(async () => {
  await db?.close();
  await tmp?.remove();
});

describe("agent history", () => {
  it("counts runs and answered runs per agent, for one repository (any case) and kind only", async () => {
    await run("a", "codex", true);
    await run("b", "codex", false);
    await run("c", "claude", true);
    await run("d", "claude", true, "triage");
    await run("e", "claude", true, "fix", "acme/other");
    expect(await agentHistory(db, { repo: "acme/app", kind: "fix", since: SINCE })).toEqual({
      codex: { runs: 2, successes: 1 },
      claude: { runs: 1, successes: 1 },
    });
  });

  it("a lost race is not a success for its agent; the winner's is", async () => {
    await run("race-1", "codex", true, "explain");
    await run("race-1", "claude", true, "explain");
    await recordRaceResult(db, { jobKey: "race-1", winner: "claude", margin: "a smaller diff" });
    expect(await agentHistory(db, { repo: "Acme/App", kind: "explain", since: SINCE })).toEqual({
      codex: { runs: 1, successes: 0 },
      claude: { runs: 1, successes: 1 },
    });
  });
});
