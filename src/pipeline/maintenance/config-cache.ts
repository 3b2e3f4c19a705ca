// The tick reads every installed repository's `.github/codex.yml` once a minute. Most never change, so the text
// is kept here by repository with its ETag, and the next read is conditional: an unchanged file is a 304 and
// needs no parsing either. In memory, per process: a restart (or another worker) reads each file once in full.
// A file with `_extends` has its bases read again each time (their changes have no ETag of ours to follow);
// organisation defaults are few, and the repository's own file still costs a 304.
import { createHash } from "node:crypto";
import { resolveRepoConfig } from "../../config/config-extends.js";
import { CONFIG_PATH, type ConfigResult } from "../../config/repo-config.js";
import type { GitHubClient } from "../../github/client.js";
import { fetchFileIfChanged } from "../../github/conditional-file.js";
import { fetchConfigFileText } from "../../github/repo-config.js";
import type { RepoRef } from "../../jobs/types.js";

interface Entry {
  etag: string | null;
  text: string | null;
  result: ConfigResult;
}

export interface LoadedConfig {
  result: ConfigResult;
  /** The file's text; null when the repository has none. */
  text: string | null;
  /** A short hash of the text: part of the dashboard's state fingerprint. */
  textHash: string;
  /** False when GitHub answered 304. */
  fetched: boolean;
}

const MAX_ENTRIES = 20_000;

export class RepoConfigCache {
  private readonly entries = new Map<string, Entry>();

  async load(gh: GitHubClient, repo: RepoRef): Promise<LoadedConfig> {
    const id = repo.fullName.toLowerCase();
    const cached = this.entries.get(id);
    const answer = await fetchFileIfChanged(gh, {
      owner: repo.owner,
      repo: repo.name,
      path: CONFIG_PATH,
      ref: repo.defaultBranch,
      etag: cached?.etag ?? null,
    });
    let entry: Entry;
    if (answer.status === "unchanged" && cached) {
      entry = hasExtends(cached.text) ? { ...cached, result: await resolve(gh, repo, cached.text) } : cached;
    } else {
      const text = answer.status === "changed" ? answer.text : null;
      entry = { etag: answer.status === "changed" ? answer.etag : null, text, result: await resolve(gh, repo, text) };
    }
    this.entries.delete(id);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(id, entry);
    const textHash = createHash("sha256")
      .update(entry.text ?? "\0none")
      .digest("hex")
      .slice(0, 16);
    return { result: entry.result, text: entry.text, textHash, fetched: answer.status === "changed" };
  }
}

function hasExtends(text: string | null): boolean {
  return text !== null && /^_extends\s*:/m.test(text);
}

function resolve(gh: GitHubClient, repo: RepoRef, text: string | null): Promise<ConfigResult> {
  return resolveRepoConfig(text, { owner: repo.owner, repo: repo.name, path: CONFIG_PATH }, (file) => fetchConfigFileText(gh, file));
}

/**
 * Whether the repository asks for maintenance at all: it lists tasks, or its config is broken and names a
 * `maintenance` section (the dashboard then shows the errors). Everyone else costs the tick one 304 a minute.
 */
export function wantsMaintenance(loaded: LoadedConfig): boolean {
  if (loaded.result.ok) return loaded.result.config.maintenance.tasks.length > 0;
  return loaded.text !== null && /^maintenance\s*:/m.test(loaded.text);
}
