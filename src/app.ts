import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunction, Probot } from "probot";
import type { HandlerDeps } from "./handlers/deps.js";
import { onCheckRunCompleted } from "./handlers/check-run.js";
import { onIssueComment, onReviewComment } from "./handlers/comment-command.js";
import { onIssueEdited } from "./handlers/issues-edited.js";
import { onIssueLabeled } from "./handlers/issues-labeled.js";
import { onIssueUnlabeled } from "./handlers/issues-unlabeled.js";
import { onPullRequestClosed, onPullRequestReopened } from "./handlers/pull-request-outcome.js";
import { onPullRequestReviewSubmitted } from "./handlers/pull-request-review.js";
import { onPush } from "./handlers/push-revert.js";
import { timedHandler } from "./handlers/timed.js";
import { onWorkflowRunCompleted } from "./handlers/workflow-run.js";
import { limitWebhookBodies } from "./web/body-limit.js";
import { healthHandler, type HealthOptions } from "./web/health.js";
import { metricsHandler } from "./web/metrics-route.js";

/** Webhook events → handlers. Kept apart from HTTP routes so tests can load it into a bare Probot. */
export function registerWebhookHandlers(app: Probot, deps: HandlerDeps): void {
  // Each handler's time goes into codex_dispatch_webhook_duration_seconds (timed.ts).
  app.on("workflow_run.completed", timedHandler("workflow_run.completed", onWorkflowRunCompleted(deps)));
  app.on("check_run.completed", timedHandler("check_run.completed", onCheckRunCompleted(deps)));
  app.on("issues.labeled", timedHandler("issues.labeled", onIssueLabeled(deps)));
  app.on("issues.unlabeled", timedHandler("issues.unlabeled", onIssueUnlabeled(deps)));
  app.on("issues.edited", timedHandler("issues.edited", onIssueEdited(deps)));
  app.on("issue_comment.created", timedHandler("issue_comment.created", onIssueComment(deps)));
  app.on("pull_request_review_comment.created", timedHandler("pull_request_review_comment.created", onReviewComment(deps)));
  app.on("pull_request_review.submitted", timedHandler("pull_request_review.submitted", onPullRequestReviewSubmitted(deps)));
  // Outcomes of the bot's own PRs (jobs/outcomes.ts): merged, closed, reopened, reverted.
  app.on("pull_request.closed", timedHandler("pull_request.closed", onPullRequestClosed(deps)));
  app.on("pull_request.reopened", timedHandler("pull_request.reopened", onPullRequestReopened(deps)));
  app.on("push", timedHandler("push", onPush(deps)));
}

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The Probot app run by the server: webhook handlers plus our HTTP routes (and the caller's: /mcp). */
export function createApp(deps: HandlerDeps, routes: Route[] = [], health: HealthOptions = {}): ApplicationFunction {
  return (app, { addHandler }) => {
    registerWebhookHandlers(app, deps);
    // Before Probot's webhook middleware reads a stranger's body: see body-limit.ts.
    limitWebhookBodies(app);
    addHandler(healthHandler(deps.db, health));
    addHandler(metricsHandler(deps.db));
    for (const route of routes) addHandler(route);
  };
}
