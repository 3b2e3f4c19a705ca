import { z } from "zod";

// How we tell, without stored state, that a commit on the bot's branch was made by the App itself:
// - GitHub signs a commit created through the Git Data API with an installation token and no author/committer
//   fields, and reports `verification.verified: true`. A commit pushed with git by a person is unverified
//   unless they signed it, and then its author is that person.
// - Its author is the App's bot user: name `<slug>[bot]`, email `<id>+<slug>[bot]@users.noreply.github.com`.
//   No person can get a signature verified for that address (bot accounts have no keys a person can add).
// - Its committer is GitHub's web-flow identity (`GitHub <noreply@github.com>`) or the bot itself.
// A commit made in the web editor by a person is verified too, but its author is the person: refused.
// Another App's verified commit has another slug: refused when `appSlug` is given (pass it when known).
export const AppCommit = z.object({
  sha: z.string(),
  tree: z.object({ sha: z.string() }),
  parents: z.array(z.object({ sha: z.string() })),
  author: z.object({ name: z.string(), email: z.string() }).nullable(),
  committer: z.object({ name: z.string(), email: z.string() }).nullable(),
  verification: z.object({ verified: z.boolean() }).nullable().optional(),
});
export type GitCommit = z.infer<typeof AppCommit>;

const BOT_EMAIL = /^(?:\d+\+)?([A-Za-z0-9-]+)\[bot\]@users\.noreply\.github\.com$/;
const WEB_FLOW_EMAIL = "noreply@github.com";

/** True when the commit carries GitHub's verified signature and the App's bot as author (see above). */
export function isAppCommit(commit: GitCommit, appSlug?: string): boolean {
  if (commit.verification?.verified !== true || !commit.author || !commit.committer) return false;
  const match = BOT_EMAIL.exec(commit.author.email);
  if (!match || commit.author.name !== `${match[1]}[bot]`) return false;
  if (appSlug !== undefined && match[1]?.toLowerCase() !== appSlug.toLowerCase()) return false;
  const committer = commit.committer.email.toLowerCase();
  return committer === WEB_FLOW_EMAIL || committer === commit.author.email.toLowerCase();
}
