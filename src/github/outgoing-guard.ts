// Every text the bot sends to GitHub passes here, on the way out, whatever code path built it: an Octokit
// request hook on each installation client. It is the one place that guarantees that titles, commit messages,
// check-run outputs, comments and review comments carry no secret (by pattern, and by value for the secrets
// this process holds: see KnownSecrets) and no hidden HTML comment other than the bot's own sticky markers.
// Only text fields are touched: git blob `content`, shas, refs and paths go out exactly as given.
import type { KnownSecrets } from "../text-safety/known-secrets.js";

// Request parameters that carry prose a person reads.
const TEXT_KEYS = new Set(["body", "title", "message", "summary", "text", "raw_details", "description", "commit_title", "commit_message"]);
// Of those, the ones GitHub renders as markdown, where a hidden HTML comment could hide instructions.
const MARKDOWN_KEYS = new Set(["body", "summary", "text"]);
// Containers of text fields: a check run's `output`, its `annotations[]`, a review's `comments[]`.
const NESTED_KEYS = new Set(["output", "annotations", "comments"]);

// The bot's own sticky markers (src/jobs/keys.ts, conversation.ts, authorize.ts) and the ends of its sections
// (`<!-- /codex-dispatch:plan -->`, pipeline/plan/markers.ts); `%` and the other characters encodeURIComponent
// leaves are allowed because a check run's name is URI-encoded into its marker.
const BOT_MARKER = /^<!-- \/?codex-dispatch:[A-Za-z0-9:._#/%~!*'()-]+ -->$/;
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

const guards = new WeakMap<object, KnownSecrets>();

/** Removes every HTML comment except the bot's own markers (and, for a person's text the bot writes back, `keep`). */
export function dropForeignComments(text: string, keep: ReadonlySet<string> = new Set()): string {
  return text.includes("<!--") ? text.replace(HTML_COMMENT, (m) => (BOT_MARKER.test(m) || keep.has(m) ? m : "")) : text;
}

/** The HTML comments of a text as GitHub has it now: what `request.keepComments` may list (see updateIssueBody). */
export function htmlCommentsOf(text: string): string[] {
  return text.match(HTML_COMMENT) ?? [];
}

/**
 * `request: { keepComments }`: comments that are already in the issue on GitHub, written by a person (an issue
 * template's hints), which a request that writes that person's text back must not delete. Only exact copies pass.
 */
function keptComments(options: Record<string, unknown>): ReadonlySet<string> {
  const list = (options.request as { keepComments?: unknown } | undefined)?.keepComments;
  return new Set(Array.isArray(list) ? list.filter((c): c is string => typeof c === "string") : []);
}

function cleanFields(target: Record<string, unknown>, secrets: KnownSecrets, keep: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(target)) {
    if (typeof value === "string" && TEXT_KEYS.has(key)) {
      target[key] = secrets.redact(MARKDOWN_KEYS.has(key) ? dropForeignComments(value, keep) : value);
    } else if (NESTED_KEYS.has(key) && value && typeof value === "object") {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item && typeof item === "object" && !Array.isArray(item)) cleanFields(item as Record<string, unknown>, secrets, keep);
      }
    }
  }
}

interface Hookable {
  hook: { before(name: "request", fn: (options: Record<string, unknown>) => void): void };
}

/**
 * Installs the guard on `octokit` (once; a second call only returns it) and remembers `secrets` for it, so
 * that code minting a token with this client can register the token (secretsFor).
 */
export function guardOutgoing<T extends object>(octokit: T, secrets: KnownSecrets): T {
  if (guards.has(octokit)) return octokit;
  guards.set(octokit, secrets);
  (octokit as unknown as Hookable).hook.before("request", (options) => {
    // The body parameters sit at the top level of the options (Octokit sends what the URL does not use);
    // an explicit `data` is the body itself.
    const keep = keptComments(options);
    cleanFields(options, secrets, keep);
    const data = options.data;
    if (data && typeof data === "object" && !Array.isArray(data)) cleanFields(data as Record<string, unknown>, secrets, keep);
  });
  return octokit;
}

/** The registry of the guard on `octokit`, if it has one. */
export function secretsFor(octokit: object): KnownSecrets | undefined {
  return guards.get(octokit);
}
