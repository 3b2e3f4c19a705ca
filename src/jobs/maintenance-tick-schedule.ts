import type { JobEnvelope } from "./envelope.js";
import { MAINTENANCE_TICK } from "./keys.js";
import type { JobQueue } from "./queue.js";

/**
 * Registers the once-a-minute maintenance tick with pg-boss's cron. The schedule is a row in pg-boss's tables
 * (an upsert, so every worker process may register it at start), and pg-boss sends each minute's job once
 * across all processes. The job carries no record key of its own; a failed tick is not retried (the next
 * minute's tick does the same work), and a slow one expires before it could pile up behind itself.
 */
export async function scheduleMaintenanceTick(queue: JobQueue): Promise<void> {
  await queue.ensureQueue(MAINTENANCE_TICK);
  const envelope: JobEnvelope = { key: MAINTENANCE_TICK, kind: MAINTENANCE_TICK, data: { kind: MAINTENANCE_TICK } };
  await queue.boss.schedule(MAINTENANCE_TICK, "* * * * *", envelope, { retryLimit: 0, expireInSeconds: 10 * 60 });
}
