import path from "node:path";
import { z } from "zod";
import { parseModelPrices } from "../agent/prices.js";
import { parseMcpTokens } from "./mcp-tokens.js";

// Probot reads its own variables (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL, GHE_HOST, …);
// these are the ones codex-dispatch adds. Parsed once at start so a typo fails loudly, not mid-job.
const EnvSchema = z.object({
  ROLE: z.enum(["all", "web", "worker"]).default("all"),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./data"),
  WORKSPACE_DIR: z.string().optional(),
  CODEX_BIN: z.string().optional(),
  CODEX_API_KEY: z.string().optional(),
  MODEL_BASE_URL: z.string().url().default("https://api.openai.com/v1"),
  CODEX_MODEL: z.string().optional(),
  // Claude Code (agent.backend: claude): its binary (default: the npm dependency's), its default model, and the
  // Anthropic API the key proxy forwards to with the real key (never given to the agent).
  CLAUDE_BIN: z.string().optional(),
  CLAUDE_MODEL: z.string().optional(),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL_UPSTREAM: z.string().url().default("https://api.anthropic.com"),
  // The operator's price table (USD per million input/output tokens per model, JSON) over the built-in defaults,
  // and the tokens all repositories of one installation may spend per UTC day (a repository can only lower it).
  MODEL_PRICES: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      try {
        parseModelPrices(v);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
      }
    }),
  INSTALLATION_DAILY_TOKENS: z.coerce.number().int().min(0).default(100_000_000),
  APP_SLUG: z.string().optional(),
  APP_ID: z.coerce.number().int().positive().optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  // Jobs of one installation running at once across ALL worker processes on the database, so one busy installation
  // cannot take every slot. Unset: one worker's agent slots (WORKER_CONCURRENCY), so one worker runs as before and
  // with W workers an installation holds at most 1/W of them. Not half of that: a plan fans out into parallel fix
  // jobs of one installation, and a bot serving one installation would lose half its throughput.
  MAX_JOBS_PER_INSTALLATION: z.coerce.number().int().min(1).max(10_000).optional(),
  JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(10).default(2),
  // Queue timing. An attempt may run JOB_ATTEMPT_SECONDS (above the longest agent run the config allows, 40 min,
  // plus gathering and publishing); a hung one is then failed on the next maintenance round and retried after
  // JOB_RETRY_DELAY_SECONDS. A worker that dies mid-job (SIGKILL, a lost machine) is found by its missed heartbeats
  // instead (WORKER_HEARTBEAT_SECONDS below), within about a minute; the attempt limit is only the backstop.
  JOB_ATTEMPT_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(86_400)
    .default(45 * 60),
  // Worker liveness: each worker process beats its row in the database every WORKER_HEARTBEAT_SECONDS; one not heard
  // for WORKER_DEAD_AFTER_SECONDS (default: six beats) is dead, and any worker retries its running jobs at once
  // (without spending one of the job's retries; a job whose workers die 3 times is given up). Set them alike on
  // every worker of one database.
  WORKER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  WORKER_DEAD_AFTER_SECONDS: z.coerce.number().int().min(2).max(3_600).optional(),
  JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
  QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
  // On SIGTERM a worker takes no new job and gives its running agents this long to finish before it kills them
  // and hands their jobs back. Keep it below the orchestrator's kill timeout (compose: stop_grace_period).
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  // ROLE=worker serves GET /healthz on this port (default: PORT, else 3000); 0 turns it off (e.g. a worker
  // beside a web process on one machine, where PORT is taken).
  HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  // The dashboard's shared secret (web/dashboard/auth.ts): sent once as `Authorization: Bearer` or `?token=`, then
  // kept as a cookie. Unset: /dashboard answers 404 with a page that says how to turn it on.
  DASHBOARD_TOKEN: z.string().min(16, "DASHBOARD_TOKEN must be at least 16 characters").optional(),
  // The MCP server's bearer tokens (mcp-tokens.ts); unset: /mcp answers 404.
  MCP_TOKENS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      try {
        return parseMcpTokens(v);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    }),
});

export type AppEnv = Omit<z.infer<typeof EnvSchema>, "MAX_JOBS_PER_INSTALLATION" | "WORKER_DEAD_AFTER_SECONDS"> & {
  dataDir: string;
  workspaceDir: string;
  MAX_JOBS_PER_INSTALLATION: number;
  WORKER_DEAD_AFTER_SECONDS: number;
};

export function readEnv(env: NodeJS.ProcessEnv = process.env): AppEnv {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${problems}`);
  }
  const dataDir = path.resolve(result.data.DATA_DIR);
  const deadAfter = result.data.WORKER_DEAD_AFTER_SECONDS ?? 6 * result.data.WORKER_HEARTBEAT_SECONDS;
  // Fewer than two beats would count a worker dead for one late beat (a slow query, a busy machine).
  if (deadAfter < 2 * result.data.WORKER_HEARTBEAT_SECONDS) {
    throw new Error("Invalid environment: WORKER_DEAD_AFTER_SECONDS must be at least twice WORKER_HEARTBEAT_SECONDS");
  }
  return {
    ...result.data,
    WORKER_DEAD_AFTER_SECONDS: deadAfter,
    MAX_JOBS_PER_INSTALLATION: result.data.MAX_JOBS_PER_INSTALLATION ?? result.data.WORKER_CONCURRENCY,
    dataDir,
    workspaceDir: path.resolve(result.data.WORKSPACE_DIR ?? path.join(dataDir, "workspace")),
  };
}
