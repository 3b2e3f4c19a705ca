// Small markdown helpers for the answers posted by `/codex explain` and `/codex review`.

/** Applies `fn` to every line outside fenced code blocks (``` or ~~~); fenced lines stay as they are. */
export function mapProseLines(text: string, fn: (line: string) => string): string {
  let fence: string | null = null;
  return text
    .split("\n")
    .map((line) => {
      const opener = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (opener && (fence === null || opener.startsWith(fence))) {
        fence = fence === null ? opener : null;
        return line;
      }
      return fence === null ? fn(line) : line;
    })
    .join("\n");
}

/**
 * safeText defuses @mentions with a zero-width space, but the progress comment strips hidden characters from
 * its summary, which would make them live again and ping people. An HTML entity survives that and renders as
 * the same invisible space. Inside code, where mentions never ping, an entity would show literally, so code
 * spans and fenced blocks keep the plain character.
 */
export function defuseMentionsForProgress(markdown: string): string {
  return mapProseLines(markdown, (line) => line.replace(/(`+)[^`]*?\1|@\u200b/g, (m) => (m === "@\u200b" ? "@&#8203;" : m)));
}
