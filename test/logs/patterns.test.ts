import { describe, expect, it } from "vitest";
import { lineShape } from "../../src/logs/line-shape.js";
import { classify as classifyScanned, isContinuation, Kind } from "../../src/logs/patterns.js";

// The reducer scans logs as latin1 (one char per byte); feed the lines the way it sees them.
const classify = (line: string) => classifyScanned(Buffer.from(line, "utf8").toString("latin1"));

// One or more real-looking lines per toolchain family; each must be recognised as telling.
const FAILURE_LINES: Record<string, string[]> = {
  "GitHub Actions": ["##[error]Process completed with exit code 1.", "##[error]The operation was canceled."],
  Travis: ['The command "npm test" exited with 1.'],
  "C/C++ compilers": ["src/main.c:12:5: error: 'foo' undeclared (first use in this function)", "make: *** [all] Error 2"],
  TypeScript: ["src/index.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."],
  Rust: ["error[E0308]: mismatched types", "thread 'main' panicked at src/main.rs:2:5:", "test result: FAILED. 1 passed; 1 failed"],
  Go: [
    "--- FAIL: TestParse (0.00s)",
    "    --- FAIL: TestParse/empty_input (0.00s)",
    "panic: runtime error: index out of range [3] with length 3",
  ],
  "Jest/Vitest": ["FAIL src/api.test.ts", "Tests:       1 failed, 41 passed, 42 total", "  ● api › returns 200"],
  Mocha: ["  2 failing", "  1) Array #indexOf() should return -1 when not present:"],
  Pytest: ["FAILED tests/test_x.py::test_add - assert 1 == 2", "E       assert 1 == 2", "=== 1 failed, 3 passed in 0.12s ==="],
  "Python traceback": ["Traceback (most recent call last):", "ValueError: invalid literal for int() with base 10: 'x'"],
  "Java JUnit/Maven/Gradle": [
    "Tests run: 5, Failures: 1, Errors: 0, Skipped: 0",
    "[ERROR] BUILD FAILURE",
    "FooTest > bar() FAILED",
    'Exception in thread "main" java.lang.NullPointerException',
  ],
  "Ruby RSpec/minitest": ["Failure/Error: expect(x).to eq(10)", "3 examples, 1 failure", "rake aborted!"],
  "C# dotnet": [
    "Failed!  - Failed:     1, Passed:    10, Skipped:     0, Total:    11",
    "Program.cs(5,13): error CS0103: The name 'x' does not exist",
  ],
  PHPUnit: ["FAILURES!", "Tests: 10, Assertions: 20, Failures: 1."],
  Linters: [
    "✖ 3 problems (3 errors, 0 warnings)",
    "Found 2 errors in 1 file (checked 3 source files)",
    "12 files inspected, 2 offenses detected",
  ],
  "Package managers": [
    "npm ERR! code ERESOLVE",
    " ERR_PNPM_OUTDATED_LOCKFILE  Cannot install",
    "ERROR: Could not find a version that satisfies the requirement foo",
  ],
  "Scala sbt": ["[info] - parses the header *** FAILED ***"],
  "Erlang OTP": ["=ERROR REPORT==== 5-Jul-2019::07:41:12 ===", "ejabberd_SUITE:init_per_group failed"],
  "R CMD check": ["Running the tests in ‘tests/test-all.R’ failed."],
  Docker: ['ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2'],
};

describe("classify", () => {
  for (const [family, lines] of Object.entries(FAILURE_LINES)) {
    it(`recognises ${family} failures`, () => {
      for (const line of lines) expect(classify(line).score, line).toBeGreaterThan(0);
    });
  }

  it("marks the CI's own failure lines as the end of the failing step", () => {
    expect(classify("##[error]Process completed with exit code 2.").kind).toBe(Kind.StepFailed);
    expect(classify('The command "bundle exec rake" exited with 1.').kind).toBe(Kind.StepFailed);
  });

  it("reads a runner's dotted result line as a summary only after three dots or more, at the line's end", () => {
    for (const line of ["test_io ...Failed", "test_io ........ FAILED", "check ..........\tFailed"])
      expect(classify(line).kind, line).toBe(Kind.Summary);
    for (const line of ["test_io ..Failed", "test_io ....... Failed later", "test_io ....... ok"])
      expect(classify(line).kind, line).not.toBe(Kind.Summary);
    // A long run of progress dots is scanned once, not from each dot (the rule once took quadratic time).
    const started = performance.now();
    expect(classify("warning: " + ".".repeat(200_000) + " ok").kind).not.toBe(Kind.Summary);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("recognises closing summaries", () => {
    expect(classify("Tests:       1 failed, 41 passed, 42 total").kind).toBe(Kind.Summary);
    expect(classify("=== 1 failed, 3 passed in 0.12s ===").kind).toBe(Kind.Summary);
  });

  it("does not mistake a failure caused by -Werror for a compiler flag", () => {
    expect(classify("Failing due to -Werror.").score).toBeGreaterThan(0);
    expect(classify("gcc -Wall -Werror -c foo.c").score).toBe(0);
  });

  it("ignores ordinary and success lines", () => {
    for (const line of ["Compiling foo v0.1.0", "npm http fetch GET 200", "Tests: 0 failed, 12 passed", "0 errors, 0 warnings"]) {
      expect(classify(line).score, line).toBe(0);
    }
  });

  it("opens a block at failure reports whose details follow on the next lines", () => {
    for (const line of [
      "[info] - parses the header *** FAILED ***",
      "=CRASH REPORT==== 5-Jul-2019::07:41:12 ===",
      "my_SUITE:init_per_suite failed",
      "    --- FAIL: TestParse/empty_input (0.00s)",
    ]) {
      expect(classify(line).kind, line).toBe(Kind.BlockStart);
    }
  });

  it("weighs a bare exception line below a test runner's report, and needs a class name for it", () => {
    expect(classify("java.lang.IllegalStateException: boom").score).toBeGreaterThan(0);
    expect(classify("java.lang.IllegalStateException: boom").score).toBeLessThan(classify("--- FAIL: TestX (0.1s)").score);
    // A lower-case identifier that ends in "Error" is a function or a variable, not an exception being reported.
    expect(classify("> ### Aliases: safeError").score).toBeLessThan(classify("> raised java.lang.IllegalStateException: boom").score);
  });

  it("scores application log records below the test runner's own reports", () => {
    expect(classify("12:00:01.123 [error] connection reset").score).toBeLessThan(classify("--- FAIL: TestX (0.1s)").score);
  });
});

describe("isContinuation", () => {
  it("sees through sbt and Maven level tags, where only indentation continues a block", () => {
    expect(isContinuation("[info]   at com.example.Foo.bar(Foo.scala:12)")).toBe(true);
    expect(isContinuation("[error] \tcom.example.FooTest")).toBe(true);
    expect(isContinuation("[info] - the next test")).toBe(false);
    expect(isContinuation("[info] Compiling 3 Scala sources")).toBe(false);
  });

  it("continues Erlang reports and R's quoted test output", () => {
    expect(isContinuation("** Reason == {timeout,{gen_server,call,")).toBe(true);
    expect(isContinuation("Reason: {test_case_failed,oops}")).toBe(true);
    expect(isContinuation("Last 13 lines of output:")).toBe(true);
  });
});

describe("lineShape", () => {
  it("maps look-alike error lines to one shape", () => {
    const a = lineShape('pandas/a.py:12: error: Module has no attribute "x"  [attr-defined]');
    const b = lineShape('pandas/b.py:99: error: Module has no attribute "y"  [attr-defined]');
    expect(a).toBe(b);
  });
});
