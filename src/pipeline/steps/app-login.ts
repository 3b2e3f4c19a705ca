import type { PipelineDeps } from "../deps.js";

/** The App's own login (`<slug>[bot]`): the requester of its second opinions and of the rounds they ask for. */
export function appLogin(deps: Pick<PipelineDeps, "env">): string | null {
  return deps.env.APP_SLUG ? `${deps.env.APP_SLUG}[bot]` : null;
}
