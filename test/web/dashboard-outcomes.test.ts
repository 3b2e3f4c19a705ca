import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { SCHEMA } from "../../src/jobs/migrations.js";
import { tempDataDir } from "../jobs/setup.js";
import { insertJob, serveDashboard, type DashboardServer } from "./dashboard-server.js";

// The "does it help?" table on /dashboard over rows seeded here: its figures are outcomeStats's (two fixes, one PR
// merged and one closed: 50% merged, the merged one's $0.40 per merged fix), the repository filter narrows it, and
// a repository name carrying markup stays text.
const TOKEN = "outcomes-table-token-9f8e7d";
const HOSTILE = `octo/x<script>window.pwned=1</script>`;
let tmp: { dir: string; remove(): Promise<void> };
let db: Database;
let server: DashboardServer;

async function botPr(repo: string, number: number, jobKey: string, state: "merged" | "closed") {
  await db.query(
    `INSERT INTO ${SCHEMA}.bot_prs (repo, number, job_key, kind, agent, opened_at, state, closed_at, merged_at)
     VALUES ($1, $2, $3, 'fix', 'codex', now() - interval '2 hours', $4, now(), CASE WHEN $4 = 'merged' THEN now() END)`,
    [repo, number, jobKey, state],
  );
}

beforeAll(async () => {
  tmp = await tempDataDir();
  db = await openDatabase({ dataDir: tmp.dir });
  await insertJob(db, { key: "fix:octo/app:1", kind: "fix", repo: "octo/app", outcome: "pr-opened #1", costUsd: 0.4, tokens: [900, 100] });
  await insertJob(db, { key: "fix:octo/app:2", kind: "fix", repo: "octo/app", outcome: "pr-opened #2", costUsd: 0.2, tokens: [400, 100] });
  await botPr("octo/app", 1, "fix:octo/app:1", "merged");
  await botPr("octo/app", 2, "fix:octo/app:2", "closed");
  await insertJob(db, { key: "fix:hostile:1", kind: "fix", repo: HOSTILE, outcome: "pr-opened #3", costUsd: 0.1 });
  await botPr(HOSTILE, 3, "fix:hostile:1", "merged");
  server = await serveDashboard({ db, token: TOKEN });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
  await tmp?.remove();
});

const page = async (path: string) => {
  const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
};
const outcomeRows = (body: string) => body.match(/<tr class="outcome-row"[\s\S]*?<\/tr>/g) ?? [];

describe("the outcomes table on /dashboard", () => {
  it("shows per repository the share merged, PR counts and cost per merged fix from outcomeStats", async () => {
    const [app] = outcomeRows(await page("/dashboard")).filter((r) => r.includes('data-repo="octo/app"'));
    expect(app).toMatch(/data-kind="fix" data-agent="codex"/);
    expect(app).toMatch(/data-value="0\.500">50%</);
    expect(app).toContain("2 · 1 · 1 · 0");
    expect(app).toContain("$0.40");
  });

  it("follows the repository filter, and a repository name carrying markup stays text", async () => {
    const all = await page("/dashboard");
    expect(all).not.toMatch(/<script\b/i);
    const hostile = outcomeRows(all).find((r) => r.includes("pwned"));
    expect(hostile).toContain("<td>octo/x&lt;script&gt;window.pwned=1&lt;/script&gt;</td>");
    expect(hostile).toMatch(/data-value="1\.000">100%</);
    const filtered = outcomeRows(await page("/dashboard?repo=octo/app"));
    expect(filtered).toHaveLength(1);
    expect(filtered[0]).toContain('data-repo="octo/app"');
  });
});
