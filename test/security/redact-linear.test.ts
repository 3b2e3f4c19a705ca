// Finding 29 (continued): three redaction rules looked for a name before what they redact and were tried from every
// word start of a long run of name characters; "Password." repeated over 16 KB took 33 s. They now read a run once.
// Here they are held to the plain regexes they replaced (same text out, on thousands of random lines made of the
// characters that matter), and timed on hostile lines.
import { describe, expect, it } from "vitest";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import {
  isPlaceholder,
  REPLACEMENT,
  redactAssignments,
  redactQuotedAssignments,
  redactSecrets,
  redactUrlCredentials,
} from "../../src/text-safety/redact.js";

// The rules as they were written before (slow on hostile lines, fine on short ones).
const PLAIN = {
  url: (t: string) =>
    t.replace(
      /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+):([^\s@/]+)@/gi,
      (_m, scheme: string, user: string) => `${scheme}${user}:${REPLACEMENT}@`,
    ),
  quoted: (t: string) =>
    t.replace(
      /\b([A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY)[A-Z0-9_]*\s*[:=]\s*)(["'])([^"'\n]{4,})\2/g,
      (m, prefix: string, quote: string, value: string) => (isPlaceholder(value) ? m : `${prefix}${quote}${REPLACEMENT}${quote}`),
    ),
  assignment: (t: string) =>
    t.replace(
      /\b([A-Za-z0-9_.-]*(?:secret|password|passwd|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*["']?\s*[:=]\s*["']?)([^\s"',;]{8,})/gi,
      (m, prefix: string, value: string) => (isPlaceholder(value) ? m : `${prefix}${REPLACEMENT}`),
    ),
};

// Pieces random lines are made of: the rules' words, name characters, separators, quotes, URL parts.
const PIECES = [
  "token",
  "TOKEN",
  "Password",
  "passwd",
  "api_key",
  "API-KEY",
  "accessKey",
  "PRIVATE_KEY",
  "secret",
  "SECRET",
  "a",
  "Z",
  "9",
  "_",
  ".",
  "-",
  "+",
  " ",
  "\t",
  "=",
  ":",
  "://",
  "/",
  "@",
  '"',
  "'",
  ",",
  ";",
  "x.y",
  "https",
  "git+ssh",
  "user",
  "p4ssw0rdValue",
  "12345678",
  "${X}",
  "***",
  "é",
];

function randomLine(rng: ReturnType<typeof xoroshiro128plus>): string {
  let line = "";
  for (let n = uniformInt(rng, 1, 14); n > 0; n--) line += PIECES[uniformInt(rng, 0, PIECES.length - 1)];
  return line;
}

describe("redaction rules read a run of name characters once (finding 29)", () => {
  it("[S29.4] 30,000 random lines → each of the three rules redacts exactly what its plain regex did", () => {
    const rng = xoroshiro128plus(29);
    const rules: [keyof typeof PLAIN, (t: string) => string][] = [
      ["url", redactUrlCredentials],
      ["quoted", redactQuotedAssignments],
      ["assignment", redactAssignments],
    ];
    let redactedSome = 0;
    for (let i = 0; i < 30_000; i++) {
      const line = randomLine(rng);
      for (const [name, rule] of rules) {
        const want = PLAIN[name](line);
        expect(rule(line), `${name}: ${JSON.stringify(line)}`).toBe(want);
        if (want !== line) redactedSome++;
      }
    }
    // The lines reach the rules: many of them redact something.
    expect(redactedSome).toBeGreaterThan(1000);
  });

  it.each([
    ["Password.", ""],
    ["tokentoken", " x"],
    ["TOKEN", ": "],
    ["a.", "=abcdefgh12"],
    ["x-", ""],
    ["git+ssh.", "://"],
  ])("[S29.5] a 64 KB line of %j → redacted in milliseconds (was up to minutes)", (unit, tail) => {
    const line = unit.repeat(Math.ceil(65_536 / unit.length)).slice(0, 65_536) + tail;
    redactSecrets(line.slice(0, 64));
    const t = performance.now();
    redactSecrets(line);
    expect(performance.now() - t).toBeLessThan(200);
  });

  it("[S29.6] a URL password, a quoted and a plain assignment of a secret name → still redacted", () => {
    expect(redactSecrets("remote: https://bot:ghp-not-a-token-but-a-pass@github.com/o/r")).toBe(
      `remote: https://bot:${REPLACEMENT}@github.com/o/r`,
    );
    expect(redactSecrets('export DEPLOY_TOKEN="two words here"')).toBe(`export DEPLOY_TOKEN="${REPLACEMENT}"`);
    expect(redactSecrets("--db.password=hunter2hunter2 next")).toBe(`--db.password=${REPLACEMENT} next`);
    expect(redactSecrets(".my_api-key: 'abcdefgh12345'")).toBe(`.my_api-key: '${REPLACEMENT}'`);
  });
});
