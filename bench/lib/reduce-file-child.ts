// Run in a child process by the benchmark so that its peak RSS is the reducer's alone.
import { openLogFile, reduceLog } from "../../src/logs/reduce.js";

const file = process.argv[2];
const started = process.hrtime.bigint();
const reduced = await reduceLog(openLogFile(file));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({ seconds, maxRssKb: process.resourceUsage().maxRSS, lines: reduced.lines.length }) + "\n");
