import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startHarness, type Harness } from "../../demo/harness.js";
import { listJobEvents } from "../../src/jobs/job-events.js";
import { getJobRecord, type JobRecord } from "../../src/jobs/records.js";
import { launchChromium } from "./browser.js";
import { serveDashboard, type DashboardServer } from "./dashboard-server.js";
import { recordMerged, runFix, runTriage, startHeldTriage } from "./dashboard-runs.js";

// The dashboard in headless chromium over the database of real pipeline runs (demo harness: real codex binary,
// stand-ins for GitHub and the model): the jobs list, a job's timeline, a running job's timeline growing over SSE,
// the charts, and access (401 without the token, the ?token= cookie flow). It takes the README's screenshot (docs/dashboard.png).
const TOKEN = "browser-test-token-5c1d9e";
let h: Harness;
let server: DashboardServer;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let triage: JobRecord;
let fix: JobRecord;
let fixPr: number;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  h = await startHarness();
  const t = await runTriage(h);
  cleanups.push(() => t.setup.remote.cleanup());
  triage = t.record;
  const f = await runFix(h);
  cleanups.push(() => f.setup.remote.cleanup());
  fix = f.record;
  fixPr = f.prNumber;
  await recordMerged(h, f.setup.repoFullName, fixPr);
  server = await serveDashboard({ db: h.db, token: TOKEN, stream: { pollMs: 200 } });
  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const c of cleanups) await c();
  await h?.close();
});

describe("the dashboard in chromium", () => {
  it("refuses a browser without the token (401), then ?token= sets an HttpOnly SameSite=Strict cookie and leaves the URL", async () => {
    const refused = await page.goto(`${server.url}/dashboard`);
    expect(refused?.status()).toBe(401);
    expect(await page.textContent("body")).toContain("Send the dashboard token");

    const signedIn = await page.goto(`${server.url}/dashboard?token=${TOKEN}`);
    expect(signedIn?.status()).toBe(200);
    expect(page.url()).toBe(`${server.url}/dashboard`);
    const [cookie] = await browser.context.cookies(`${server.url}/dashboard`);
    expect(cookie).toMatchObject({ name: "cd_dashboard", httpOnly: true, sameSite: "Strict", path: "/dashboard" });
    expect(cookie.value).not.toContain(TOKEN);
    // The cookie alone carries the session from here on.
    expect((await page.goto(`${server.url}/dashboard?kind=fix`))?.status()).toBe(200);
    expect(await page.locator("tr.job").count()).toBe(1);
  });

  it("lists both jobs with agent, tokens, cost, outcome and their links", async () => {
    await page.goto(`${server.url}/dashboard`);
    const triageRow = page.locator('tr.job[data-kind="triage"]');
    const fixRow = page.locator('tr.job[data-kind="fix"]');
    await expect.poll(() => triageRow.count()).toBe(1);
    expect(await fixRow.count()).toBe(1);
    const triageText = (await triageRow.innerText()).replace(/\s+/g, " ");
    expect(triageText).toContain(triage.outcome!);
    expect(triageText).toContain("CI failed on");
    expect(triageText).toMatch(/codex .* \$\d/);
    const comment = triageRow.locator("td.links a", { hasText: /comment on #\d+/ });
    expect(await comment.getAttribute("href")).toBe(triage.links[Object.keys(triage.links).find((k) => /^pr\d+$/.test(k))!]);
    const fixText = (await fixRow.innerText()).replace(/\s+/g, " ");
    expect(fixText).toContain(`pr-opened #${fixPr}`);
    expect(fixText).toContain("issue #");
    expect(await fixRow.locator("td.links a", { hasText: "pr" }).getAttribute("href")).toBe(fix.links.pr);
  });

  it("draws the four charts as SVG with data: runs per day, merge rate, cost per repository, time to triage", async () => {
    await page.goto(`${server.url}/dashboard`);
    const figures = page.locator("figure.chart");
    expect(await figures.count()).toBe(4);
    for (let i = 0; i < 4; i++) expect(await figures.nth(i).locator("svg .datum").count(), `chart ${i}`).toBeGreaterThan(0);
    // One merged PR of one closed: the week's merge rate is 100%.
    expect(await figures.nth(1).locator("circle.datum").getAttribute("data-value")).toBe("1.000");
    expect(await figures.nth(2).locator("text", { hasText: "octo-org/abacus" }).count()).toBe(1);
    expect(await page.locator(".chart-empty").count()).toBe(0);
  });

  it('answers "does it help?": the outcomes table shows the merged fix (100% merged) and the triage\'s time', async () => {
    await page.goto(`${server.url}/dashboard`);
    const fixRow = page.locator('tr.outcome-row[data-repo="octo-org/abacus"][data-kind="fix"]');
    expect(await fixRow.count()).toBe(1);
    const merged = fixRow.locator("td.merged-share");
    expect(await merged.getAttribute("data-value")).toBe("1.000");
    expect(await merged.innerText()).toBe("100%");
    // Opened 1 · merged 1 · closed 0 · reverted 0; the issue label → PR time of its one labelled fix.
    expect((await fixRow.innerText()).replace(/\s+/g, " ")).toMatch(/1 · 1 · 0 · 0 .*\d+s \(1\)/);
    const triageRow = page.locator('tr.outcome-row[data-repo="octo-org/calculator"][data-kind="triage"]');
    expect((await triageRow.innerText()).replace(/\s+/g, " ")).toMatch(/\d+s \(1\)/);
  });

  it("shows a finished job's agent timeline: the command with its exit code and the agent's answer", async () => {
    await page.goto(`${server.url}/dashboard/jobs/${encodeURIComponent(fix.id)}`);
    const rows = page.locator("#timeline li");
    expect(await rows.count()).toBeGreaterThan(2);
    const text = await page.locator("#timeline").innerText();
    expect(text).toMatch(/start\s+codex started \(gpt-5\.5\)/);
    expect(text).toMatch(/command\s+cat src\/sum\.js\s+exit 0/);
    expect(text).toMatch(/files\s+update src\/sum\.js/);
    expect(text).toContain("Make sum add its arguments");
    expect(await page.locator("#job-status").innerText()).toBe("succeeded");
  });

  it("grows a running job's timeline live over SSE, then marks it finished, without a reload", async () => {
    const held = await startHeldTriage(h);
    cleanups.push(() => held.setup.remote.cleanup());
    const record = await waitFor(async () => {
      const r = await getJobRecord(h.db, held.setup.key);
      return r?.status === "running" && (await listJobEvents(h.db, r.key)).length >= 2 ? r : null;
    });
    await page.goto(`${server.url}/dashboard/jobs/${encodeURIComponent(record.id)}`);
    expect(await page.locator("#timeline").getAttribute("data-live")).toBe("1");
    const before = await page.locator("#timeline li").count();
    // Marks the document: a reload would lose it, so it proves the rows arrived into this page.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.waitForFunction((n) => document.querySelectorAll("#timeline li.ev-command").length >= n, before + 2, { timeout: 60_000 });
    expect(await page.locator("#timeline").innerText()).toMatch(/echo tick \d+\s+exit 0/);
    held.release();
    await page.waitForFunction(() => document.getElementById("job-status")?.textContent === "succeeded", undefined, { timeout: 90_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(await page.locator("#timeline").getAttribute("data-live")).toBe("0");
    expect(Number(await page.locator("#event-count").innerText())).toBeGreaterThan(before + 2);
  });

  // The README's picture is this screenshot. It is written to docs/ only when asked (UPDATE_SCREENSHOT=1), so an
  // ordinary test run leaves the checkout clean; without it the test still takes and checks the screenshot.
  it("takes a screenshot of the jobs list (docs/dashboard.png with UPDATE_SCREENSHOT=1)", async () => {
    await page.goto(`${server.url}/dashboard`);
    expect(await page.locator("tr.job").count()).toBe(3);
    const update = process.env.UPDATE_SCREENSHOT === "1";
    if (update) await mkdir("docs", { recursive: true });
    const png = await page.screenshot({ ...(update && { path: "docs/dashboard.png" }), fullPage: false });
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
  });
});

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 200));
  }
}
