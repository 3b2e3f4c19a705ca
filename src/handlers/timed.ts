import { webhookDuration } from "../web/metrics.js";

/**
 * A webhook handler with its time measured (codex_dispatch_webhook_duration_seconds, by event and result): what
 * GitHub waits for before it has our answer, and what a slow database shows first.
 */
export function timedHandler<C>(event: string, handler: (context: C) => Promise<void>): (context: C) => Promise<void> {
  return async (context) => {
    const end = webhookDuration.startTimer({ event });
    try {
      await handler(context);
      end({ result: "ok" });
    } catch (err) {
      end({ result: "error" });
      throw err;
    }
  };
}
