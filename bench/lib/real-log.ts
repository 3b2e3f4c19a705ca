import { createWriteStream, readFileSync } from "node:fs";
import { once } from "node:events";
import { gunzipSync } from "node:zlib";
import type { CorpusCase } from "./corpus-cases.js";

// Real CI logs for the speed benchmark: every log of the corpus, as it was (CRLF, colour codes, progress bars),
// one after another, again and again until the file is `bytes` long. Real logs are less kind than the synthetic
// one: far more lines hold an error word, lines are longer, and formats vary.

export async function writeRealLog(file: string, cases: CorpusCase[], bytes: number): Promise<number> {
  if (cases.length === 0) throw new Error("no corpus logs to build the real log from");
  const logs = cases.map((c) => gunzipSync(readFileSync(c.logPath)));
  const out = createWriteStream(file);
  let written = 0;
  while (written < bytes) {
    for (const log of logs) {
      if (!out.write(log)) await once(out, "drain");
      written += log.length;
      // A log that does not end with a line break would run into the next one.
      if (log.length > 0 && log[log.length - 1] !== 10) {
        out.write("\n");
        written++;
      }
      if (written >= bytes) break;
    }
  }
  out.end();
  await once(out, "finish");
  return written;
}
