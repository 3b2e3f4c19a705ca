// Run in a child process by the benchmark so that its peak RSS is the reducer's alone. Prints wall seconds and
// CPU seconds: on a shared machine the wall clock also counts time spent waiting for a core.
import { openLogFile, reduceLog } from "../../src/logs/reduce.js";

const file = process.argv[2];
const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
const reduced = await reduceLog(openLogFile(file));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const used = process.cpuUsage(cpu);
const cpuSeconds = (used.user + used.system) / 1e6;
process.stdout.write(JSON.stringify({ seconds, cpuSeconds, maxRssKb: process.resourceUsage().maxRSS, lines: reduced.lines.length }) + "\n");
