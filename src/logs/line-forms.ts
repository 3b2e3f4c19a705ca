// The forms of lines that continue a block or start a unit of work, by toolchain convention.

// sbt and Maven put a level tag before every line ("[info]   at …"); the block structure is in what follows it.
const LEVEL_TAG = /^\[(?:info|error|warn|INFO|ERROR|WARN|WARNING)\] /;

export function isContinuation(text: string): boolean {
  if (text.length === 0) return false;
  const c = text.charCodeAt(0);
  if (c === 32 || c === 9) return true; // indented
  if (c === 91 && LEVEL_TAG.test(text)) {
    const tag = text.indexOf("] ") + 2;
    // After the tag, only indentation continues a block: "[info] - next test" starts a new one.
    return text.charCodeAt(tag) === 32 || text.charCodeAt(tag) === 9;
  }
  return /^(?:\S+:\d+: in \S|\S+\.\w+:\d+: \w+|at |\.\.\. \d+ more|Caused by|File "|\s*\^|[+-] |[|>] |E |from |\[\d+\]|#\d+ |\d+: |note:|help:|-->|= |\*\* |Reason: |Last \d+ lines of output:)/.test(
    text,
  );
}

/** Command lines that start a new unit of work in plain logs (Travis echoes `$ cmd`). */
export function commandName(text: string): string | null {
  if (text.charCodeAt(0) === 36 && text.charCodeAt(1) === 32) return text.slice(2, 200);
  return null;
}
