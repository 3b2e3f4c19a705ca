// A repository whose "why" is only in the history: an early commit adds `retries: 2` and says why in its message
// (a vendor ticket); later commits touch other files, and one reformats the file, so `git blame` on today's line
// names the reformat and only the history (`git log -S`) finds the reason. For `/codex explain` archaeology.
import type { Harness } from "../harness.js";
import { setupIssueFix, type IssueFixSetup } from "./issue-fix.js";

export const RETRY_REASON = "Retry twice: the vendor API drops the first connection after 30 s idle (ticket VEND-4411)";
export const RETRY_TICKET = "VEND-4411";

export interface ExplainHistorySetup {
  issue: IssueFixSetup;
  /** The commit whose message holds the reason. */
  reasonSha: string;
  /** The commit that only reformatted src/vendor.js (what blame names today). */
  reformatSha: string;
}

export async function setupExplainHistory(h: Harness, opts: { repoName?: string } = {}): Promise<ExplainHistorySetup> {
  const issue = await setupIssueFix(h, { repoName: opts.repoName });
  const { remote } = issue;
  const reasonSha = await remote.commit(
    { "src/vendor.js": "export const vendorClient = { retries: 2, timeoutMs: 30000 };\n" },
    RETRY_REASON,
  );
  await remote.commit({ "README.md": "# demo\n\nSums numbers.\n" }, "Add a README");
  await remote.commit({ "src/log.js": "export const log = (...a) => console.log(...a);\n" }, "Add a logger");
  const reformatSha = await remote.commit(
    { "src/vendor.js": "export const vendorClient = {\n  retries: 2,\n  timeoutMs: 30000,\n};\n" },
    "Format src/vendor.js with prettier",
  );
  await remote.commit({ "README.md": "# demo\n\nSums numbers. Talks to the vendor API.\n" }, "README: mention the vendor");
  return { issue, reasonSha, reformatSha };
}
