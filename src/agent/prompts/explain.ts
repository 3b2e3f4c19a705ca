// The prompt for `/codex explain <question>`: the command prompt (our rules first, everything people wrote
// fenced as data) plus what the bot needs back, which fits the explain schema given as --output-schema.
import { z } from "zod";
import { buildCommandPrompt } from "../../commands/prompt.js";

const Input = z.strictObject({
  repoFullName: z.string(),
  question: z.string(),
  /** The commit checked out: the PR's head, or the default branch's head for an issue. */
  sha: z.string().regex(/^[0-9a-f]{40}$/, "sha must be a full commit id"),
  /** null: a question asked through the MCP server, about no issue or PR. */
  target: z
    .discriminatedUnion("kind", [
      z.strictObject({
        kind: z.enum(["issue", "pr"]),
        number: z.number().int().positive(),
        title: z.string(),
        body: z.string().nullable(),
      }),
      // A local checkout on the owner's machine (`codex-dispatch ask`); repoFullName is then its folder name.
      z.strictObject({ kind: z.literal("local") }),
    ])
    .nullable(),
});

type AnyInput = z.input<typeof Input>;
export type ExplainPromptInput = AnyInput & { target: { kind: "issue" | "pr" } | null };
export type LocalExplainPromptInput = AnyInput & { target: { kind: "local" } };

export function buildExplainPrompt(input: ExplainPromptInput | LocalExplainPromptInput): string {
  const parsed = Input.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`buildExplainPrompt: \`${issue.path.join(".") || "input"}\`: ${issue.message}`);
  }
  const { repoFullName, question, sha, target } = parsed.data;
  const base =
    target?.kind === "local"
      ? buildCommandPrompt({ command: "explain", instruction: question, repoFullName, target })
      : buildCommandPrompt({ command: "explain", instruction: question, repoFullName, target });
  return [
    base,
    "",
    `The checkout is at commit ${sha}${target?.kind === "local" ? " (HEAD of the local repository)" : target?.kind !== "pr" ? " (the head of the default branch)" : ""}.`,
    ...HISTORY_GUIDANCE,
    "",
    "Your final message is one JSON object that fits the given schema:",
    "- `answer`: the answer in markdown, citing the code inline as `path/to/file.ts:123` and commits as `abc1234`.",
    "- `references`: the places the answer relies on: repository-relative `path`, the `line` that matters",
    "  (null for a whole file) and a short `note`. Only files that exist in this checkout.",
    "- `commits`: the commits the answer relies on ([] when none): the `sha` as git printed it (full, or at least",
    "  7 hex digits), the `pull_request` number when the commit says which one brought it (`#123`, `Merge pull",
    "  request #123`), else null, and a short `note`. Only commits you saw in this checkout's history.",
  ].join("\n");
}

// Questions of why and when are answered by the history, not by guessing from today's code: the reason for a
// line is usually in the message of the commit that added it, which a later reformat hides from plain blame.
const HISTORY_GUIDANCE = [
  "",
  "The checkout has the repository's full git history (read it; never change it). When the question is why",
  "something is the way it is, or when it started or changed, find the commit that made it and read its message:",
  "- `git log -S'<exact text>' --format='%H %s%n%b' -- <path>`: the commits that added or removed that text;",
  "- `git log -G'<regex>'` for a pattern, `git log --follow --oneline -- <path>` for a file across renames;",
  "- `git blame -L <from>,<to> <path>`, then `git blame <sha>^ -L …` when the line's last change was only a",
  "  reformat or a move;",
  "- `git show <sha>` for a commit's message and diff.",
  "Quote what the commit message says (a ticket, a reason) and cite the commit; say so when the history does",
  "not explain it instead of inventing a reason.",
];
