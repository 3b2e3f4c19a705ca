import type { ApplicationFunction } from "probot";
import type { HandlerDeps } from "./handlers/deps.js";
import { onCheckRunCompleted } from "./handlers/check-run.js";
import { onWorkflowRunCompleted } from "./handlers/workflow-run.js";
import { healthHandler } from "./web/health.js";

/** The Probot app: wires webhook handlers and HTTP routes, nothing else. */
export function createApp(deps: HandlerDeps): ApplicationFunction {
  return (app, { addHandler }) => {
    app.on("workflow_run.completed", onWorkflowRunCompleted(deps));
    app.on("check_run.completed", onCheckRunCompleted(deps));
    addHandler(healthHandler(deps.db));
  };
}
