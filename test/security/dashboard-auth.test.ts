import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/jobs/db.js";
import { sessionValue } from "../../src/web/dashboard/auth.js";
import { tempDataDir } from "../jobs/setup.js";
import { insertJob, serveDashboard, type DashboardServer } from "../web/dashboard-server.js";

// Who may see the dashboard: only a holder of DASHBOARD_TOKEN, sent as a Bearer header or once in the URL, after
// which the browser holds a cookie derived from it. The token itself never appears in a response.
const TOKEN = "dash-secret-7f3c9a1e5b2d4c6f";
let tmp: { dir: string; remove(): Promise<void> };
let db: Database;
let on: DashboardServer;
let off: DashboardServer;
let jobId: string;

beforeAll(async () => {
  tmp = await tempDataDir();
  db = await openDatabase({ dataDir: tmp.dir });
  jobId = await insertJob(db, {
    key: "triage:octo/demo:1",
    outcome: "commented",
    links: { checkRun: "https://github.com/octo/demo/runs/1" },
  });
  on = await serveDashboard({ db, token: TOKEN, stream: { pollMs: 50, maxMs: 2000 } });
  off = await serveDashboard({ db, token: undefined });
}, 60_000);

afterAll(async () => {
  await on?.close();
  await off?.close();
  await db?.close();
  await tmp?.remove();
});

const get = (base: string, path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers, redirect: "manual" });

describe("dashboard access", () => {
  it("[S27.1] any request while DASHBOARD_TOKEN is unset, even with a token → 404 and a page saying how to turn it on", async () => {
    for (const path of ["/dashboard", `/dashboard/jobs/${jobId}`, "/dashboard?token=anything"]) {
      const res = await get(off.url, path, { authorization: `Bearer ${TOKEN}` });
      expect(res.status).toBe(404);
      const body = await res.text();
      expect(body).toContain("DASHBOARD_TOKEN");
      expect(body).not.toContain("commented");
    }
  });

  it("[S27.2] no token, a wrong Bearer token or a wrong ?token= on every dashboard path → 401, no data and no cookie", async () => {
    const paths = ["/dashboard", `/dashboard/jobs/${jobId}`, `/dashboard/jobs/${jobId}/events`, "/dashboard/static/live.js"];
    const attempts: [string, Record<string, string>][] = [
      ["", {}],
      ["", { authorization: "Bearer dash-secret-7f3c9a1e5b2d4c6e" }],
      ["", { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` }],
      ["?token=short", {}],
      [`?token=${TOKEN}x`, {}],
    ];
    for (const path of paths) {
      for (const [query, headers] of attempts) {
        const res = await get(on.url, path + query, headers);
        expect(res.status, `${path}${query}`).toBe(401);
        expect(res.headers.get("set-cookie")).toBeNull();
        expect(await res.text()).not.toContain("commented");
      }
    }
  });

  it("[S27.3] the token's own value as the session cookie (a forged cookie) → 401", async () => {
    const res = await get(on.url, "/dashboard", { cookie: `cd_dashboard=${TOKEN}` });
    expect(res.status).toBe(401);
  });

  it("[S27.4] ?token= in a link → 303 to the same URL without the token, an HttpOnly SameSite=Strict cookie that is not the token", async () => {
    const res = await get(on.url, `/dashboard?kind=triage&token=${TOKEN}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard?kind=triage");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^cd_dashboard=[A-Za-z0-9_-]+; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/dashboard");
    expect(cookie).not.toContain(TOKEN);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");

    const session = cookie.split(";")[0];
    const page = await get(on.url, "/dashboard?kind=triage", { cookie: session });
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain("commented");
    expect(body).not.toContain(TOKEN);
  });

  it("[S27.5] a Bearer token is accepted and never echoed into the page, the job page or the stream", async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    for (const path of ["/dashboard", `/dashboard/jobs/${jobId}`, `/dashboard/jobs/${jobId}/events`]) {
      const res = await get(on.url, path, headers);
      expect(res.status, path).toBe(200);
      const body = await res.text();
      expect(body).not.toContain(TOKEN);
      expect(body).not.toContain(sessionValue(TOKEN));
    }
  });

  it("[S27.6] a request outside /dashboard (e.g. /dashboardx) → not taken by the dashboard route", async () => {
    const res = await get(on.url, "/dashboardx", { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("not the dashboard");
  });
});
