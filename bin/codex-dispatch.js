#!/usr/bin/env node
// The command line runs the compiled code; `npm ci` builds it through the `prepare` script.
import { main } from "../dist/src/cli.js";

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
