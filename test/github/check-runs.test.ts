import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listCheckRunAnnotations, publishCheckRun, type CheckAnnotation } from "../../src/github/checks.js";
import { API, assertAllMocksUsed, testClient, useNock } from "./client.js";

const sha = "a".repeat(40);
const listRoute = `/repos/acme/app/commits/${sha}/check-runs`;

function annotations(n: number): CheckAnnotation[] {
  return Array.from({ length: n }, (_, i) => ({
    path: `src/f${i}.ts`,
    startLine: i + 1,
    endLine: i + 1,
    level: "failure",
    message: `m${i}`,
  }));
}

const base = {
  owner: "acme",
  repo: "app",
  headSha: sha,
  name: "Codex triage",
  externalId: "triage:acme/app:1:1",
  conclusion: "failure" as const,
  title: "Tests fail",
  summary: "s",
};

describe("publishCheckRun", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("creates the check run with the first 50 annotations and sends the rest 50 at a time", async () => {
    const sent: { method: string; count: number; body: Record<string, unknown> }[] = [];
    const record = (method: string) => (b: { output: { annotations?: unknown[] } } & Record<string, unknown>) => {
      sent.push({ method, count: b.output.annotations?.length ?? 0, body: b });
      return true;
    };
    nock(API)
      .get(listRoute)
      .query({ check_name: "Codex triage", filter: "all", per_page: 100 })
      .reply(200, { total_count: 1, check_runs: [{ id: 5, external_id: "someone-else" }] })
      .post("/repos/acme/app/check-runs", record("POST"))
      .reply(201, { id: 11, html_url: "https://github.com/acme/app/runs/11" })
      .patch("/repos/acme/app/check-runs/11", record("PATCH"))
      .times(2)
      .reply(200, { id: 11, html_url: "https://github.com/acme/app/runs/11" });

    const result = await publishCheckRun(testClient(), { ...base, annotations: annotations(120), detailsUrl: "https://ci.example/1" });
    expect(result).toEqual({ id: 11, htmlUrl: "https://github.com/acme/app/runs/11" });
    expect(sent.map((s) => [s.method, s.count])).toEqual([
      ["POST", 50],
      ["PATCH", 50],
      ["PATCH", 20],
    ]);
    expect(sent[0].body).toMatchObject({
      head_sha: sha,
      external_id: base.externalId,
      status: "completed",
      conclusion: "failure",
      details_url: "https://ci.example/1",
      output: { title: "Tests fail", summary: "s" },
    });
    expect((sent[0].body.output as { annotations: unknown[] }).annotations[0]).toEqual({
      path: "src/f0.ts",
      start_line: 1,
      end_line: 1,
      annotation_level: "failure",
      message: "m0",
    });
  });

  it("updates the check run an earlier attempt created, and cuts an oversized summary", async () => {
    let body: { output: { summary: string }; head_sha?: string } | undefined;
    nock(API)
      .get(listRoute)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 8, external_id: base.externalId }] })
      .patch("/repos/acme/app/check-runs/8", (b: typeof body) => ((body = b), true))
      .reply(200, { id: 8, html_url: "https://github.com/acme/app/runs/8" });
    const result = await publishCheckRun(testClient(), { ...base, summary: "z".repeat(70_000) });
    expect(result.id).toBe(8);
    expect(body?.head_sha).toBeUndefined();
    expect(body?.output.summary.length).toBeLessThanOrEqual(65_535);
    expect(body?.output.summary).toContain("…truncated");
  });

  it("leaves the run in progress when no conclusion is given", async () => {
    let body: Record<string, unknown> = {};
    nock(API)
      .get(listRoute)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] })
      .post("/repos/acme/app/check-runs", (b: Record<string, unknown>) => ((body = b), true))
      .reply(201, { id: 3, html_url: null });
    await publishCheckRun(testClient(), { ...base, conclusion: undefined });
    expect(body.status).toBe("in_progress");
    expect(body.conclusion).toBeUndefined();
  });

  it("rejects a short sha and an unknown conclusion", async () => {
    await expect(publishCheckRun(testClient(), { ...base, headSha: "abc" })).rejects.toThrow(/40-character/);
    await expect(publishCheckRun(testClient(), { ...base, conclusion: "skipped" as "failure" })).rejects.toThrow();
  });
});

describe("listCheckRunAnnotations", () => {
  beforeEach(useNock);
  afterEach(assertAllMocksUsed);

  it("reads every page and maps the fields", async () => {
    const route = "/repos/acme/app/check-runs/9/annotations";
    nock(API)
      .get(route)
      .query({ per_page: 100 })
      .reply(200, [{ path: "a.ts", start_line: 3, end_line: 4, annotation_level: "warning", message: "w", title: "T", blob_href: "x" }], {
        link: `<${API}${route}?per_page=100&page=2>; rel="next"`,
      })
      .get(route)
      .query({ per_page: 100, page: 2 })
      .reply(200, [{ path: "b.ts", start_line: 1, end_line: 1, annotation_level: "failure", message: "f", title: null }]);
    expect(await listCheckRunAnnotations(testClient(), { owner: "acme", repo: "app", checkRunId: 9 })).toEqual([
      { path: "a.ts", startLine: 3, endLine: 4, level: "warning", message: "w", title: "T" },
      { path: "b.ts", startLine: 1, endLine: 1, level: "failure", message: "f", title: null },
    ]);
  });
});
