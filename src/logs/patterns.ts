// How much a line says about a failure, from the conventions of common toolchains. Scores: 0 = nothing,
// higher = more telling. The rules are about log structure and tool output formats, never about one project.

import { anyOf, matchesAny } from "./any-of.js";

export { commandName, isContinuation } from "./line-forms.js";

export const enum Kind {
  None = 0,
  /** Error/failure wording: a candidate for the excerpt. */
  Hit = 1,
  /** The CI's own "this step failed" line: ends the failing step. */
  StepFailed = 2,
  /** Starts a block whose following lines belong to it (stack trace, test failure report, diagnostic). */
  BlockStart = 3,
  /** A test runner's or linter's closing count of failures ("2 failed, 40 passed", "Found 3 errors"). */
  Summary = 4,
}

export interface LineClass {
  kind: Kind;
  score: number;
}

const NONE: LineClass = { kind: Kind.None, score: 0 };

/**
 * A line is classified and shaped by its first this many characters. Whoever controls a build writes its log, and
 * some rules backtrack in time quadratic in a line's length: one hostile 64 KB line took PATHLIKE ~35 s and
 * EXCEPTION_LINE ~6 s, on the event loop (test/security/log-redos.test.ts). Report lines say what they are near
 * their start; the line kept in the excerpt is still the whole line.
 */
export const MAX_CLASSIFIED_CHARS = 1024;

// Lines are scanned as latin1 (one char per byte), so a pattern's non-ASCII characters must be written the same
// way: "✗" becomes the three chars of its UTF-8 bytes. Alternations, never character classes, hold them.
function l1(re: RegExp): RegExp {
  return new RegExp(Buffer.from(re.source, "utf8").toString("latin1"), re.flags);
}

// Cheap gate: a line without any of these substrings is not an error line (checked case-insensitively).
const GATE = l1(
  /err|fail|exception|fatal|panic|abort|traceback|exit|denied|not found|cannot|can't|unable|undefined|invalid|missing|expected|assert|warn|timed? ?out|killed|segmentation|✖|✗|×|❌|●|\*\*\*|^\s*E\s|^\s*\d+\) |^[-_=]{3,}|not ok|unresolved|refused|no such|unknown|incompatible|conflict|mismatch|violation|offense|problem|broken|wrong|could not|couldn't|deprecat|crash/i,
);

/**
 * The words of the gate for whole chunks of log text: far faster than testing line by line. A line is flagged
 * when one of them starts in it. Case variants are spelled out and word stems dropped to the part that varies
 * least, and the list is kept to the stems that decide; the anchored alternatives of GATE are checked by
 * `flaggedAtLineStart` instead. Lines it misses only lose weak words ("unknown", "deprecated"), which matter as
 * context, not as anchors.
 *
 * The groups are for the SIMD prefilter of `ChunkGate` (chunk-gate.ts), which tests the first four letters of
 * a group's words together, each letter by its two nibbles: a group whose words differ in many nibbles also
 * fits text made of their mixtures. The grouping was searched for the fewest positions reaching the exact check
 * on the corpus (where everyday words such as "time", "data", "under" and runs of "###" fit the old one; 1 in
 * 11 of those positions was a word start with the old grouping on three letters, 2 in 5 now). Grouping changes
 * speed only, never which lines are flagged.
 */
export const CANDIDATE_WORD_GROUPS: readonly (readonly string[])[] = [
  ["o such", "rash", "raceback", "issing"],
  ["imed out", "imeout", "ould not", "ot found", "ot ok", "illed"],
  ["anic", "enied", "annot", "nknown", "egmentation", "bort"],
  ["xit", "ssert", "xcept", "xpect"],
  ["fail", "ATAL", "nvalid", "atal", "Fail", "FAIL", "nable", "ndefined"],
  ["×", "●", "❌"],
  ["arn", "✖", "***", "ARN"],
  ["err", "efused", "ERR", "Err", "✗"],
].map((group) => group.map((word) => Buffer.from(word, "utf8").toString("latin1")));

/** The same words as one regex (flags "g"): the slow way to the same lines, where WebAssembly cannot run. */
export const CANDIDATE_IN_CHUNK = new RegExp(
  CANDIDATE_WORD_GROUPS.flat()
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("|"),
  "g",
);
export const CANDIDATE_LINE = GATE;

/**
 * The anchored part of GATE, by character codes: "E   " (pytest), "1) " (mocha, rspec), "___"/"==="/"---".
 * chunk-gate.wat ($atLineStart) does the same on bytes; test/logs/chunk-gate.test.ts holds the two together.
 */
export function flaggedAtLineStart(text: string, start: number, end: number): boolean {
  let p = start;
  const limit = Math.min(end, start + 16);
  while (p < limit && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  if (p >= end) return false;
  const c = text.charCodeAt(p);
  if (c === 69) return p + 1 < end && (text.charCodeAt(p + 1) === 32 || text.charCodeAt(p + 1) === 9); // E
  if (c >= 48 && c <= 57) {
    while (p < end && text.charCodeAt(p) >= 48 && text.charCodeAt(p) <= 57) p++;
    return p + 1 < end && text.charCodeAt(p) === 41 && text.charCodeAt(p + 1) === 32; // ")"
  }
  if ((c === 95 || c === 61 || c === 45) && p === start && p + 2 < end) {
    return text.charCodeAt(p + 1) === c && text.charCodeAt(p + 2) === c; // ___ === ---
  }
  return false;
}

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
  /^\s*--- FAIL: /,
  /^\S.*(?:Error|Exception|error|exception)(?::|$)/,
  /\berror(?:\[E\d+\])?:/,
  /^(?:In file included from|In function )/,
  /^CMake Error/,
  /^=(?:ERROR|CRASH|SUPERVISOR) REPORT====|^\w+:\w+ failed$|^Running the tests in .* failed\.$/,
  /^\s*(?:not ok|# Failed test)\b/,
  /^\s*\S+ > .* (?:FAILED|FAILURE)\b/,
  /\[FAIL(?:ED)?\]|\*\*\* FAILED \*\*\*/,
  /^\s*(?:✖|✗|×|❌)/,
  /^\s*(?:Failure|Error):?\s*$/,
].map(l1);

// Tier 1: a test runner, compiler or build tool saying that something failed, in its own format.
const DECISIVE: RegExp[] = [
  /^##\[error\]|^::error\b|^fatal: |^FATAL: |^Fatal error: /,
  /^\s*--- FAIL: |^FAIL:? |^FAILED:? |^ERROR:? |\bFAILED\b.*::|::\S+ FAILED\b/,
  /\S:\d+(?::\d+)?:? (?:fatal )?error(?:\[E\d+\])?:|^error(?:\[E\d+\])?: |\berror (?:TS|CS|FS|BC)\d+:|^\S+\(\d+,\d+\): error /,
  /\bpanicked at\b|^panic: |^Traceback \(most recent call last\)|^Exception in thread |^Unhandled exception/,
  /\*\*\* FAILED \*\*\*|\*\*\* FAILED test|<<< FAIL(?:URE)?!?|\[FAIL(?:ED)?\]|\bTest Failed\b|^\s*not ok \d/,
  /^\s*(?:✖|✗|×|❌|●)\s|^\s*\d+\) \S/,
  /\bnpm ERR!|\bERR_PNPM_|^error Command failed|\brake aborted!|^make(?:\[\d+\])?: \*\*\*|\bBUILD FAIL(?:ED|URE)\b|^FAILURE: /,
  /^(?:Failures|Errors|Failed tests|Tests in error|failures):\s*$|^=+ (?:FAILURES|ERRORS) =+$|^_{3,} .+ _{3,}$/,
  /^\s*(?:Failure|Error|Failure\/Error):|^\s*(?:Assertion ?Error|AssertionFailedError)\b/,
  /^CMake Error|^=(?:ERROR|CRASH) REPORT====|^\w+:\w+ failed$|^Running the tests in .* failed\.$|^\s*\S+ > .* FAILED$|^E\s{2,}\S|\bDubious, test returned\b|^Failed \d+\/\d+ (?:subtests|test programs)/,
  /\b(?:command not found|No such file or directory|Permission denied|Segmentation fault|core dumped|Out of memory)\b/,
].map(l1);

// Tier 1b: an exception's class name opening a line. Services under test print these all the time, so they weigh
// less than a test runner's or compiler's own report. As written, the class name must follow something on the
// line ("java.lang.Foo…", "E   ValueError:"): one at column 0 is left to the free-text tier (measured: letting it
// match there lowers recall a little on the development corpus).
const EXCEPTION_LINE = l1(/^\S.*\b(?:\w+\.)*(?:[A-Z]\w*)?(?:Error|Exception)(?::|$)/);

// Tier 2: error wording in free text.
const STRONG: RegExp[] = [
  /\b(?:ERROR|FATAL|FAILURE|FAILED|FAIL)\b/,
  /(?:Error|Exception)\b/, // the end of a word ("ValueError"): where the word starts does not matter
  /\b(?:error|fatal)\b/i,
  /\bfail(?:ed|s|ing|ures?)?\b/i,
  /\bassert(?:ion)?\b|\bexpected\b.*\b(?:got|but|received)\b/i,
  /\b(?:timed out|timeout|deadline exceeded|not found|cannot find|could not|couldn't|unable to|unresolved)\b/i,
  /\bexit(?:ed)? (?:code|status|with)[ :]*[1-9]/i,
];

// Tier 3: words that may matter beside a failure.
const WEAK: RegExp[] = [
  /\bwarn(?:ing)?\b|\bdeprecat/i,
  /\b(?:cannot|can't|invalid|missing|undefined|unknown|incompatible|conflict|mismatch|refused|denied|broken)\b/i,
];

// Wording that contains error words but reports success or nothing wrong.
const BENIGN =
  /\b0 (?:errors?|failures?|failed|failing)\b|\b(?:errors?|failures?|failed)[:=]\s*0\b|\bno (?:errors|failures|offenses)\b|^(?!.*\b[Ff]ail).*-Werror|\berror_reporting|\bErrorProne\b|\bfail-fast\b|\b--?(?:no-)?fail|\bcontinue-on-error\b|\bignore[-_]errors?\b|\bif-no-files-found\b|\bset -e|\bxfail|\bexpected failures?\b/i;

// Application log records ("12:00:01 [info] …", "DEBUG foo: …"): services under test log errors all the time;
// they matter far less than what the test runner reports.
const APP_LOG =
  /^(?:\S+ )?(?:\w{3} +\d+ )?\d\d:\d\d:\d\d(?:[.,]\d+)?\b|^\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d|^\s*(?:\[(?:DEBUG|INFO|TRACE|debug|info|trace)\]|(?:DEBUG|INFO|TRACE)\b)|\blevel=(?:debug|info|warn|error)\b/;

// Closing counts, per toolchain family: pytest, jest/vitest, mocha, go, cargo/nextest, JUnit/Maven/Gradle,
// RSpec/minitest, PHPUnit, dotnet, mypy/tsc/eslint/rubocop, TAP, generic "N errors".
const SUMMARY: RegExp[] = [
  /^=+ .*\b\d+ (?:failed|errors?)\b.* =+$/,
  /^(?:Tests|Test Suites|Test Files):\s+.*\b[1-9]\d* failed\b/,
  /^\s*[1-9]\d* (?:failing|failed)\b/,
  /\btest result: FAILED\b|\b[1-9]\d* tests? failed\b|\b\d+ tests run: .*\b[1-9]\d* failed/,
  /\bTests run: \d+, Failures: \d+, Errors: \d+.*(?:FAIL|<<<)|^Tests run: \d+, Failures: [1-9]|^Tests run: \d+, Failures: \d+, Errors: [1-9]/,
  /^\d+ (?:examples?|tests?|runs?), \d+ (?:failures?|assertions?)/,
  /\b[1-9]\d* (?:examples?|tests?), [1-9]\d* failures?\b/,
  /^(?:FAILURES!|ERRORS!)$|^Tests: \d+, Assertions: \d+, (?:Failures|Errors): [1-9]/,
  /^\s*(?:Failed|Failed!) +- Failed: +[1-9]|^Total tests: \d+.*Failed: [1-9]/,
  /^Found [1-9]\d* errors? in \d+ files?|^[1-9]\d* errors? (?:generated|found)|\b[1-9]\d* problems? \(/,
  /^✖ [1-9]\d* problems?|^\d+ files? inspected, [1-9]\d* offen[cs]es? detected/,
  /^FAILED \(.*(?:failures|errors)=[1-9]|^# fail +[1-9]/,
  /^FAIL\s*$|^FAIL	\S|^BUILD FAILED|^BUILD FAILURE|^\[ERROR\] BUILD FAILURE|^FAILURE: Build failed/,
  // Three dots, not {3,}: the same lines (rules are only tested), but a run of progress dots is no longer tried from
  // each of its dots to its end (measured: a third of the unanchored SUMMARY rules' time on real logs).
  /\.{3}\s*Failed$|\.{3}\s*FAILED$/,
].map(l1);

const EXCEPTION_SCORE = 4;

const ANY_STEP_FAILED = anyOf(STEP_FAILED);
const ANY_DECISIVE = anyOf(DECISIVE);
const ANY_STRONG = anyOf(STRONG);
const ANY_WEAK = anyOf(WEAK);
const ANY_BLOCK_START = anyOf(BLOCK_START);
const ANY_GATE = anyOf([GATE]);
const ANY_APP_LOG = anyOf([APP_LOG]);

// The unanchored rules of SUMMARY and the -Werror rule of BENIGN scan the whole line from every word boundary,
// yet need literals most lines do not hold: those are looked for first (measured: a fifth of classify's time).
const SUMMARY_AT_START = anyOf(SUMMARY, "anchored");
const SUMMARY_ANYWHERE = anyOf(SUMMARY, "anywhere");
const BENIGN_AT_START = anyOf([BENIGN], "anchored");
const BENIGN_ANYWHERE = anyOf([BENIGN], "anywhere");

/** Whether a SUMMARY rule can match: every unanchored one holds one of these literals. */
function isSummary(text: string): boolean {
  if (matchesAny(SUMMARY_AT_START, text)) return true;
  const mayBe =
    text.includes("est") || // " test", "Tests run: ", "test result: FAILED"
    text.includes(" example") ||
    text.includes(" problem") ||
    text.includes("...");
  return mayBe && matchesAny(SUMMARY_ANYWHERE, text);
}

function isBenign(text: string): boolean {
  // BENIGN is case-insensitive: "-Werror" may be written "-WERROR" or "-werror".
  return matchesAny(BENIGN_ANYWHERE, text) || ((text.includes("-W") || text.includes("-w")) && matchesAny(BENIGN_AT_START, text));
}

export function classify(line: string): LineClass {
  const text = line.length > MAX_CLASSIFIED_CHARS ? line.slice(0, MAX_CLASSIFIED_CHARS) : line;
  if (text.length === 0 || !matchesAny(ANY_GATE, text)) return NONE;
  if (matchesAny(ANY_STEP_FAILED, text)) return { kind: Kind.StepFailed, score: 10 };
  if (isSummary(text)) return { kind: Kind.Summary, score: 9 };
  let score = 0;
  if (matchesAny(ANY_DECISIVE, text)) score = 6;
  // The literal first: the regex backtracks through the whole line from every word boundary.
  else if ((text.includes("Error") || text.includes("Exception")) && EXCEPTION_LINE.test(text)) score = EXCEPTION_SCORE;
  const decisive = score > 0;
  // Strong wording counts twice when two rules see it ("FAILED: AssertionError"); the loop runs only on a hit.
  if (score === 0 && matchesAny(ANY_STRONG, text)) for (const re of STRONG) if (re.test(text) && (score += 2) >= 4) break;
  if (score === 0 && matchesAny(ANY_WEAK, text)) score = 1;
  if (score === 0) return NONE;
  if (isBenign(text)) score = Math.max(0, score - 4);
  if (!decisive && matchesAny(ANY_APP_LOG, text)) score = Math.min(score, 1);
  if (score === 0) return NONE;
  return { kind: matchesAny(ANY_BLOCK_START, text) ? Kind.BlockStart : Kind.Hit, score };
}
