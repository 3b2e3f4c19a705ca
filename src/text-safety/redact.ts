// Secrets must never reach a comment, a check run, a prompt or a log line we post. The patterns cover the token
// formats a CI log commonly leaks (GitHub, OpenAI, Anthropic, AWS, Stripe, Azure, Slack, Google, npm), private
// keys (PEM, base64-encoded PEM, bare PEM bodies), credentials in URLs and `name = value` assignments of
// secret-looking names.
//
// Matching runs on a normalised view (NFKC, invisible characters removed, percent-encoded unreserved characters
// decoded, which RFC 3986 says are equivalent), so `sk－ant…`, `ghs_` with a zero-width space inside or
// `github%5Fpat%5F…` are caught. The log reducer calls this on every kept excerpt line and promises kept lines
// verbatim: a line with no match comes back byte-identical; only a line with a secret comes back normalised.
//
// Why not secretlint's rule set: its API is asynchronous (lintSource returns a Promise) and built around files
// and reports, while this runs synchronously on the reducer's hot path and in renderers; its rules would also add
// a large dependency tree for the dozen formats that matter here. So this is a curated list, with tests.
import { removeHiddenChars } from "./hidden.js";

export const REPLACEMENT = "[REDACTED]";

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const NEEDS_NORMALISING = /[^\t\n\r\x20-\x7e]|%[0-9A-Fa-f]{2}/;

/** The view secrets are looked for in; the text itself when it is plain ASCII without percent escapes. */
export function detectionView(text: string): string {
  if (!NEEDS_NORMALISING.test(text)) return text;
  return removeHiddenChars(text.normalize("NFKC")).replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(c) ? c : m;
  });
}

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/** Random-looking base64: mixed case and digits, not a hex digest, high Shannon entropy. */
export function looksRandomBase64(value: string, minBits: number): boolean {
  if (/^[0-9a-f]+$/i.test(value)) return false;
  if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9]/.test(value)) return false;
  return entropy(value) >= minBits;
}

const PATTERNS: RegExp[] = [
  // A PEM block, whatever the case of its label; an unterminated block is cut to the end of the text.
  /-----BEGIN[ A-Za-z0-9]*PRIVATE KEY-----[\s\S]*?(?:-----END[ A-Za-z0-9]*PRIVATE KEY-----|$)/gi,
  /-----END[ A-Za-z0-9]*PRIVATE KEY-----/gi,
  // A whole PEM, base64-encoded ("-----BEGIN" → "LS0tLS1CRUdJTi"), possibly wrapped over lines.
  /LS0tLS1CRUdJTi(?:[A-Za-z0-9+/=]|\r?\n(?=[A-Za-z0-9+/=]+(?:\r?\n|$)))*/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,255}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g,
  /\bv1\.[0-9a-f]{40}\b/g,
  /\bsk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}\b/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/gi,
  /\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\bhttps:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  // This app's own MCP bearer tokens (mcp/tokens.ts mints `cdmcp_` + 43 base64url characters).
  /\bcdmcp_[A-Za-z0-9_-]{40,}/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g,
];

// A GitHub token cut in pieces by spaces ("ghs_ABCD EFGH…"): the pieces are joined until a token's length.
const SPLIT_GITHUB_TOKEN = /\bgh[pousr]_[A-Za-z0-9]+(?:[ \t]+[A-Za-z0-9]+){1,6}/g;
const GITHUB_TOKEN_CHARS = 36;
// Azure storage / service bus connection strings.
const AZURE_KEY = /\b((?:AccountKey|SharedAccessKey)\s*=\s*)[A-Za-z0-9+/=]{16,}/gi;
// An AWS secret access key on its own: exactly 40 base64 characters, random-looking (never a 40-hex git sha).
const AWS_SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
// A PEM body line without its BEGIN line: a whole line of exactly 64 random-looking base64 characters.
const PEM_BODY_LINE = /^([ \t>"'+-]*)([A-Za-z0-9+/]{64})([ \t"',]*)$/gm;
// Three rules below look for a name before what they redact: written plainly ("\b[a-z][a-z0-9+.-]*://",
// "\b[\w.-]*token[\w.-]*=") they are tried from every word start of a long run of name characters, each try
// reading to the run's end, so one hostile 16 KB log line ("Password.Password.…") took 33 s, on the event loop
// (test/security/log-redos.test.ts). So they look at a run once: from its start only ((?<!…)), taken whole
// ((?=(…))\1 cannot backtrack), with the secret word checked looking back from its end ((?<=…)). The text each
// redacts is the same as before (test/security/redact-linear.test.ts holds them to the plain forms).

// user:password@ in any URL scheme; the scheme is looked for backwards, once "://" is found.
const URL_CREDENTIALS = /:\/\/(?<=\b[a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s@/]+)@/gi;
// AUTHORIZATION: Bearer xyz, token xyz.
const AUTH_HEADER = /\b(authorization\s*[:=]\s*(?:bearer|token|basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
// aws_secret_access_key = ..., API_TOKEN: "...", password=...
const ASSIGNMENT =
  /(?<![A-Za-z0-9_.-])(?=([A-Za-z0-9_.-]+))\1(?<=(?:secret|password|passwd|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*["']?)([^\s"',;]{8,})/gi;
// SECRET = "two words" — quoted values with spaces, for UPPER_SNAKE (environment-style) names only: in code,
// `passwordLabel: "Enter your password"` is a UI string, and the diff policy must not refuse it.
const QUOTED_ASSIGNMENT =
  /(?<![A-Za-z0-9_])(?=([A-Z0-9_]+))\1(?<=(?:SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY)[A-Z0-9_]*)(\s*[:=]\s*)(["'])([^"'\n]{4,})\3/g;

export function isPlaceholder(value: string): boolean {
  return value === REPLACEMENT || value.includes(REPLACEMENT) || value.startsWith("${") || value === "***" || /^[\d.,]+$/.test(value);
}

function applyPatterns(text: string): string {
  let out = text;
  for (const pattern of PATTERNS) out = out.replace(pattern, REPLACEMENT);
  out = out.replace(SPLIT_GITHUB_TOKEN, (m) => {
    const [prefix, ...rest] = m.split(/([ \t]+)/);
    let length = (prefix as string).length - 4;
    let i = 0;
    // rest alternates separator, piece.
    while (length < GITHUB_TOKEN_CHARS && i + 1 < rest.length) {
      length += (rest[i + 1] as string).length;
      i += 2;
    }
    const joined = [prefix, ...rest.slice(0, i)]
      .join("")
      .replace(/[ \t]+/g, "")
      .slice(4);
    // Real tokens are random base62 (mixed case and digits); prose after a "ghs_" word is not.
    return length >= 20 && /[a-z]/.test(joined) && /[A-Z]/.test(joined) && /[0-9]/.test(joined) ? REPLACEMENT + rest.slice(i).join("") : m;
  });
  out = out.replace(AZURE_KEY, (_m, prefix: string) => `${prefix}${REPLACEMENT}`);
  out = out.replace(AWS_SECRET, (m) => (looksRandomBase64(m, 4.2) ? REPLACEMENT : m));
  out = out.replace(PEM_BODY_LINE, (m, before: string, body: string, after: string) =>
    looksRandomBase64(body, 4.5) ? `${before}${REPLACEMENT}${after}` : m,
  );
  out = redactUrlCredentials(out);
  out = out.replace(AUTH_HEADER, (_m, prefix: string) => `${prefix}${REPLACEMENT}`);
  out = redactQuotedAssignments(out);
  return redactAssignments(out);
}

export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, user: string) => `://${user}:${REPLACEMENT}@`);
}

export function redactQuotedAssignments(text: string): string {
  return text.replace(QUOTED_ASSIGNMENT, (m, name: string, sep: string, quote: string, value: string) =>
    isPlaceholder(value) ? m : `${name}${sep}${quote}${REPLACEMENT}${quote}`,
  );
}

export function redactAssignments(text: string): string {
  return text.replace(ASSIGNMENT, (m, name: string, sep: string, value: string) =>
    // Numbers (token counts, durations) and placeholders are not secrets.
    isPlaceholder(value) ? m : `${name}${sep}${REPLACEMENT}`,
  );
}

/** The text with every secret the patterns know replaced; byte-identical when there is none. */
export function redactSecrets(text: string): string {
  const view = detectionView(text);
  const out = applyPatterns(view);
  return out === view ? text : out;
}

/** Redacts each given literal value too (for example a token this process holds), then the patterns. */
export function redactWith(text: string, literals: Iterable<string>): string {
  let out = text;
  for (const value of literals) if (value && value.length >= 6) out = out.split(value).join(REPLACEMENT);
  return redactSecrets(out);
}
