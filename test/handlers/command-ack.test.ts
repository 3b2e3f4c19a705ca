import nock from "nock";
import { describe, expect, it } from "vitest";
import { useHandlerRig } from "../helpers/handler-rig.js";
import { listJobRecords } from "../../src/jobs/records.js";
import { examplePayload } from "../helpers/payloads.js";

// README: "the bot reacts 👀 at once". Here no worker runs at all (as when every worker is busy): the 👀 still
// comes within a second of the delivery, from the webhook handler, and the queued command knows it.
type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const rig = useHandlerRig("ack");

function comment(body: string): AnyJson {
  const payload = examplePayload("issue_comment", (p) => p.action === "created") as AnyJson;
  payload.comment.body = body;
  payload.comment.user = { ...payload.comment.user, type: "User" };
  payload.sender = { ...payload.sender, type: "User" };
  payload.installation = { id: 77 };
  return payload;
}

describe("👀 at once", () => {
  it("a `/codex fix` comment gets 👀 within a second, with no worker running; the job will not add it again", async () => {
    const payload = comment("/codex fix the flaky test");
    const { owner, name } = { owner: payload.repository.owner.login, name: payload.repository.name };
    const scope = nock("https://api.github.com")
      .post("/app/installations/77/access_tokens")
      .reply(201, { token: "ghs_test", expires_at: new Date(Date.now() + 3600_000).toISOString() })
      .get(`/repos/${owner}/${name}/collaborators/${payload.sender.login}/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .post(`/repos/${owner}/${name}/issues/comments/${payload.comment.id}/reactions`, { content: "eyes" })
      .reply(201, { id: 1, content: "eyes" });
    const started = Date.now();
    await rig.probot.receive({ id: "ack-1", name: "issue_comment", payload } as never);
    while (!scope.isDone() && Date.now() - started < 1000) await new Promise((r) => setTimeout(r, 20));
    expect(scope.isDone()).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    const [job] = await listJobRecords(rig.db, { limit: 5 });
    expect(job).toMatchObject({ kind: "command", status: "queued", data: { acknowledged: true } });
  });

  it("a comment in another command's form gets no reaction from the handler (its job decides, knowing the prefix)", async () => {
    const payload = comment("/deploy staging");
    const reaction = nock("https://api.github.com")
      .post(/\/reactions$/)
      .reply(201, {});
    await rig.probot.receive({ id: "ack-2", name: "issue_comment", payload } as never);
    await new Promise((r) => setTimeout(r, 300));
    expect(reaction.isDone()).toBe(false);
    const [job] = await listJobRecords(rig.db, { limit: 5 });
    expect(job).toMatchObject({ kind: "command", data: { acknowledged: false } });
  });
});
