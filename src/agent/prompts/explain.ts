// The prompt for `/codex explain <question>`: the command prompt (our rules first, everything people wrote
// fenced as data) plus what the bot needs back, which fits the explain schema given as --output-schema.
import { z } from "zod";
import { buildCommandPrompt } from "../../commands/prompt.js";

const Input = z.strictObject({
  repoFullName: z.string(),
  question: z.string(),
  /** The commit checked out: the PR's head, or the default branch's head for an issue. */
  sha: z.string().regex(/^[0-9a-f]{40}$/, "sha must be a full commit id"),
  target: z.discriminatedUnion("kind", [
    z.strictObject({
      kind: z.enum(["issue", "pr"]),
      number: z.number().int().positive(),
      title: z.string(),
      body: z.string().nullable(),
    }),
    // A local checkout on the owner's machine (`codex-dispatch ask`); repoFullName is then its folder name.
    z.strictObject({ kind: z.literal("local") }),
  ]),
});

type AnyInput = z.input<typeof Input>;
export type ExplainPromptInput = AnyInput & { target: { kind: "issue" | "pr" } };
export type LocalExplainPromptInput = AnyInput & { target: { kind: "local" } };

export function buildExplainPrompt(input: ExplainPromptInput | LocalExplainPromptInput): string {
  const parsed = Input.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`buildExplainPrompt: \`${issue.path.join(".") || "input"}\`: ${issue.message}`);
  }
  const { repoFullName, question, sha, target } = parsed.data;
  const base =
    target.kind === "local"
      ? buildCommandPrompt({ command: "explain", instruction: question, repoFullName, target })
      : buildCommandPrompt({ command: "explain", instruction: question, repoFullName, target });
  return [
    base,
    "",
    `The checkout is at commit ${sha}${target.kind === "issue" ? " (the head of the default branch)" : target.kind === "local" ? " (HEAD of the local repository)" : ""}.`,
    "Your final message is one JSON object that fits the given schema:",
    "- `answer`: the answer in markdown, citing the code inline as `path/to/file.ts:123`.",
    "- `references`: the places the answer relies on: repository-relative `path`, the `line` that matters",
    "  (null for a whole file) and a short `note`. Only files that exist in this checkout.",
  ].join("\n");
}
