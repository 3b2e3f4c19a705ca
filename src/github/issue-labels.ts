import { z } from "zod";
import type { GitHubClient } from "./client.js";
import { callGitHub } from "./errors.js";

const Params = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  issueNumber: z.number().int().positive(),
  // GitHub's limit on a label name; it creates labels that do not exist yet.
  labels: z.array(z.string().trim().min(1).max(50)),
});

/** Adds labels to an issue or pull request (existing ones are kept); returns the labels it now has. */
export async function addLabels(
  gh: GitHubClient,
  params: { owner: string; repo: string; issueNumber: number; labels: string[] },
): Promise<string[]> {
  const { owner, repo, issueNumber, labels } = Params.parse(params);
  const wanted = [...new Set(labels)];
  if (wanted.length === 0) return [];
  const route = `POST /repos/${owner}/${repo}/issues/${issueNumber}/labels`;
  const response = await callGitHub(route, () =>
    gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", { owner, repo, issue_number: issueNumber, labels: wanted }),
  );
  return z
    .array(z.object({ name: z.string() }))
    .parse(response.data)
    .map((l) => l.name);
}
