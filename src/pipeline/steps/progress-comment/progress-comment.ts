// The sticky progress comment of a `/codex` run: a checklist that follows the agent's events. GitHub limits
// how fast a bot may edit comments (secondary rate limits: about 80 content writes a minute), and codex can
// emit dozens of events a second, so edits are coalesced to at most one per interval, always with the
// latest state (trailing edge). Everything shown was written by the agent or its commands: it is redacted
// and rendered as inert text (checklist.ts builds the rows, render.ts the body; this file publishes).
import type { CodexEvent } from "../../../agent/events.js";
import { redactSecrets } from "../../../text-safety/redact.js";
import { Checklist } from "./checklist.js";
import { progressTitle, renderProgress, type ProgressOutcome } from "./render.js";

export type { ProgressOutcome };

export interface ProgressCommentOptions {
  title: string;
  /** Replaces the comment's body (the caller owns the sticky marker and the API call). */
  publish: (body: string) => Promise<void>;
  minIntervalMs?: number;
  /** The worktree root: absolute paths in file changes are shown relative to it. */
  root?: string;
  onError?: (error: unknown) => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class ProgressComment {
  private readonly title: string;
  private readonly publishFn: (body: string) => Promise<void>;
  private readonly interval: number;
  private readonly list: Checklist;
  private readonly onError: (error: unknown) => void;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  private outcome?: ProgressOutcome;

  private lastPublishAt: number;
  private lastPublished?: string;
  private timer: unknown = undefined;
  private timerSet = false;
  private queued = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(options: ProgressCommentOptions) {
    if (typeof options.publish !== "function") throw new TypeError("ProgressComment needs a publish function");
    const interval = options.minIntervalMs ?? 3000;
    if (!Number.isFinite(interval) || interval < 0) throw new RangeError("minIntervalMs must be a number >= 0");
    this.title = progressTitle(String(options.title ?? ""));
    this.publishFn = options.publish;
    this.interval = interval;
    this.list = new Checklist(options.root?.replace(/\/+$/, ""));
    this.onError = options.onError ?? (() => {});
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    // The comment was just posted by the caller (with `render()`), so the first edit waits a full interval.
    this.lastPublishAt = this.now();
  }

  /** Feeds one codex event; the comment is edited later, coalesced with other events. Ignored after finish. */
  onEvent(event: CodexEvent): void {
    if (this.outcome) return;
    if (event.type !== "item.started" && event.type !== "item.updated" && event.type !== "item.completed") return;
    if (this.list.apply(event.item, event.type === "item.completed")) this.schedule();
  }

  /** Publishes the final state at once; later events are ignored. Resolves when that edit is done. */
  finish(outcome: ProgressOutcome): Promise<void> {
    if (!this.outcome) {
      this.outcome = { ok: Boolean(outcome.ok), summary: String(outcome.summary ?? "") };
      this.cancelTimer();
      this.enqueue();
    }
    return this.flush();
  }

  /** Resolves when every publish started so far has settled. */
  async flush(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.chain;
      await seen;
    } while (seen !== this.chain);
  }

  /** The comment body for the current state. */
  render(): string {
    return renderProgress(this.title, this.list, this.outcome);
  }

  private schedule(): void {
    if (this.timerSet) return; // the pending edit will carry this change too
    const wait = Math.max(0, this.lastPublishAt + this.interval - this.now());
    this.timerSet = true;
    this.timer = this.setTimer(() => {
      this.timerSet = false;
      this.timer = undefined;
      this.enqueue();
    }, wait);
  }

  private cancelTimer(): void {
    if (this.timerSet) this.clearTimer(this.timer);
    this.timerSet = false;
    this.timer = undefined;
  }

  /** Queues one edit; the body is rendered when its turn comes, so a slow API never sends stale states. */
  private enqueue(): void {
    if (this.queued) return;
    this.queued = true;
    this.lastPublishAt = this.now();
    this.chain = this.chain.then(async () => {
      this.queued = false;
      const body = redactSecrets(this.render());
      if (body === this.lastPublished) return;
      this.lastPublishAt = this.now();
      try {
        await this.publishFn(body);
        this.lastPublished = body;
      } catch (error) {
        try {
          this.onError(error);
        } catch {
          // A failing logger must not break later edits either.
        }
      }
    });
  }
}
