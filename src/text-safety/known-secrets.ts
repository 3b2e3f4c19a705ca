// Patterns catch secrets by their shape; the secrets this process itself holds (installation tokens it minted,
// the model key, the webhook secret, the App's private key) are caught by their value, whatever their shape.
// The outgoing guard (src/github/outgoing-guard.ts) redacts every text sent to GitHub with this registry.
import { readFileSync } from "node:fs";
import { REPLACEMENT, redactSecrets } from "./redact.js";

// Shorter values would redact ordinary words; real secrets are far longer.
const MIN_LENGTH = 8;
// A PEM base64 line is 64 characters; shorter last lines of 16+ still cannot occur by chance.
const MIN_KEY_LINE = 16;

export class KnownSecrets {
  private readonly values = new Set<string>();
  private sorted: string[] | null = [];

  constructor(values: Iterable<string | undefined | null> = []) {
    for (const value of values) this.add(value);
  }

  /** Registers one literal value (ignored when empty or too short to be a secret). */
  add(value: string | undefined | null): void {
    const v = value?.trim();
    if (!v || v.length < MIN_LENGTH || this.values.has(v)) return;
    this.values.add(v);
    this.sorted = null;
  }

  /** Registers a private key: the whole PEM and each of its base64 lines, which a log may show one by one. */
  addPrivateKey(pem: string | undefined | null): void {
    if (!pem) return;
    // PRIVATE_KEY in an env file often carries "\n" escapes instead of newlines.
    const text = pem.includes("\\n") && !pem.includes("\n") ? pem.replace(/\\n/g, "\n") : pem;
    this.add(text);
    for (const line of text.split(/\r?\n/)) {
      const l = line.trim();
      if (l.length >= MIN_KEY_LINE && /^[A-Za-z0-9+/=]+$/.test(l)) this.add(l);
    }
  }

  get size(): number {
    return this.values.size;
  }

  /** The text with every known value, then every pattern, redacted. */
  redact(text: string): string {
    // Longest first, so a PEM goes whole before its lines are looked for.
    this.sorted ??= [...this.values].sort((a, b) => b.length - a.length);
    let out = text;
    for (const value of this.sorted) if (out.includes(value)) out = out.split(value).join(REPLACEMENT);
    return redactSecrets(out);
  }
}

/** The registry for the process: the model key, the webhook secret and the App's private key from `env`. */
export function knownSecretsFromEnv(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
): KnownSecrets {
  const secrets = new KnownSecrets([env.CODEX_API_KEY, env.WEBHOOK_SECRET]);
  secrets.addPrivateKey(env.PRIVATE_KEY);
  if (env.PRIVATE_KEY_PATH) {
    try {
      secrets.addPrivateKey(readFile(env.PRIVATE_KEY_PATH));
    } catch {
      // Probot reports an unreadable key itself; the patterns still catch PEM blocks.
    }
  }
  return secrets;
}
