// The /mcp route as the web role serves it: the app backend over the process's database, queue and Probot clients.
import type { Logger } from "probot";
import type { Database } from "../jobs/db.js";
import type { JobQueue } from "../jobs/queue.js";
import { findTaskRecord } from "../jobs/tasks.js";
import { createAppBackend, type AppBackendDeps } from "./app-backend.js";
import type { AppClients } from "./app-repo.js";
import { mcpHandler } from "./http-route.js";
import type { McpTokenEntry } from "./tokens.js";

export function appMcpRoute(o: AppClients & { db: Database; queue: JobQueue; log: Logger; tokens: readonly McpTokenEntry[] | undefined }) {
  const deps: AppBackendDeps = { db: o.db, queue: o.queue, log: o.log, appClient: o.appClient, installationClient: o.installationClient };
  return mcpHandler({
    tokens: o.tokens,
    backendFor: (token) => createAppBackend(deps, token),
    taskRepo: async (taskId) => (await findTaskRecord(o.db, taskId))?.repo ?? null,
    log: o.log,
  });
}
