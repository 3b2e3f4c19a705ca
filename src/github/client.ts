import { ProbotOctokit } from "probot";

/** The Octokit every function in src/github takes first: Probot's, with its retry and throttling plugins. */
export type GitHubClient = InstanceType<typeof ProbotOctokit>;
