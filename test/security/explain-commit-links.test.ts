import { describe, expect, it } from "vitest";
import type { ExplainReport } from "../../src/agent/explain-report.js";
import { citedShas, renderExplainAnswer, type ExplainFacts } from "../../src/pipeline/ask/explain-render.js";

// The renderer links a commit only when git found it in the history the agent read (the facts' `commits` map,
// made by workspace/history-commits.ts), and only ever into this GitHub host.
const WEB = "https://github.example";
const REAL = "c456d3da33a8f51ba6b608b3ec2e436a48adca16";
const facts = (commits: Record<string, string>): ExplainFacts => ({
  webBaseUrl: WEB,
  repoFullName: "octo/app",
  sha: "b".repeat(40),
  files: { exists: () => false, hasLine: () => false },
  commits: new Map(Object.entries(commits)),
  spend: { agent: "codex", model: null, tokens: 10, costUsd: null, stop: null },
  durationMs: 1000,
});
const report = (r: Partial<ExplainReport>): ExplainReport => ({ answer: "Because.", references: [], commits: [], ...r });

describe("explain commit links", () => {
  it("a commit git found → linked by its full sha, with its PR, in the list and inline", () => {
    const body = renderExplainAnswer(
      report({ answer: "Added in `c456d3da`.", commits: [{ sha: "C456D3DA33", pull_request: 12, note: "VEND-4411" }] }),
      facts({ c456d3da33: REAL, c456d3da: REAL }),
    );
    expect(body).toContain(`- [\`c456d3da33\`](${WEB}/octo/app/commit/${REAL}) ([#12](${WEB}/octo/app/issues/12)) VEND-4411`);
    expect(body).toContain(`[\`c456d3da\`](${WEB}/octo/app/commit/${REAL})`);
  });

  it("[S4.20] a cited sha that is not in the checked-out history (made up, another branch's) → not linked, only counted", () => {
    const fake = "0123456789abcdef0123456789abcdef01234567";
    const body = renderExplainAnswer(
      report({ answer: `See \`${fake}\`.`, commits: [{ sha: fake, pull_request: 5, note: "made up" }] }),
      facts({}),
    );
    expect(body).not.toContain("/commit/");
    expect(body).not.toContain("made up");
    expect(body).toContain(`\`${fake}\``);
    expect(body).toContain("1 commit not in the checked-out history left out.");
  });

  it("[S4.21] a link to another host in the answer or in a commit's note → shown as inline code, no link produced", () => {
    const body = renderExplainAnswer(
      report({
        answer: "Read [the post-mortem](https://evil.example/pm) and https://evil.example/x.",
        commits: [{ sha: REAL, pull_request: null, note: "[details](https://evil.example/c)" }],
      }),
      facts({ [REAL]: REAL }),
    );
    expect(body).not.toMatch(/\]\(https?:\/\/(?!github\.example)/);
    expect(body).toContain("`https://evil.example/pm`");
    expect(body).toContain("`https://evil.example/c`");
    expect(body).toContain(`(${WEB}/octo/app/commit/${REAL})`);
  });

  it("[S4.22] a ref name in code (HEAD~1, main), even one the map held → never a commit link; `#12` links into this repository only", () => {
    const body = renderExplainAnswer(
      report({ answer: "See `HEAD~1`, `main`, `other/repo#12` and `#12`." }),
      facts({ "head~1": REAL, main: REAL }),
    );
    expect(body).not.toContain("/commit/");
    expect(body).toContain(`[\`#12\`](${WEB}/octo/app/issues/12)`);
    expect(body).not.toContain("other/repo/issues");
  });

  it("citedShas takes the commits and sha-looking code spans of the answer, lowercased and deduplicated", () => {
    expect(
      citedShas(
        report({
          answer: "`ABCDEF1` and `abcdef1` and `xyz1234` and `src/a.ts:3`",
          commits: [{ sha: "1234567", pull_request: null, note: "" }],
        }),
      ),
    ).toEqual(["1234567", "abcdef1"]);
  });
});
