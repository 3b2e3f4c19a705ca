import deepmerge from "deepmerge";
import { CONFIG_PATH, EXTENDS_PATTERN, readConfigYaml, validateRepoConfig, type ConfigResult } from "./repo-config.js";

// Organisation defaults, Probot's way: `.github/codex.yml` may say `_extends: <repo>`, `<owner>/<repo>` or
// `<owner>/<repo>:<path>`, and the file it names (on that repository's default branch) is the base the
// repository's own keys override. Pure: the caller passes the function that reads a file from GitHub.

export type ConfigFileRef = { owner: string; repo: string; path: string };
/** The text of the file on its repository's default branch, or null when there is none (or it cannot be read). */
export type FetchConfigFile = (file: ConfigFileRef) => Promise<string | null>;

/** Bases a file may chain through: own → base → base → base. Enough for org → team → repo. */
export const MAX_EXTENDS_DEPTH = 3;

type Layers = { ok: true; layers: unknown[] } | { ok: false; errors: string[] };

export function describeConfigFile(file: ConfigFileRef): string {
  return `${file.owner}/${file.repo}:${file.path}`;
}

/** `_extends`'s value as a file, relative to the owner of the file that names it; null when malformed. */
export function parseExtends(value: unknown, fromOwner: string): ConfigFileRef | null {
  if (typeof value !== "string") return null;
  const match = EXTENDS_PATTERN.exec(value.trim());
  if (!match) return null;
  const [, owner, repo, path] = match;
  // The contents API stays inside the repository anyway; a `..` is still a mistake worth naming.
  if (path?.split("/").some((part) => part === ".." || part === "")) return null;
  return { owner: owner ?? fromOwner, repo, path: path ?? CONFIG_PATH };
}

/** The repository's own keys win: objects merge key by key, arrays and scalars replace. */
export function mergeConfig(base: unknown, own: unknown): unknown {
  if (!isMapping(base) || !isMapping(own)) return own === undefined ? base : own;
  // deepmerge skips __proto__ and constructor keys, so a base cannot reach Object.prototype.
  return deepmerge(base, own, { arrayMerge: (_base, ownArray) => ownArray, isMergeableObject: isMapping });
}

/** Reads the file's text (null = no file), follows its `_extends` chain, merges and validates. */
export async function resolveRepoConfig(text: string | null, origin: ConfigFileRef, fetchFile: FetchConfigFile): Promise<ConfigResult> {
  const own = readConfigYaml(text, CONFIG_PATH);
  if (!own.ok) return own;
  const chain = await collectBases(own.raw, origin, fetchFile);
  if (!chain.ok) return chain;
  // From the farthest base to the repository's own file, so each nearer file wins.
  const merged = chain.layers.reduceRight((acc: unknown, layer) => mergeConfig(acc, layer), undefined);
  return validateRepoConfig(merged);
}

async function collectBases(ownRaw: unknown, origin: ConfigFileRef, fetchFile: FetchConfigFile): Promise<Layers> {
  const layers: unknown[] = [withoutExtends(ownRaw)];
  const seen = [describeConfigFile(origin)];
  let current = ownRaw;
  let from = origin;
  while (isMapping(current) && current._extends !== undefined) {
    const fail = (problem: string): Layers => ({ ok: false, errors: [`\`_extends\` in ${describeConfigFile(from)}: ${problem}`] });
    const base = parseExtends(current._extends, from.owner);
    if (!base) return fail(`${JSON.stringify(current._extends)} is not \`repo\`, \`owner/repo\` or \`owner/repo:path/file.yml\``);
    const name = describeConfigFile(base);
    // GitHub's owner and repository names are case-insensitive: Acme/App and acme/app are one file.
    if (seen.some((file) => file.toLowerCase() === name.toLowerCase())) return fail(`cycle: ${[...seen, name].join(" → ")}`);
    if (seen.length > MAX_EXTENDS_DEPTH)
      return fail(`${name} would be base number ${seen.length}; at most ${MAX_EXTENDS_DEPTH} are followed`);
    seen.push(name);
    const text = await fetchFile(base);
    if (text === null) return fail(`${name} was not found on its default branch (or the App cannot read that repository)`);
    const read = readConfigYaml(text, name);
    if (!read.ok) return fail(read.errors.join("; "));
    // A broken base is the base's fault: say so, instead of blaming keys the repository never wrote.
    const alone = validateRepoConfig(withoutExtends(read.raw));
    if (!alone.ok) return fail(`${name} is not a valid config: ${alone.errors.join("; ")}`);
    layers.push(withoutExtends(read.raw));
    current = read.raw;
    from = base;
  }
  return { ok: true, layers };
}

function withoutExtends(raw: unknown): unknown {
  if (!isMapping(raw)) return raw;
  const { _extends: _ignored, ...rest } = raw;
  return rest;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
