import { looksRandomBase64, redactSecrets } from "../text-safety/redact.js";

export interface SecretFinding {
  /** Index into the scanned lines. */
  line: number;
  kind: "pattern" | "high-entropy";
}

// `token = getToken(req)` or `password: process.env.PASSWORD` are code that names a secret, not a secret.
// redactSecrets' `name = value` rule would flag them, so such unquoted references are neutralised first —
// unless the reference itself matches a token pattern (a JWT has dots too).
const CODE_REFERENCE = /([:=]\s*)([A-Za-z_$][\w$]*(?:\.[\w$]+)+|[A-Za-z_$][\w$.]*\([^)]*\)?)/g;

function withoutCodeReferences(line: string): string {
  return line.replace(CODE_REFERENCE, (m, prefix: string, ref: string) => (redactSecrets(ref) === ref ? `${prefix}ref` : m));
}

// A quoted literal of 24+ characters assigned to a name, random-looking (Shannon entropy of at least 4.5 bits
// per character, mixed case and digits). Hashes of lockfiles ("sha512-…") and hex digests (≤ 4 bits) pass.
const QUOTED_ASSIGNMENT = /[\w$\]"']\s*[:=]\s*["'`]([A-Za-z0-9+/_\-=.]{24,})["'`]/g;

function looksRandom(value: string): boolean {
  // Lockfile integrity hashes are base64 of a digest: random, but not a secret.
  return !/^sha(?:1|256|384|512)-/.test(value) && looksRandomBase64(value, 4.5);
}

/** Lines that look like they carry a secret: the patterns of redactSecrets, plus random-looking literals. */
export function scanForSecrets(lines: string[]): SecretFinding[] {
  const findings: SecretFinding[] = [];
  lines.forEach((line, index) => {
    const neutral = withoutCodeReferences(line);
    if (redactSecrets(neutral) !== neutral) {
      findings.push({ line: index, kind: "pattern" });
      return;
    }
    for (const m of line.matchAll(QUOTED_ASSIGNMENT)) {
      if (looksRandom(m[1] as string)) {
        findings.push({ line: index, kind: "high-entropy" });
        return;
      }
    }
  });
  return findings;
}
