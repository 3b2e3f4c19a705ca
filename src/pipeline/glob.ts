// Branch and workflow filters in .github/codex.yml use simple globs: `*` within a path segment, `**` across.
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === "*" && glob[i + 1] === "*") {
      out += ".*";
      i++;
    } else if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else out += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** True when the list is empty (no filter) or any glob matches any of the names. */
export function matchesAny(globs: string[], names: (string | null | undefined)[]): boolean {
  if (globs.length === 0) return true;
  const present = names.filter((n): n is string => !!n);
  return globs.some((g) => {
    const re = globToRegExp(g);
    return present.some((n) => re.test(n));
  });
}
