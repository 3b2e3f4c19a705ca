// How much a line says about a failure, from the conventions of common toolchains. Scores: 0 = nothing,
// higher = more telling. The rules are about log structure and tool output formats, never about one project.

export const enum Kind {
  None = 0,
  /** Error/failure wording: a candidate for the excerpt. */
  Hit = 1,
  /** The CI's own "this step failed" line: ends the failing step. */
  StepFailed = 2,
  /** Starts a block whose following lines belong to it (stack trace, test failure report, diagnostic). */
  BlockStart = 3,
}

export interface LineClass {
  kind: Kind;
  score: number;
}

const NONE: LineClass = { kind: Kind.None, score: 0 };

// Cheap gate: a line without any of these substrings is not an error line (checked case-insensitively).
const GATE =
  /err|fail|exception|fatal|panic|abort|traceback|exit|denied|not found|cannot|can't|unable|undefined|invalid|missing|expected|assert|warn|timed? ?out|killed|segmentation|✖|✗|×|\*\*\*|^\s*E\s|^\s*\d+\) |^[-_=]{3,}|not ok|unresolved|refused|no such|unknown|incompatible|conflict|mismatch|violation|offense|problem|broken|wrong|could not|couldn't|stack|deprecat|\bat\b|crash/i;

const STEP_FAILED: RegExp[] = [
  /^The command ".*" (?:exited with [1-9]\d*|failed(?: and exited with [1-9]\d*)?(?: \d+ times)?)\.?/,
  /^##\[error\]Process completed with exit code [1-9]/,
  /^Error: Process completed with exit code [1-9]/,
  /^Your build has been stopped\.|^The job exceeded the maximum (?:time|log length)/,
  /^No output has been received in the last \d+m/,
];

const BLOCK_START: RegExp[] = [
  /^Traceback \(most recent call last\)/,
  /^Exception in thread /,
  /^\s*(?:thread '.*' panicked at|panicked at )/,
  /^goroutine \d+ \[/,
  /^\s*(?:Caused by:|Stack ?trace:)/i,
  /^[_=]{3,} .*(?:FAILURES|ERRORS|Error|error|failed|FAILED|test_\w+|Test\w*).* [_=]{3,}$/,
  /^_{3,} \S.* _{3,}$/,
  /^-{2,4} \S+ stdout -{2,4}$/,
  /^\s*\d+\) \S/,
  /^(?:Failures|Errors|Failed tests|Tests in error|failures):\s*$/,
  /^\s*●\s/,
  /^(?:FAIL|FAILED|ERROR)\b/,
  /^--- FAIL: /,
  /^\S.*(?:Error|Exception|error|exception)(?::|$)/,
  /\berror(?:\[E\d+\])?:/,
  /^(?:In file included from|In function )/,
  /^CMake Error/,
  /^\s*(?:not ok|# Failed test)\b/,
  /^\s*\S+ > .* (?:FAILED|FAILURE)\b/,
  /\[FAIL(?:ED)?\]/,
  /^\s*[✖✗×]/,
  /^\s*(?:Failure|Error):?\s*$/,
];

const STRONG: RegExp[] = [
  /^##\[error\]/,
  /^::error\b/,
  /\b(?:error|fatal error)(?:\[E\d+\]| [A-Z]{1,4}\d{2,5})?:/,
  /\b(?:ERROR|FATAL|FAILURE|FAILED|FAIL)\b/,
  /\bnpm ERR!|\bERR_PNPM_|\byarn error|\berror Command failed/i,
  /\b\w*(?:Error|Exception)\b(?::|$| in | at | raised)/,
  /\bpanicked\b|\bpanic:|^fatal:/,
  /\bfailed\b|\bfailing\b|\bfailures?\b/i,
  /\brake aborted|\bmake(?:\[\d+\])?: \*\*\*|\bBuild FAILED|\bBUILD FAILED/,
  /\bAssertion(?:Error)?\b|\bassert(?:ion)? failed\b|\bexpected\b.*\b(?:got|but|to|received)\b/i,
  /\b(?:Segmentation fault|core dumped|Killed|Out of memory|OOM|timed out|Timeout|deadline exceeded)\b/i,
  /\b(?:not found|No such file or directory|command not found|Permission denied|cannot find|could not find|unable to|Could not resolve|unresolved)\b/i,
  /\bexit(?:ed)? (?:code|status|with)[ :]*[1-9]/i,
  /^\s*E\s{2,}\S/,
  /[✖✗×] /,
  /^\s*not ok\b/,
  /\boffen[cs]es? detected\b|\bproblems? \(\d+ errors?/,
];

const WEAK: RegExp[] = [
  /\berror|\bwarn(?:ing)?\b|\bdeprecat/i,
  /\b(?:cannot|can't|invalid|missing|undefined|unknown|incompatible|conflict|mismatch|refused|denied|broken)\b/i,
];

// Wording that contains error words but reports success or nothing wrong.
const BENIGN =
  /\b0 (?:errors?|failures?|failed|failing)\b|\b(?:errors?|failures?|failed)[:=]\s*0\b|\bno (?:errors|failures|offenses)\b|-Werror|\berror_reporting|\bErrorProne\b|\bfail-fast\b|\b--?(?:no-)?fail|\bcontinue-on-error\b|\bignore[-_]errors?\b|\bif-no-files-found\b|\bset -e/i;

export function classify(text: string): LineClass {
  if (text.length === 0 || !GATE.test(text)) return NONE;
  for (const re of STEP_FAILED) if (re.test(text)) return { kind: Kind.StepFailed, score: 10 };
  const benign = BENIGN.test(text);
  let score = 0;
  for (const re of STRONG) if (re.test(text)) score += 3;
  if (score === 0) for (const re of WEAK) if (re.test(text)) score += 1;
  let block = false;
  for (const re of BLOCK_START) {
    if (re.test(text)) {
      block = true;
      score += 2;
      break;
    }
  }
  if (benign) score = Math.max(0, score - 4);
  if (score === 0) return NONE;
  return { kind: block ? Kind.BlockStart : Kind.Hit, score: Math.min(score, 9) };
}

/** Lines that continue the block above them: stack frames, indented detail, diff lines, carets. */
export function isContinuation(text: string): boolean {
  if (text.length === 0) return false;
  const c = text.charCodeAt(0);
  if (c === 32 || c === 9) return true; // indented
  return /^(?:at |\.\.\. \d+ more|Caused by|File "|\s*\^|[+-] |[|>] |E |from |\[\d+\]|#\d+ |\d+: |note:|help:|-->|= )/.test(text);
}

/** Command lines that start a new unit of work in plain logs (Travis echoes `$ cmd`). */
export function commandName(text: string): string | null {
  if (text.charCodeAt(0) === 36 && text.charCodeAt(1) === 32) return text.slice(2, 200);
  return null;
}
