// Secrets must never reach a comment, a check run, a prompt or a log line we post. The patterns cover the
// token formats of the services a CI log commonly leaks (GitHub, OpenAI, Anthropic, AWS, Slack, Google,
// npm), private key blocks, credentials embedded in URLs and `key=value` assignments of secret-looking names.
const REPLACEMENT = "[REDACTED]";

const PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,255}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g,
  /\bv1\.[0-9a-f]{40}\b/g,
  /\bsk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}\b/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\bhttps:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bnpm_[A-Za-z0-9]{36}\b/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g,
];

// user:password@ in any URL scheme.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s@/]+)@/gi;
// AUTHORIZATION: Bearer xyz, token xyz.
const AUTH_HEADER = /\b(authorization\s*[:=]\s*(?:bearer|token|basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
// aws_secret_access_key = ..., API_TOKEN: "...", password=...
const ASSIGNMENT =
  /\b([A-Za-z0-9_.-]*(?:secret|password|passwd|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*["']?\s*[:=]\s*["']?)([^\s"',;]{8,})/gi;

export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of PATTERNS) out = out.replace(pattern, REPLACEMENT);
  out = out.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${REPLACEMENT}@`);
  out = out.replace(AUTH_HEADER, (_m, prefix: string) => `${prefix}${REPLACEMENT}`);
  out = out.replace(ASSIGNMENT, (m, prefix: string, value: string) =>
    // Numbers (token counts, durations) and placeholders are not secrets.
    value === REPLACEMENT || value.startsWith("${") || value === "***" || /^[\d.,]+$/.test(value) ? m : `${prefix}${REPLACEMENT}`,
  );
  return out;
}

/** Redacts each given literal value too (for example a token this process holds), then the patterns. */
export function redactWith(text: string, literals: Iterable<string>): string {
  let out = text;
  for (const value of literals) if (value && value.length >= 6) out = out.split(value).join(REPLACEMENT);
  return redactSecrets(out);
}
