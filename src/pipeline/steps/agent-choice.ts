// Which agent does a job: the repository's `agent.routing` for the job's kind, else `agent.backend`. With `auto`
// the choice learns from this repository's recorded runs of that kind: an agent tried fewer than MIN_TRIES times
// is tried first (so a new agent gets its chance), otherwise the better success rate wins, with an occasional
// run for the other one (EXPLORE) so that a change in either agent is noticed. The reason is said in the comment.
import type { AgentBackend } from "../../agent/agent.js";
import type { RepoConfig } from "../../config/repo-config.js";

export type RoutedKind = "triage" | "fix" | "review" | "explain";

/** How an agent did on this repository and kind recently: runs that reached an answer vs all its runs. */
export interface AgentRecord {
  runs: number;
  successes: number;
}

export interface AgentChoice {
  backend: AgentBackend;
  /** Why, in words for the comment ("agent.routing.fix", "auto: …"). */
  reason: string;
}

export const MIN_TRIES = 3;
export const EXPLORE = 0.1;
const BACKENDS: readonly AgentBackend[] = ["codex", "claude"];
const NAMES: Record<AgentBackend, string> = { codex: "Codex", claude: "Claude" };

export function routeFor(config: RepoConfig, kind: RoutedKind): AgentBackend | "auto" {
  return config.agent.routing[kind] ?? config.agent.backend;
}

function rate(r: AgentRecord): number {
  return r.runs === 0 ? 0 : r.successes / r.runs;
}

function describe(r: AgentRecord): string {
  return `${r.successes} of ${r.runs}`;
}

/**
 * The agent for one job. `history` is only read for `auto` (pass what recordsByAgent returned); `random` is
 * injectable so that a test can pin the exploration.
 */
export function chooseAgent(
  config: RepoConfig,
  kind: RoutedKind,
  history: Record<AgentBackend, AgentRecord> | null,
  random: () => number = Math.random,
): AgentChoice {
  const route = routeFor(config, kind);
  if (route !== "auto") {
    const source = config.agent.routing[kind] ? `agent.routing.${kind}` : "agent.backend";
    return { backend: route, reason: `${source}: ${route}` };
  }
  const h = history ?? { codex: { runs: 0, successes: 0 }, claude: { runs: 0, successes: 0 } };
  const untried = BACKENDS.filter((b) => h[b].runs < MIN_TRIES).sort((a, b) => h[a].runs - h[b].runs);
  if (untried.length > 0) {
    const b = untried[0];
    return { backend: b, reason: `auto: trying ${NAMES[b]} (${h[b].runs} ${kind} run${h[b].runs === 1 ? "" : "s"} here so far)` };
  }
  const [best, other] = rate(h.claude) > rate(h.codex) ? (["claude", "codex"] as const) : (["codex", "claude"] as const);
  const scores = `${NAMES[best]} ${describe(h[best])} good ${kind} runs here, ${NAMES[other]} ${describe(h[other])}`;
  if (random() < EXPLORE) return { backend: other, reason: `auto: exploring (${scores})` };
  return { backend: best, reason: `auto: ${scores}` };
}
