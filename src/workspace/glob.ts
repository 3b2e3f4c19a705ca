import picomatch from "picomatch";

// The path matcher of the diff policy (protected paths, `fix.deny_paths`), on picomatch like the config's
// branch and workflow filters (pipeline/steps/glob.ts), with the policy's own rules on top:
//   `**` any number of path segments, `*` anything but '/', `?` one character but '/', names starting with
//   a dot included; every other character is literal (no braces, brackets, extglobs or `!` negation), so a
//   deny rule means what it says.
// A pattern without '/' matches the file name at any depth (like .gitignore); one with '/' matches from the
// repository root (a leading '/' is dropped). Case-insensitive on purpose: deny rules must also catch
// `.GitHub/Workflows` on case-insensitive checkouts. (The config's filters are case-sensitive: branch names are.)
//
// One difference from the hand-written matcher this replaced: `dir/**` now also matches `dir` itself, so a
// deny rule on a folder also refuses a file or symlink put in the folder's place. Only ever stricter.
const OPTIONS = {
  dot: true,
  nocase: true,
  nobrace: true,
  nobracket: true,
  noextglob: true,
  nonegate: true,
} as const;

const compiled = new Map<string, (path: string) => boolean>();

/**
 * picomatch reads `**` inside a name (`src/**.ts`) as `*`; the policy always let it cross folders. Such a
 * segment `X**Y` becomes the two globs `X*Y` and `X*` + `/**` + `/*Y`, which together match what it did.
 */
function crossingGlobs(pattern: string): string[] {
  const segments = pattern.replace(/\*{3,}/g, "**").split("/");
  const i = segments.findIndex((s) => s !== "**" && s.includes("**"));
  if (i === -1) return [segments.join("/")];
  const at = segments[i]!.indexOf("**");
  const [head, tail] = [segments[i]!.slice(0, at), segments[i]!.slice(at + 2)];
  const join = (middle: string) => [...segments.slice(0, i), middle, ...segments.slice(i + 1)].join("/");
  return [...crossingGlobs(join(`${head}*${tail}`)), ...crossingGlobs(join(`${head}*/**/*${tail}`))];
}

function matcher(pattern: string): (path: string) => boolean {
  let match = compiled.get(pattern);
  if (!match) {
    const p = pattern.replace(/^\/+/, "");
    if (p.includes("/")) {
      const test = picomatch(crossingGlobs(p), OPTIONS);
      match = (path) => test(path);
    } else {
      // A file name has no '/', so `**` in it can only mean `*` here.
      const test = picomatch(p.replace(/\*{2,}/g, "*"), OPTIONS);
      match = (path) => test(path.split("/").pop() ?? path);
    }
    // Patterns come from repository configs: keep the cache from growing without end in a long-lived app.
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(pattern, match);
  }
  return match;
}

export function matchesGlob(path: string, pattern: string): boolean {
  return matcher(pattern)(path);
}
