import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunction, Probot } from "probot";
import type { HandlerDeps } from "./handlers/deps.js";
import { onCheckRunCompleted } from "./handlers/check-run.js";
import { onIssueComment, onReviewComment } from "./handlers/comment-command.js";
import { onIssueEdited } from "./handlers/issues-edited.js";
import { onIssueLabeled } from "./handlers/issues-labeled.js";
import { onIssueUnlabeled } from "./handlers/issues-unlabeled.js";
import { onPullRequestReviewSubmitted } from "./handlers/pull-request-review.js";
import { onWorkflowRunCompleted } from "./handlers/workflow-run.js";
import { limitWebhookBodies } from "./web/body-limit.js";
import { healthHandler } from "./web/health.js";

/** Webhook events → handlers. Kept apart from HTTP routes so tests can load it into a bare Probot. */
export function registerWebhookHandlers(app: Probot, deps: HandlerDeps): void {
  app.on("workflow_run.completed", onWorkflowRunCompleted(deps));
  app.on("check_run.completed", onCheckRunCompleted(deps));
  app.on("issues.labeled", onIssueLabeled(deps));
  app.on("issues.unlabeled", onIssueUnlabeled(deps));
  app.on("issues.edited", onIssueEdited(deps));
  app.on("issue_comment.created", onIssueComment(deps));
  app.on("pull_request_review_comment.created", onReviewComment(deps));
  app.on("pull_request_review.submitted", onPullRequestReviewSubmitted(deps));
}

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The Probot app run by the server: webhook handlers plus our HTTP routes (and the caller's: /mcp). */
export function createApp(deps: HandlerDeps, routes: Route[] = []): ApplicationFunction {
  return (app, { addHandler }) => {
    registerWebhookHandlers(app, deps);
    // Before Probot's webhook middleware reads a stranger's body: see body-limit.ts.
    limitWebhookBodies(app);
    addHandler(healthHandler(deps.db));
    for (const route of routes) addHandler(route);
  };
}
