// Helpers for one log line. The reducer scans the log as latin1 text (one char per byte: fast, and never fails
// on invalid UTF-8); only the lines it keeps are decoded as UTF-8, with U+FFFD for bytes that are not UTF-8.

// CSI sequences (colours, cursor moves, erase-line), OSC sequences (titles, hyperlinks) and two-char escapes.
const ANSI = /\x1b(?:\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;
const LEADING_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;
// `gh run view --log` prefixes each line with "job<TAB>step<TAB>" before the timestamp.
const GH_CLI_PREFIX = /^([^\t]{1,200})\t([^\t]{0,300})\t(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?)/;

export function stripAnsi(line: string): string {
  return line.indexOf("\x1b") === -1 ? line : line.replace(ANSI, "");
}

/** Removes a leading ISO-8601 timestamp as GitHub Actions writes it (cheap check first: most lines have none). */
export function stripTimestamp(line: string): string {
  const c = line.charCodeAt(0);
  if (c < 48 || c > 57 || line.charCodeAt(10) !== 84) return line;
  return line.replace(LEADING_TIMESTAMP, "");
}

/** For a `gh run view --log` line: the step name and the message after the timestamp. */
export function splitGhCliPrefix(line: string): { step: string; message: string } | null {
  if (line.indexOf("\t") === -1) return null;
  const m = GH_CLI_PREFIX.exec(line);
  return m ? { step: m[2], message: line.slice(m[0].length) } : null;
}

/** Decodes a latin1-scanned line back to the UTF-8 text it was. */
export function latin1ToUtf8(line: string): string {
  // Pure ASCII needs no work (the common case).
  for (let i = 0; i < line.length; i++) {
    if (line.charCodeAt(i) > 127) return Buffer.from(line, "latin1").toString("utf8");
  }
  return line;
}
