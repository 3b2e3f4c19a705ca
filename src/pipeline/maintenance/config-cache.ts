// The tick reads every installed repository's `.github/codex.yml` once a minute. Most never change, so the text
// is kept here by repository with its ETag, and the next read is conditional: an unchanged file is a 304 and
// needs no parsing either. In memory, per process: a restart (or another worker) reads each file once in full.
// A file with `_extends` is resolved again each time, its bases read the same conditional way (an organisation's
// defaults file, shared by many repositories, is one 304 per repository that extends it).
import { createHash } from "node:crypto";
import { resolveRepoConfig } from "../../config/config-extends.js";
import { CONFIG_PATH, type ConfigResult } from "../../config/repo-config.js";
import type { GitHubClient } from "../../github/client.js";
import { fetchFileIfChanged } from "../../github/conditional-file.js";
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
  /** Base files of `_extends` by `owner/repo:path@ref`, with their ETags. */
  private readonly bases = new Map<string, { etag: string | null; text: string | null }>();

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
      entry = hasExtends(cached.text) ? { ...cached, result: await this.resolve(gh, repo, cached.text) } : cached;
    } else {
      const text = answer.status === "changed" ? answer.text : null;
      entry = { etag: answer.status === "changed" ? answer.etag : null, text, result: await this.resolve(gh, repo, text) };
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

  private resolve(gh: GitHubClient, repo: RepoRef, text: string | null): Promise<ConfigResult> {
    return resolveRepoConfig(text, { owner: repo.owner, repo: repo.name, path: CONFIG_PATH }, (file) => this.base(gh, file));
  }

  /** A base file's text, asked for with the ETag of the last read (a 304 returns what that read got). */
  private async base(gh: GitHubClient, file: { owner: string; repo: string; path: string; ref?: string }): Promise<string | null> {
    const id = `${file.owner}/${file.repo}:${file.path}@${file.ref ?? ""}`.toLowerCase();
    const cached = this.bases.get(id);
    const answer = await fetchFileIfChanged(gh, { ...file, etag: cached?.etag ?? null });
    if (answer.status === "unchanged" && cached) return cached.text;
    const fresh = answer.status === "changed" ? { etag: answer.etag, text: answer.text } : { etag: null, text: null };
    if (this.bases.size >= MAX_ENTRIES) this.bases.delete(this.bases.keys().next().value as string);
    this.bases.set(id, fresh);
    return fresh.text;
  }
}

function hasExtends(text: string | null): boolean {
  return text !== null && /^_extends\s*:/m.test(text);
}

/**
 * Whether the repository asks for maintenance at all: it lists tasks, or its config is broken and names a
 * `maintenance` section (the dashboard then shows the errors). Everyone else costs the tick one 304 a minute.
 */
export function wantsMaintenance(loaded: LoadedConfig): boolean {
  if (loaded.result.ok) return loaded.result.config.maintenance.tasks.length > 0;
  return loaded.text !== null && /^maintenance\s*:/m.test(loaded.text);
}
