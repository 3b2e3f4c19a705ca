// The deliveries the ingress bench sends: real payload shapes from @octokit/webhooks-examples, in the proportions
// an installation sees (mostly events the bot ignores, some failed runs, a few commands and labels), each signed
// with the webhook secret before the clock starts so the client's hashing is not measured.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { commandKey, issueLabelFixKey, workflowRunTriageKey } from "../../src/jobs/keys.js";

type AnyPayload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Delivery {
  event: string;
  guid: string;
  body: string;
  signature: string;
  /** Job keys this delivery must leave in the job records and the queue once it is answered 2xx. */
  enqueues: string[];
}

// A JSON package: required, since plain node (the built bench) will not import JSON without an attribute.
const groups = createRequire(import.meta.url)("@octokit/webhooks-examples") as { name: string; examples: AnyPayload[] }[];

function shapes(event: string, pick: (p: AnyPayload) => boolean = () => true): AnyPayload[] {
  const found = groups.find((g) => g.name === event)?.examples.filter(pick) ?? [];
  if (found.length === 0) throw new Error(`no ${event} example matches`);
  return found;
}

const sha = (i: number) => createHash("sha1").update(`bench-${i}`).digest("hex");

/** One kind of delivery: its share of every hundred, and how to make the i-th one (distinct ids per i). */
interface Kind {
  name: string;
  perHundred: number;
  make(i: number): { event: string; payload: AnyPayload; enqueues: string[] };
}

const plainComments = shapes("issue_comment", (p) => p.action === "created");
const runs = shapes("workflow_run", (p) => p.action === "completed");
const labeled = shapes("issues", (p) => p.action === "labeled");
const rotate = (event: string, list: AnyPayload[]) => (i: number) => ({
  event,
  payload: structuredClone(list[i % list.length]),
  enqueues: [],
});

function workflowRun(i: number, conclusion: "success" | "failure") {
  const p = structuredClone(runs[i % runs.length]);
  Object.assign(p.workflow_run, { id: 5_000_000 + i, run_attempt: 1, conclusion, head_sha: sha(i), head_branch: "main" });
  const key = workflowRunTriageKey(p.repository.full_name, p.workflow_run.head_sha, p.workflow_run.id, 1);
  return { event: "workflow_run", payload: p, enqueues: conclusion === "failure" ? [key] : [] };
}

function comment(i: number, body: string) {
  const p = structuredClone(plainComments[i % plainComments.length]);
  p.comment.id = 9_000_000 + i;
  p.comment.body = body;
  const key = commandKey(p.repository.full_name, p.issue.number, "issue", p.comment.id);
  return { event: "issue_comment", payload: p, enqueues: body.startsWith("/") ? [key] : [] };
}

export const MIX: Kind[] = [
  { name: "push", perHundred: 20, make: rotate("push", shapes("push")) },
  { name: "pull_request", perHundred: 14, make: rotate("pull_request", shapes("pull_request")) },
  { name: "check_suite", perHundred: 10, make: rotate("check_suite", shapes("check_suite")) },
  {
    name: "check_run",
    perHundred: 8,
    make: rotate(
      "check_run",
      shapes("check_run", (p) => p.check_run.conclusion !== "failure"),
    ),
  },
  { name: "status", perHundred: 12, make: rotate("status", shapes("status")) },
  {
    name: "issues.opened",
    perHundred: 4,
    make: rotate(
      "issues",
      shapes("issues", (p) => p.action === "opened"),
    ),
  },
  { name: "issue_comment (no command)", perHundred: 10, make: (i) => comment(i, "Thanks, that looks right to me.") },
  { name: "workflow_run success", perHundred: 8, make: (i) => workflowRun(i, "success") },
  { name: "workflow_run failure", perHundred: 8, make: (i) => workflowRun(i, "failure") },
  { name: "issue_comment /codex", perHundred: 4, make: (i) => comment(i, "/codex explain why the build fails") },
  {
    name: "issues.labeled",
    perHundred: 2,
    make: (i) => {
      const p = structuredClone(labeled[i % labeled.length]);
      // A label at a distinct moment is a distinct request; a plain body (no task list) makes it a fix, not a plan.
      p.issue.updated_at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
      p.issue.body = "The build fails on main.";
      return {
        event: "issues",
        payload: p,
        enqueues: [issueLabelFixKey(p.repository.full_name, p.issue.number, p.label.name, p.issue.updated_at)],
      };
    },
  },
];

/** `total` deliveries in the mix's proportions, interleaved; ids start at `offset` so two lists never share an event. */
export function buildDeliveries(total: number, secret: string, offset = 0): Delivery[] {
  const slots = MIX.flatMap((k) => Array.from({ length: k.perHundred }, () => k));
  const list: Delivery[] = [];
  for (let i = 0; i < total; i++) {
    const { event, payload, enqueues } = slots[(i * 37) % slots.length].make(offset + i);
    // GitHub Apps receive every event with the installation it belongs to.
    payload.installation = { id: 1, node_id: "MDIzOkludGVncmF0aW9uMQ==" };
    const body = JSON.stringify(payload);
    const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    list.push({ event, guid: randomUUID(), body, signature, enqueues });
  }
  return list;
}

/** Shares of the mix, for the report: which part of the deliveries must enqueue. */
export function describeMix(list: Delivery[]): string {
  const counts = new Map<string, number>();
  for (const d of list) counts.set(d.event, (counts.get(d.event) ?? 0) + 1);
  const enqueuing = list.filter((d) => d.enqueues.length > 0).length;
  return `${[...counts].map(([e, n]) => `${e} ${n}`).join(", ")}; ${enqueuing} should enqueue a job`;
}
