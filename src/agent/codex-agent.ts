// Codex behind the Agent boundary: runCodex as it is, given the proxy's Responses base and the job token.
import type { Agent } from "./agent.js";
import { runCodex } from "./codex.js";

export function codexAgent(opts: { codexBin?: string } = {}): Agent {
  return {
    backend: "codex",
    run: (task, access) => runCodex({ ...task, codexBin: opts.codexBin, modelBaseUrl: access.responsesBaseUrl, modelToken: access.token }),
  };
}
