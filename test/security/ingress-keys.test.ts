import { describe, expect, it } from "vitest";
import { useHandlerRig } from "../helpers/handler-rig.js";
import { checkRunTriageKey, triageCommentMarker } from "../../src/jobs/keys.js";
import { getJobRecord, listJobRecords } from "../../src/jobs/records.js";
import { upsertStickyComment } from "../../src/github/sticky-comment.js";
import type { GitHubClient } from "../../src/github/client.js";
import { examplePayload, failedCheckRunPayload } from "../helpers/payloads.js";

// Findings 11, 12 and 14: what the webhook handlers derive from a payload (keys, markers, fork status) must
// hold for every value a sender can choose.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const rig = useHandlerRig("ingress-keys");

function labeledPayload(): AnyJson {
  const payload = examplePayload("issues", (p) => p.action === "labeled") as AnyJson;
  payload.issue.state = "open";
  delete payload.issue.pull_request;
  payload.sender = { ...payload.sender, type: "User" };
  payload.installation = { id: 1 };
  return payload;
}

describe("replayed and forged deliveries", () => {
  it("[S12.1] the same issues.labeled body replayed under a new X-GitHub-Delivery → one fix job", async () => {
    const payload = labeledPayload();
    await rig.probot.receive({ id: "delivery-a", name: "issues", payload } as never);
    await rig.probot.receive({ id: "delivery-b-replayed", name: "issues", payload } as never);
    await rig.probot.receive({ id: "delivery-c-replayed", name: "issues", payload } as never);
    const fixes = (await listJobRecords(rig.db, { limit: 10 })).filter((r) => r.kind === "fix");
    expect(fixes).toHaveLength(1);
    // Labelling again later (a new updated_at) is a new request.
    await rig.probot.receive({
      id: "delivery-d",
      name: "issues",
      payload: { ...payload, issue: { ...payload.issue, updated_at: "2031-01-01T00:00:00Z" } },
    } as never);
    expect((await listJobRecords(rig.db, { limit: 10 })).filter((r) => r.kind === "fix")).toHaveLength(2);
  });
});

describe("check runs", () => {
  it("[S14.1] a check run whose pull request comes from a fork → the job is marked fromFork (no longer hard-coded false)", async () => {
    const payload = failedCheckRunPayload("other-ci") as AnyJson;
    payload.check_run.pull_requests = [
      {
        number: 7,
        head: { ref: "x", sha: payload.check_run.head_sha, repo: { id: 999 } },
        base: { ref: "main", sha: "b", repo: { id: payload.repository.id } },
      },
    ];
    await rig.probot.receive({ id: "fork-1", name: "check_run", payload } as never);
    const record = await getJobRecord(
      rig.db,
      checkRunTriageKey(payload.repository.full_name, payload.check_run.head_sha, payload.check_run.id),
    );
    expect(record?.data).toMatchObject({ fromFork: true, pullNumbers: [7] });
  });

  it("[S14.2] a check run of a same-repository pull request → not a fork", async () => {
    const payload = failedCheckRunPayload("other-ci") as AnyJson;
    payload.check_run.pull_requests = [
      {
        number: 8,
        head: { ref: "x", sha: payload.check_run.head_sha, repo: { id: payload.repository.id } },
        base: { ref: "main", sha: "b", repo: { id: payload.repository.id } },
      },
    ];
    await rig.probot.receive({ id: "same-1", name: "check_run", payload } as never);
    const record = await getJobRecord(
      rig.db,
      checkRunTriageKey(payload.repository.full_name, payload.check_run.head_sha, payload.check_run.id),
    );
    expect(record?.data).toMatchObject({ fromFork: false, pullNumbers: [8] });
  });

  it("[S11.1] check runs named `build--fast`, `a-->b`, `<x>` or with newlines → a valid sticky marker, accepted by the comment API", async () => {
    const names = ["build--fast", "a-->b", "<!-- x -->", "line\nbreak", "--", "-", "é — ✓", "x".repeat(300)];
    const markers = names.map((name) => triageCommentMarker({ type: "check_run", name }));
    expect(new Set(markers).size).toBe(names.length);
    // The comment API refuses a marker that is not one hidden HTML comment; every one of these is accepted.
    const gh = {
      paginate: async () => [],
      request: async () => ({ data: { id: 1, html_url: "u", body: "", user: { type: "Bot" } } }),
    } as unknown as GitHubClient;
    for (const marker of markers) {
      expect(marker).toMatch(/^<!-- codex-dispatch:triage:check-[0-9a-f]{20} -->$/);
      await expect(upsertStickyComment(gh, { owner: "o", repo: "r", issueNumber: 1, marker, body: "b" })).resolves.toMatchObject({ id: 1 });
    }
  });
});
