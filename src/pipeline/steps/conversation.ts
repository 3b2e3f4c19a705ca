import type { CodexEvent } from "../../agent/events.js";
import { ProgressComment } from "./progress-comment/progress-comment.js";
import type { GitHubClient } from "../../github/client.js";
import { addReaction } from "../../github/comments.js";
import { jobIdForKey } from "../../jobs/job-id.js";
import type { RepoRef } from "../../jobs/types.js";
import type { PipelineDeps } from "../deps.js";
import { postSticky } from "./sticky.js";

export interface ConversationOptions {
  /** Where the sticky comment's id is kept. */
  deps: Pick<PipelineDeps, "db" | "env">;
  gh: GitHubClient;
  repo: RepoRef;
  /** The issue or PR the bot answers on; null = nowhere to talk (a push without a PR). */
  issueNumber: number | null;
  jobKey: string;
  /** The comment that asked (a `/codex` command): it gets the 👀, 🚀 and 😕 reactions. */
  commentId?: number;
  /** "review" for a comment on a line of a PR's diff (its reactions live elsewhere). */
  commentKind?: "issue" | "review";
  /** For a labelled issue: react on the issue itself. */
  reactOnIssue?: boolean;
  onError?: (err: unknown) => void;
  minIntervalMs?: number;
  /** Hears the final message (a refusal or the result), also when there is nowhere to post it. */
  onFinal?: (text: string) => void;
}

/**
 * How the bot talks to the person who asked: one sticky comment per job (found again by its marker, so a
 * retry edits it), a live checklist while the agent works, and reactions on the request.
 */
export class Conversation {
  private progress: ProgressComment | null = null;
  /** The sticky comment, once posted: every later edit is one request. */
  private commentId: number | undefined;
  readonly marker: string;

  constructor(private readonly o: ConversationOptions) {
    this.marker = `<!-- codex-dispatch:work:${jobIdForKey(o.jobKey)} -->`;
  }

  private async post(body: string): Promise<void> {
    if (this.o.issueNumber === null) return;
    const posted = await postSticky(this.o.deps, this.o.gh, {
      repo: this.o.repo,
      issueNumber: this.o.issueNumber,
      marker: this.marker,
      body,
      jobKey: this.o.jobKey,
      knownId: this.commentId,
    });
    this.commentId = posted.id;
  }

  private async react(content: "eyes" | "rocket" | "confused"): Promise<void> {
    const { gh, repo } = this.o;
    try {
      if (this.o.commentId !== undefined && this.o.commentKind === "review") {
        await addReaction(gh, { owner: repo.owner, repo: repo.name, reviewCommentId: this.o.commentId, content });
      } else if (this.o.commentId !== undefined)
        await addReaction(gh, { owner: repo.owner, repo: repo.name, commentId: this.o.commentId, content });
      else if (this.o.reactOnIssue && this.o.issueNumber !== null)
        await addReaction(gh, { owner: repo.owner, repo: repo.name, issueNumber: this.o.issueNumber, content });
    } catch (err) {
      // A reaction is a courtesy: never fail the job over it.
      this.o.onError?.(err);
    }
  }

  /** 👀: the request was seen and accepted. */
  acknowledge(): Promise<void> {
    return this.react("eyes");
  }

  /** A one-off message (a refusal, a limit), before or instead of work. */
  say(text: string): Promise<void> {
    this.o.onFinal?.(text);
    return this.post(text);
  }

  /** Posts the progress comment; agent events then edit it, at most every few seconds. */
  async start(title: string, root?: string): Promise<void> {
    const progress = new ProgressComment({
      title,
      root,
      publish: (body) => this.post(body),
      onError: this.o.onError,
      minIntervalMs: this.o.minIntervalMs,
    });
    this.progress = progress;
    await this.post(progress.render());
  }

  readonly onEvent = (event: CodexEvent): void => {
    this.progress?.onEvent(event);
  };

  /** The final state: the checklist with 🚀 or 😕 and the summary, and the same reaction on the request. */
  async finish(ok: boolean, summary: string): Promise<void> {
    this.o.onFinal?.(summary);
    if (this.progress) await this.progress.finish({ ok, summary });
    else await this.post(`${ok ? "🚀" : "😕"} ${summary}`);
    await this.react(ok ? "rocket" : "confused");
  }
}
