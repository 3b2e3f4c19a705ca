import { parseArgs } from "node:util";

const HELP = `codex-dispatch: Codex triages failed CI runs and drafts fixes, as a GitHub App.

Usage:
  codex-dispatch start                          run the app (same as npm start)
  codex-dispatch demo [--scenario NAME] [--json]
                                                the whole pipeline offline: GitHub stand-in, local git
                                                remote, the real codex binary against a scripted model
                                                scenarios: ci-failure, issue-fix, command, maintenance, second-opinion, race, plan
  codex-dispatch demo --dashboard [--port N]    several scenarios into one database, the fix's PR merged, then the
                                                dashboard on 127.0.0.1:N (default 3000, 0: any) until Ctrl-C
  codex-dispatch reduce-log FILE|- [--max-lines N] [--passing FILE]
                                                the excerpt of a CI log that goes into the prompt
  codex-dispatch ask "<task>"|- [--cwd DIR] [--agent codex|claude] [--write [--apply]] [--json] [--model M]
                       [--timeout-minutes N]
                                                on this machine, with your own codex/claude login: answer a
                                                question about the repository (read-only), or --write a change
                                                in a throw-away checkout, print the diff, --apply it
  codex-dispatch triage --log FILE|- [--repo DIR] [--agent codex|claude] [--json]
                                                triage a CI log (.gz too) with your own login, reading the
                                                repository's HEAD in a throw-away checkout
  codex-dispatch doctor                         check codex and claude (--version), git, the database and its schema,
                                                the App key (GET /app), secrets, isolation
  codex-dispatch replay <event> <payload.json> [--url URL]
                                                send a payload to a running app as a signed delivery (WEBHOOK_SECRET
                                                from the environment or ./.env; default URL: this machine's app)
  codex-dispatch jobs [--repo owner/name] [--json] [--limit N]
                                                recent jobs and how they ended (their PR merged, closed, reverted),
                                                from the database (DATABASE_URL, else DATA_DIR)
  codex-dispatch mcp [--repo DIR …] [--timeout-minutes N]
                                                the MCP tools over stdio for a local agent: each task an ask run
                                                in a --repo folder (default: here), served as local/<folder>
  codex-dispatch mcp --url URL [--token T]      the MCP tools over stdio, bridged to a running app's /mcp
                                                (token: --token or CODEX_DISPATCH_TOKEN)
  codex-dispatch mcp-token --name N --repo owner/repo [--repo owner/*]
                                                mint a bearer token for the app's /mcp: prints it and its MCP_TOKENS entry
  codex-dispatch help
`;

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** The command line; returns the exit code. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      await import("./main.js");
      return new Promise<number>(() => {}); // the server keeps the process alive
    case "demo":
      return demoCommand(rest, io);
    case "reduce-log": {
      const { reduceLogCommand } = await import("./cli/reduce-log.js");
      return reduceLogCommand(rest, io);
    }
    case "ask": {
      const { askCommand } = await import("./cli/ask.js");
      return askCommand(rest, io);
    }
    case "triage": {
      const { triageLogCommand } = await import("./cli/triage-log.js");
      return triageLogCommand(rest, io);
    }
    case "doctor": {
      const { doctor } = await import("./cli/doctor.js");
      return doctor(io);
    }
    case "replay":
      return (await import("./cli/replay.js")).replayCommand(rest, io);
    case "jobs":
      return (await import("./cli/jobs.js")).jobsCommand(rest, io);
    case "mcp":
      return (await import("./mcp/cli.js")).mcpCommand(rest, io);
    case "mcp-token":
      return (await import("./mcp/cli.js")).mcpTokenCommand(rest, io);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    default:
      io.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

async function demoCommand(args: string[], io: Io): Promise<number> {
  let values: { scenario?: string; json?: boolean; dashboard?: boolean; port?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scenario: { type: "string", default: "ci-failure" },
        json: { type: "boolean", default: false },
        dashboard: { type: "boolean", default: false },
        port: { type: "string", default: "3000" },
      },
    }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  // The demo and its GitHub stand-in live in the top-level demo/ folder: they run from a checkout and are
  // left out of the Docker image, so a production install carries no fake GitHub.
  let demo: typeof import("../demo/run-demo.js");
  try {
    demo = await import("../demo/run-demo.js");
  } catch {
    io.stderr.write("The demo runs from a checkout of codex-dispatch (npm ci && npm run demo); this install does not include it.\n");
    return 2;
  }
  if (values.dashboard) return demoDashboardCommand(values.port ?? "3000", io);
  const { runDemo, DEMO_SCENARIOS } = demo;
  if (!DEMO_SCENARIOS.includes(values.scenario as never)) {
    io.stderr.write(`Unknown scenario "${values.scenario}". Scenarios: ${DEMO_SCENARIOS.join(", ")}\n`);
    return 2;
  }
  const result = await runDemo({ scenario: values.scenario as (typeof DEMO_SCENARIOS)[number] });
  io.stdout.write(values.json ? `${JSON.stringify(result.github, null, 2)}\n` : result.text);
  return result.ok ? 0 : 1;
}

async function demoDashboardCommand(portArg: string, io: Io): Promise<number> {
  const port = Number(portArg);
  if (!/^\d+$/.test(portArg) || port > 65535) {
    io.stderr.write(`--port takes a port number (0 for any free one), not "${portArg}"\n`);
    return 2;
  }
  const { startDemoDashboard } = await import("../demo/dashboard-demo.js");
  // Ctrl-C or SIGTERM ends it, while the scenarios run too: their database and folders are removed either way.
  const stopped = new AbortController();
  const stop = () => stopped.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const dashboard = await startDemoDashboard({ port, signal: stopped.signal, progress: (line) => io.stderr.write(`${line}\n`) });
    io.stdout.write(`${dashboard.summary}\nDashboard: ${dashboard.url}\n(Ctrl-C to stop; the demo database goes with it.)\n`);
    if (!stopped.signal.aborted) await new Promise((resolve) => stopped.signal.addEventListener("abort", resolve, { once: true }));
    await dashboard.close();
    return 0;
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n`);
    return stopped.signal.aborted ? 130 : 1;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
