// Numbers and times as the dashboard shows them; and the "trigger" of a job: its kind and what it was about,
// read from the job's data (which is ours, but carries names and numbers from webhooks: escaped when rendered).

export function duration(ms: number | null): string {
  if (ms == null) return "–";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function usd(v: number | null): string {
  if (v == null) return "–";
  return v > 0 && v < 0.01 ? `$${v.toFixed(4)}` : `$${v.toFixed(2)}`;
}

export function count(v: number | null): string {
  return v == null ? "–" : v.toLocaleString("en-US");
}

export function when(d: Date): string {
  return d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

type Loose = Record<string, unknown> | undefined;
const obj = (v: unknown): Loose => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const int = (v: unknown) => (typeof v === "number" ? v : undefined);

/** What the job was about, in a few words: "CI failed on 1a2b3c4 (#7)", "issue #12", "/codex on #3". */
export function subjectOf(kind: string, data: unknown, target: string | null): string {
  const d = obj(data);
  const source = obj(d?.source);
  if (kind === "triage" && source) {
    const sha = str(d?.headSha)?.slice(0, 7) ?? "";
    const prs = Array.isArray(d?.pullNumbers) && d.pullNumbers.length ? ` (#${d.pullNumbers.join(", #")})` : "";
    return `${str(source.workflowName) ?? str(source.name) ?? "check"} failed on ${sha}${prs}`;
  }
  const origin = obj(d?.origin);
  if (kind === "fix" && origin) {
    switch (origin.type) {
      case "issue":
        return `issue #${int(origin.issueNumber)}`;
      case "command":
        return `/codex on #${int(origin.issueNumber)}`;
      case "triage":
        return `after triage of ${str(origin.ciName) ?? "CI"}`;
      case "review":
        return `review on #${int(origin.prNumber)}`;
      case "plan":
        return `plan #${int(origin.issueNumber)} item ${int(origin.item)}`;
      case "maintenance":
        return `maintenance: ${str(origin.task)}`;
      case "task":
        return "MCP task";
    }
  }
  if (int(d?.issueNumber) !== undefined) return `#${int(d?.issueNumber)}`;
  return target ? (target.split("#")[1] ? `#${target.split("#")[1]}` : target) : "";
}
