// A small glob matcher for path policies, so the rules stay pure and dependency-free.
//   `**` any number of path segments, `*` anything but '/', `?` one character but '/'.
// A pattern without '/' matches the file name at any depth (like .gitignore); one with '/' matches from the
// repository root. A trailing `/**` also matches the directory's files at any depth below it.
function toRegExp(pattern: string): RegExp {
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      src += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") src += "[^/]*";
    else if (c === "?") src += "[^/]";
    else src += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${src}$`, "i");
}

/** Case-insensitive on purpose: deny rules must also catch `.GitHub/Workflows` on case-insensitive checkouts. */
export function matchesGlob(path: string, pattern: string): boolean {
  const p = pattern.replace(/^\/+/, "");
  if (!p.includes("/")) return toRegExp(p).test(path.split("/").pop() ?? path);
  return toRegExp(p).test(path);
}
