// The process's Prometheus metrics (prom-client), in one registry. A leaf module: the pipeline, the webhook
// handlers and the GitHub client hook count into it without importing the routes that serve it.
//
// Two sorts: per-process counters and histograms (this process's agent runs, GitHub requests, webhooks), which
// Prometheus sums across processes itself; and gauges read from the database at scrape time (queue depth, jobs
// by kind and outcome), which must read the same from every process and so are never counted in memory.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export const registry = new Registry();
// Memory, CPU, event-loop lag, open handles: what tells an operator the process itself is unwell.
collectDefaultMetrics({ register: registry, prefix: "codex_dispatch_process_" });

const P = "codex_dispatch_";

export const queueDepth = new Gauge({
  name: `${P}queue_depth`,
  help: "Jobs waiting in the queue (pg-boss created or retry), by kind; read from the database at scrape time",
  labelNames: ["kind"] as const,
  registers: [registry],
});

export const jobsByOutcome = new Gauge({
  name: `${P}jobs`,
  help: "Job records by kind, status and outcome (the outcome's first word), all processes; read from the database at scrape time",
  labelNames: ["kind", "status", "outcome"] as const,
  registers: [registry],
});

export const agentDuration = new Histogram({
  name: `${P}agent_duration_seconds`,
  help: "Wall time of agent runs in this process, by agent, job kind and how the run ended",
  labelNames: ["agent", "kind", "outcome"] as const,
  buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
  registers: [registry],
});

export const agentTokens = new Counter({
  name: `${P}agent_tokens_total`,
  help: "Model tokens spent by agent runs in this process, by agent, job kind and direction (input, output)",
  labelNames: ["agent", "kind", "direction"] as const,
  registers: [registry],
});

export const agentCost = new Counter({
  name: `${P}agent_cost_usd_total`,
  help: "What agent runs in this process cost in USD at the operator's prices (runs of unpriced models add nothing)",
  labelNames: ["agent", "kind"] as const,
  registers: [registry],
});

export const githubRequests = new Counter({
  name: `${P}github_requests_total`,
  help: "GitHub API requests made by this process, by method and response status (0: no response)",
  labelNames: ["method", "status"] as const,
  registers: [registry],
});

export const githubErrors = new Counter({
  name: `${P}github_request_errors_total`,
  help: "GitHub API requests that failed (status >= 400, or no response), by status",
  labelNames: ["status"] as const,
  registers: [registry],
});

export const githubRateLimitRemaining = new Gauge({
  name: `${P}github_rate_limit_remaining`,
  help: "x-ratelimit-remaining of the latest GitHub response, by client (an installation id, or app)",
  labelNames: ["client"] as const,
  registers: [registry],
});

export const webhookDuration = new Histogram({
  name: `${P}webhook_duration_seconds`,
  help: "Time to handle a webhook delivery in this process (validate, record, enqueue), by event and result",
  labelNames: ["event", "result"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
