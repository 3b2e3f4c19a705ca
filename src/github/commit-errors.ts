// Typed refusals of the commit publisher, so the pipeline can tell "a person took over the branch" (stop,
// say so on the PR) from "GitHub failed" (retry).

/**
 * The bot's branch points at a commit the bot did not expect: someone pushed to it. Nothing was pushed; the
 * pipeline must not overwrite a person's work and should report instead.
 */
export class BranchMovedError extends Error {
  constructor(
    readonly branch: string,
    /** The commit the branch points at now. */
    readonly head: string,
    /** What the caller expected: a sha, null (no branch) or undefined (no branch or an App commit). */
    readonly expectedHead: string | null | undefined,
  ) {
    super(
      `branch ${branch} is at ${head}, not at ${expectedHead === undefined ? "a commit of the App" : (expectedHead ?? "nothing (it should not exist)")}: someone else pushed to it; nothing was pushed`,
    );
    this.name = "BranchMovedError";
  }
}

/** The bot never pushes to the repository's default branch or to a protected branch. */
export class RefusedBranchError extends Error {
  constructor(
    readonly branch: string,
    readonly reason: "default" | "protected",
  ) {
    super(`refusing to push to ${branch}: it is the ${reason === "default" ? "default branch" : "target of branch protection"}`);
    this.name = "RefusedBranchError";
  }
}
