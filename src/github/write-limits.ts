import Bottleneck from "bottleneck";

// How fast the App writes to GitHub, per installation and per process. Probot's throttling plugin spaces every
// write a full second after the previous one (and every notifying one, such as a new comment, three seconds),
// whether the App is writing a hundred comments or the four writes of one triage. So a triage's final edit
// waited a second behind its own first-signal comment, and the next failure's first comment waited behind the
// previous failure's check run: about 1.3 s of the 1.9 s the bot spent on a warm triage (npm run bench:pipeline).
//
// GitHub's documented secondary limits are about 80 content-creating requests a minute and 500 an hour
// (../shared/reference/github-platform.md); its advice to wait a second between writes is for "a large number"
// of them. A token bucket keeps that pace for a large number and lets a job's few writes through at once:
// - writes: 5 at once, then one a second (at most 65 in any minute, below 80);
// - notifying writes (new comments, reviews): 3 at once, then one every 3 s (at most 23 in any minute).
// A secondary limit GitHub still answers is waited out as it says (rate-limit-policy.ts). Several processes
// each keep their own buckets, as they kept their own one-second spacing before.

export const WRITE_BURST = 5;
export const WRITE_REFILL_MS = 1000;
export const NOTIFYING_BURST = 3;
export const NOTIFYING_REFILL_MS = 3000;

function bucket(id: string, burst: number, refillMs: number): Bottleneck.Group {
  return new Bottleneck.Group({
    id,
    // The plugin schedules a no-op here before it sends a write: the bucket decides when each write may start.
    maxConcurrent: 1,
    reservoir: burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: refillMs,
    reservoirIncreaseMaximum: burst,
    // An idle installation's bucket is dropped after two minutes: by then it would be full again anyway.
    timeout: 2 * 60 * 1000,
  });
}

/** The plugin's `write` and `notifications` limiter groups (keyed by installation), as token buckets. */
export function writeLimiters(): { write: Bottleneck.Group; notifications: Bottleneck.Group } {
  return {
    write: bucket("codex-dispatch-write", WRITE_BURST, WRITE_REFILL_MS),
    notifications: bucket("codex-dispatch-notifications", NOTIFYING_BURST, NOTIFYING_REFILL_MS),
  };
}
