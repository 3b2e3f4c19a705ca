import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { listJobEvents } from "../../src/jobs/job-events.js";
import { TimelineRecorder } from "../../src/pipeline/steps/timeline.js";
import { tempDataDir } from "../jobs/setup.js";
import { insertJob, serveDashboard, type DashboardServer } from "../web/dashboard-server.js";

// Everything the dashboard shows came from outside (repository names, workflow names, outcomes, error text, agent
// messages and commands): it must render as text. The timeline rows go through the real recorder of the agent step.
const TOKEN = "dash-secret-0a1b2c3d4e5f6789";
const SCRIPT = "<script>window.pwned=1</script>";
const IMG = `<img src=x onerror="window.pwned=2">`;
let tmp: { dir: string; remove(): Promise<void> };
let db: Database;
let server: DashboardServer;
let jobId: string;

beforeAll(async () => {
  tmp = await tempDataDir();
  db = await openDatabase({ dataDir: tmp.dir });
  jobId = await insertJob(db, {
    key: "triage:hostile:1",
    repo: `octo/x${SCRIPT}`,
    outcome: `commented ${SCRIPT}`,
    error: `codex failed: ${IMG}`,
    links: {
      pr: "javascript:alert(1)",
      evil: "data:text/html,<script>x</script>",
      checkRun: `https://github.com/o/r/runs/1?"><script>x</script>`,
    },
    data: { headSha: "a".repeat(40), pullNumbers: [1], source: { type: "workflow_run", workflowName: `CI ${SCRIPT}` } },
  });
  const timeline = new TimelineRecorder(db, "triage:hostile:1", pino({ level: "silent" }), "/work/tree");
  timeline.start("codex", "gpt-5.5");
  timeline.onEvent({ type: "item.completed", item: { type: "command_execution", command: `echo '${SCRIPT}'`, exit_code: 1 } });
  timeline.onEvent({ type: "item.completed", item: { type: "agent_message", text: `Done ${IMG} with ghp_${"A1b2C3d4E5".repeat(4)}` } });
  timeline.onEvent({
    type: "item.completed",
    item: { type: "file_change", changes: [{ path: `/work/tree/src/${SCRIPT}.js`, kind: "update" }] },
  });
  await timeline.flush();
  server = await serveDashboard({ db, token: TOKEN, stream: { pollMs: 50, maxMs: 2000 } });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
  await tmp?.remove();
});

const page = async (path: string) => {
  const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { res, body: await res.text() };
};

/** The only script tag a page may carry is our own, from our own path. */
function scriptTags(body: string): string[] {
  return body.match(/<script\b[^>]*>/gi) ?? [];
}

describe("untrusted text on the dashboard", () => {
  it("[S27.7] a <script> in a job's outcome, error, repository or workflow name on the jobs list → escaped text, no tag", async () => {
    const { res, body } = await page("/dashboard");
    expect(res.status).toBe(200);
    expect(scriptTags(body)).toEqual([]);
    expect(body).not.toMatch(/<img\b/i);
    expect(body).toContain("commented &lt;script&gt;window.pwned=1&lt;/script&gt;");
    expect(body).toContain("&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;");
    expect(body).toContain("CI &lt;script&gt;");
  });

  it("[S27.8] a <script> or an onerror <img> in the agent's messages, commands and file names on the job page → inert text", async () => {
    const { body } = await page(`/dashboard/jobs/${jobId}`);
    expect(scriptTags(body)).toEqual([]); // the job is finished: not even the live script
    expect(body).not.toMatch(/<img\b/i);
    expect(body).toContain("echo &#39;&lt;script&gt;window.pwned=1&lt;/script&gt;&#39;");
    expect(body).toContain("update src/&lt;script&gt;");
    expect(body).toMatch(/<span class="exit exit-bad">exit 1<\/span>/);
  });

  it("[S27.9] a javascript: or data: URL in a job's links → shown as text, never an href; a quote in a URL cannot leave the attribute", async () => {
    const { body } = await page(`/dashboard/jobs/${jobId}`);
    expect(body).not.toMatch(/href="(javascript|data):/i);
    expect(body).toContain("pr: javascript:alert(1)");
    expect(body).toContain('href="https://github.com/o/r/runs/1?%22%3E%3Cscript%3Ex%3C/script%3E"');
  });

  it("[S27.10] a GitHub token in an agent message → redacted before it is stored, so no page or stream shows it", async () => {
    const rows = await listJobEvents(db, "triage:hostile:1");
    const message = rows.find((r) => r.type === "message");
    expect(message?.text).toContain("[REDACTED]");
    expect(message?.text).not.toContain("ghp_");
    const { body } = await page(`/dashboard/jobs/${jobId}/events`);
    expect(body).not.toContain("ghp_");
  });

  it("[S27.11] the stream carries the hostile text only as JSON data, and every page forbids inline script by CSP", async () => {
    const { res, body } = await page(`/dashboard/jobs/${jobId}/events`);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const data = body
      .split("\n")
      .filter((l) => l.startsWith("data: {") && body.includes("event: timeline"))
      .map((l) => JSON.parse(l.slice(6)));
    expect(data.some((e) => e.type === "command" && e.text.includes(SCRIPT))).toBe(true);
    const list = await page("/dashboard");
    expect(list.res.headers.get("content-security-policy")).toMatch(/script-src 'self';.*style-src 'self'/);
    expect(list.res.headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});
