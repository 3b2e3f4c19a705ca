import { redactWith } from "../text-safety/redact.js";

/**
 * The last `limit` characters of a stream of text, redacted on read. A child can print without end (codex
 * streams every event, a test runner its whole log), so only a bounded window is ever held: twice the limit,
 * so that a secret cut at the window's front edge is dropped with the partial first line instead of being
 * shown half-unredacted.
 */
export class OutputTail {
  private text = "";
  private truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.limit * 2) {
      this.text = this.text.slice(-this.limit * 2);
      this.truncated = true;
    }
  }

  /** The kept text with every known secret (and the given literal values) replaced, at most `limit` long. */
  read(secrets: readonly string[]): string {
    let text = this.text;
    if (this.truncated) {
      // The front of the window is the middle of some line: drop that partial line when a whole one follows.
      const newline = text.indexOf("\n");
      if (newline >= 0 && newline < text.length - this.limit) text = text.slice(newline + 1);
    }
    return redactWith(text, secrets).slice(-this.limit);
  }
}
