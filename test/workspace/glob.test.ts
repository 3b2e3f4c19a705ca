import { describe, expect, it } from "vitest";
import { matchesGlob } from "../../src/workspace/glob.js";

// The diff policy's glob rules (protected paths, fix.deny_paths), pinned so that a change of library or
// option shows up here: each line is one rule of the syntax the README and glob.ts describe.
const cases: [pattern: string, path: string, matches: boolean][] = [
  // `*` stays within one segment, `?` is one character of it.
  ["a/*.yml", "a/c.yml", true],
  ["a/*.yml", "a/b/c.yml", false],
  ["a/?.yml", "a/c.yml", true],
  ["a/?.yml", "a/cc.yml", false],
  ["docs/*/README.md", "docs/a/b/README.md", false],
  // `**` crosses any number of segments, none included.
  ["a/**/b", "a/b", true],
  ["a/**/b", "a/x/y/b", true],
  ["src/**/*.ts", "src/x.ts", true],
  ["src/**/*.ts", "src/a/b/c.ts", true],
  ["secrets/**", "secrets/a/b", true],
  // `**` inside a name still crosses folders (picomatch alone would read it as `*`).
  ["src/**.ts", "src/a/b/c.ts", true],
  ["src/**.ts", "src/x.ts", true],
  ["src/**.ts", "lib/x.ts", false],
  ["s/x**", "s/x/a/b", true],
  // `dir/**` covers the folder's own path too: a file or symlink in its place.
  ["secrets/**", "secrets", true],
  ["secrets/**", "x/secrets", false],
  // A pattern without '/' is a file name at any depth; with '/' it is anchored at the root.
  ["CODEOWNERS", "x/y/CODEOWNERS", true],
  ["*.pem", "d/e/k.pem", true],
  ["**.pem", "d/e/k.pem", true],
  ["config/*.pem", "x/config/k.pem", false],
  ["/CODEOWNERS", "x/CODEOWNERS", true],
  ["/secrets/**", "secrets/a", true],
  // Names starting with a dot match like any other.
  ["*.env", ".env", true],
  ["**/*.yml", ".hidden/a.yml", true],
  ["a/*", "a/.b", true],
  ["*", ".gitignore", true],
  // Case-insensitive.
  [".github/workflows/**", ".GitHub/Workflows/ci.yml", true],
  ["codeowners", "CODEOWNERS", true],
  // Every other character is literal: no braces, brackets, extglobs, negation or regex.
  ["a+b/*", "a+b/c", true],
  ["a+b/*", "aab/c", false],
  ["{a,b}.txt", "a.txt", false],
  ["{a,b}.txt", "{a,b}.txt", true],
  ["[ab].txt", "a.txt", false],
  ["[ab].txt", "[ab].txt", true],
  ["+(a).txt", "a.txt", false],
  ["+(a).txt", "+(a).txt", true],
  ["!secret", "other", false],
  ["!secret", "!secret", true],
  ["a|b", "a", false],
  ["x.d", "xyd", false],
];

describe("matchesGlob (diff policy paths)", () => {
  it.each(cases)("%s against %s → %s", (pattern, path, matches) => {
    expect(matchesGlob(path, pattern)).toBe(matches);
  });

  it("answers the same for a pattern seen before (compiled once, cached)", () => {
    expect(matchesGlob("a/b/c.yml", "**/*.yml")).toBe(true);
    expect(matchesGlob("a/b/c.yaml", "**/*.yml")).toBe(false);
    expect(matchesGlob("a/b/c.yml", "**/*.yml")).toBe(true);
  });
});
