import { createHash } from "node:crypto";
import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub, isGitHubStatus } from "./errors.js";

// Branch names end up in git refs, API URLs, PR titles, log lines and, in other bots, shell commands: attacks
// in 2025 used branch names with exotic Unicode and leading dashes (read as options). A bot branch is built
// from a small ASCII alphabet and checked again right before every push.
export const BOT_BRANCH_PREFIX = "codex/";
export const BOT_BRANCH_MAX_LENGTH = 200;

/** A branch name that is not a valid `codex/<kind>/<key>` name; `reason` says which rule it broke. */
export class InvalidBranchNameError extends Error {
  constructor(
    readonly branch: string,
    readonly reason: string,
  ) {
    super(`invalid bot branch name ${JSON.stringify(branch)}: ${reason}`);
    this.name = "InvalidBranchNameError";
  }
}

function brokenRule(name: string): string | null {
  if (name.length === 0) return "it is empty";
  if (name.length > BOT_BRANCH_MAX_LENGTH) return `it is longer than ${BOT_BRANCH_MAX_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return "it contains control characters";
  if (/[^\u0020-\u007e]/.test(name)) return "it contains non-ASCII characters";
  if (/[^A-Za-z0-9._/-]/.test(name)) return "only letters, digits, '.', '_', '-' and '/' are allowed";
  if (!name.startsWith(BOT_BRANCH_PREFIX)) return `it must start with ${JSON.stringify(BOT_BRANCH_PREFIX)}`;
  if (name.includes("//")) return "it contains '//'";
  if (name.includes("..")) return "it contains '..'";
  if (name.endsWith("/")) return "it ends with '/'";
  const segments = name.split("/");
  if (segments.length < 3) return "it must have the form codex/<kind>/<key>";
  for (const segment of segments) {
    if (segment.startsWith("-")) return `segment ${JSON.stringify(segment)} starts with '-'`;
    // git check-ref-format: no component may start with '.' or end with '.lock'; the ref may not end with '.'.
    if (segment.startsWith(".")) return `segment ${JSON.stringify(segment)} starts with '.'`;
    if (segment.endsWith(".lock")) return `segment ${JSON.stringify(segment)} ends with '.lock'`;
  }
  if (name.endsWith(".")) return "it ends with '.'";
  return null;
}

/** The name itself when it is a valid bot branch `codex/<kind>/<key>`; throws InvalidBranchNameError otherwise. */
export function validateBotBranch(name: string): string {
  if (typeof name !== "string") throw new InvalidBranchNameError(String(name), "it is not a string");
  const reason = brokenRule(name);
  if (reason) throw new InvalidBranchNameError(name, reason);
  return name;
}

// Lower-case ASCII letters, digits, '.', '_' and '-', no dot or dash at either end, no '..'.
function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/-{2,}/g, "-")
    .replace(/^[.-]+|[.-]+$/g, "")
    .replace(/\.lock$/, "-lock");
}

const HASH_LENGTH = 10;

function shortHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, HASH_LENGTH);
}

/**
 * A valid `codex/<kind>/<key>` from arbitrary text (an issue title, a task name, a job key). Slashes in the key
 * are kept as separators. When slugging changed the key (case, punctuation, Unicode) or it had to be cut, a
 * hash of the original key is appended, so two different keys never share a branch.
 */
export function botBranchName(kind: string, key: string): string {
  const kindSlug = slug(String(kind)).replace(/[.]/g, "-");
  if (!kindSlug) throw new InvalidBranchNameError(`${BOT_BRANCH_PREFIX}${kind}/${key}`, "the kind has no usable characters");
  const original = String(key);
  let keySlug = original.split("/").map(slug).filter(Boolean).join("/");
  const room = BOT_BRANCH_MAX_LENGTH - BOT_BRANCH_PREFIX.length - kindSlug.length - 1;
  if (room < HASH_LENGTH + 2) throw new InvalidBranchNameError(`${BOT_BRANCH_PREFIX}${kindSlug}/…`, "the kind is too long");
  if (keySlug !== original || keySlug.length > room) {
    const hash = shortHash(original);
    const cut = keySlug.slice(0, room - HASH_LENGTH - 1).replace(/[/.-]+$/, "");
    keySlug = cut ? `${cut}-${hash}` : hash;
  }
  return validateBotBranch(`${BOT_BRANCH_PREFIX}${kindSlug}/${keySlug}`);
}

const BranchParams = z.object({ owner: z.string().min(1), repo: z.string().min(1), branch: z.string().min(1) });
const RefBody = z.object({ object: z.object({ sha: z.string(), type: z.string() }) });
const BranchBody = z.object({ commit: z.object({ sha: z.string() }), protected: z.boolean() });

/** The branch's head and protection in one request, or null when the branch does not exist. */
export async function readBranch(
  gh: GitHubClient,
  params: { owner: string; repo: string; branch: string },
): Promise<{ head: string; protected: boolean } | null> {
  const { owner, repo, branch } = BranchParams.parse(params);
  const route = `GET /repos/${owner}/${repo}/branches/${branch}`;
  try {
    const response = await callGitHub(route, () => gh.request("GET /repos/{owner}/{repo}/branches/{branch}", { owner, repo, branch }));
    const data = BranchBody.parse(response.data);
    return { head: data.commit.sha, protected: data.protected };
  } catch (error) {
    if (isGitHubStatus(error, 404)) return null;
    throw error;
  }
}

/** The commit a branch points at, or null when the branch does not exist. */
export async function getBranchHead(gh: GitHubClient, params: { owner: string; repo: string; branch: string }): Promise<string | null> {
  const { owner, repo, branch } = BranchParams.parse(params);
  const route = `GET /repos/${owner}/${repo}/git/ref/heads/${branch}`;
  try {
    // The singular `git/ref` matches exactly; the plural `git/refs/heads/x` would also list `x/...` branches.
    const response = await callGitHub(route, () =>
      gh.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { owner, repo, ref: `heads/${branch}` }),
    );
    return RefBody.parse(response.data).object.sha;
  } catch (error) {
    if (isGitHubStatus(error, 404)) return null;
    throw error;
  }
}

/**
 * Whether branch protection is on for the branch; a branch that does not exist is not protected (a rule with
 * a wildcard that would cover it is enforced by GitHub when the ref is created).
 */
export async function isBranchProtected(gh: GitHubClient, params: { owner: string; repo: string; branch: string }): Promise<boolean> {
  return (await readBranch(gh, params))?.protected ?? false;
}
