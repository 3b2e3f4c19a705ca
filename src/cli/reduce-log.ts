import { existsSync } from "node:fs";
import { z } from "zod";
import { openLogFile, reduceLog } from "../logs/reduce.js";

const USAGE = "usage: codex-dispatch reduce-log FILE|- [--max-lines N] [--passing FILE]\n";

const Args = z.object({
  file: z.string().min(1),
  maxLines: z.coerce.number().int().min(3).max(100_000).optional(),
  passing: z.string().min(1).optional(),
});

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `codex-dispatch reduce-log`: prints the excerpt of a CI log (plain or gzipped, "-" for stdin). */
export async function reduceLogCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseArgs(args);
  if ("error" in parsed) {
    io.stderr.write(`reduce-log: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const { file, maxLines, passing } = parsed;
  for (const f of [file, passing]) {
    if (f !== undefined && f !== "-" && !existsSync(f)) {
      io.stderr.write(`reduce-log: no such file: ${f}\n`);
      return 2;
    }
  }
  const reduced = await reduceLog(openLogFile(file), {
    maxLines,
    passing: passing === undefined ? null : openLogFile(passing),
  });
  await write(io.stdout, reduced.text + "\n");
  return 0;
}

function parseArgs(args: string[]): z.infer<typeof Args> | { error: string } {
  const raw: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--max-lines" || a === "--passing") {
      const value = args[i + 1];
      if (value === undefined) return { error: `${a} needs a value` };
      raw[a === "--max-lines" ? "maxLines" : "passing"] = value;
      i++;
    } else if (a.startsWith("--max-lines=")) raw.maxLines = a.slice(12);
    else if (a.startsWith("--passing=")) raw.passing = a.slice(10);
    else if (a.startsWith("-") && a !== "-") return { error: `unknown option ${a}` };
    else positional.push(a);
  }
  if (positional.length !== 1) return { error: positional.length === 0 ? "FILE is missing" : "only one FILE" };
  if (raw.passing === "-" && positional[0] === "-") return { error: "stdin cannot be both the log and --passing" };
  const parsed = Args.safeParse({ file: positional[0], ...raw });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${issue.path.join(".") === "maxLines" ? "--max-lines" : issue.path.join(".")}: ${issue.message}` };
  }
  return parsed.data;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}
