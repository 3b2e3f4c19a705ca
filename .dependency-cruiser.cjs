// Import rules checked by `npm test` (npm run lint:deps): no cycles, and each boundary has one owner.
// `npm run lint:deps` runs these twice: file by file, and with each folder collapsed to one node, so that
// no-circular also means no folder imports one that imports it back.
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "no folder imports one that imports it back", from: {}, to: { circular: true } },
    {
      name: "octokit-only-in-github",
      severity: "error",
      comment: "only src/github talks to GitHub's client library",
      from: { path: "^src/", pathNot: "^src/github/" },
      to: { path: "node_modules/@octokit/" },
    },
    {
      name: "database-only-in-jobs",
      severity: "error",
      comment: "only src/jobs opens the database and the queue",
      from: { path: "^src/", pathNot: "^src/jobs/" },
      to: { path: "node_modules/(pg|pg-boss|@electric-sql/pglite)/" },
    },
    {
      name: "processes-only-in-owners",
      severity: "error",
      comment: "child processes are started only by the one runner in src/process (group kill, time limit, redacted errors)",
      from: { path: "^src/", pathNot: "^src/process/" },
      to: { path: "node_modules/execa/|^child_process$|^node:child_process$" },
    },
    {
      name: "process-runner-is-a-leaf",
      severity: "error",
      comment: "the process runner knows no app code, only how to clean the text it reports",
      from: { path: "^src/process/" },
      to: { path: "^src/", pathNot: "^src/(process|text-safety)/" },
    },
    {
      name: "handlers-stay-thin",
      severity: "error",
      comment: "webhook handlers validate and enqueue: no pipeline, agent or workspace code",
      from: { path: "^src/handlers/" },
      to: { path: "^src/(pipeline|agent|workspace)/" },
    },
    {
      name: "text-safety-is-a-leaf",
      severity: "error",
      comment: "the one place that cleans text depends on nothing of the app",
      from: { path: "^src/text-safety/" },
      to: { path: "^src/", pathNot: "^src/text-safety/" },
    },
    {
      name: "logs-reducer-is-self-contained",
      severity: "error",
      comment: "the log reducer reads bytes and uses only text-safety",
      from: { path: "^src/logs/" },
      to: { path: "^src/", pathNot: "^src/(logs|text-safety)/" },
    },
    {
      name: "app-does-not-ship-the-demo",
      severity: "error",
      comment: "the GitHub stand-in and scripted model (demo/) are test doubles: only the `demo` command loads them, lazily",
      from: { path: "^src/", pathNot: "^src/cli\\.ts$" },
      to: { path: "^demo/" },
    },
    {
      name: "job-kinds-stay-apart",
      severity: "error",
      comment: "each job kind's folder uses the shared steps, never another kind's folder",
      from: { path: "^src/pipeline/(triage|fix|ask|command|maintenance|plan)/" },
      to: { path: "^src/pipeline/(triage|fix|ask|command|maintenance|plan)/", pathNot: "^src/pipeline/$1/" },
    },
    {
      name: "mcp-is-an-entry",
      severity: "error",
      comment: "the MCP server is an entry point like the web routes: only main.ts and cli.ts load it, nothing depends on it",
      from: { path: "^src/", pathNot: "^src/(mcp/|main\\.ts$|cli\\.ts$)" },
      to: { path: "^src/mcp/" },
    },
    {
      name: "steps-are-shared",
      severity: "error",
      comment: "shared steps know no job kind",
      from: { path: "^src/pipeline/steps/" },
      to: { path: "^src/pipeline/(triage|fix|ask|command|maintenance|plan)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
