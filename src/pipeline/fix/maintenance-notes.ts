// What a maintenance run reads beyond its instruction, from the bot's own records: the agents-md task gets the
// causes triage keeps finding, so that AGENTS.md tells the next agent about them. Model-written text from
// untrusted logs: it reaches the prompt fenced as data (buildFixPrompt's context), never as instructions.
import type { MaintenanceTask } from "../../config/maintenance-config.js";
import type { Database } from "../../jobs/db.js";
import { recurringCauses } from "../../jobs/triage-findings.js";
import type { FixTarget } from "./target.js";

const NOTES_DAYS = 30;

export async function maintenanceNotes(db: Database, repo: string, task: MaintenanceTask, now: Date): Promise<FixTarget["context"]> {
  if (task.preset !== "agents-md") return [];
  const causes = await recurringCauses(db, { repo, since: new Date(now.getTime() - NOTES_DAYS * 24 * 60 * 60 * 1000) });
  const text =
    causes.length === 0
      ? "No CI failure was triaged in this period."
      : causes
          .map((c) =>
            [
              `${c.classification}: ${c.count} failure${c.count === 1 ? "" : "s"}; the latest:`,
              ...c.examples.map((e) => `- ${e.ciName}: ${e.summary} Cause: ${e.rootCause}`),
            ].join("\n"),
          )
          .join("\n\n");
  return [{ label: `Triage notes: CI failures of the last ${NOTES_DAYS} days, by kind`, text }];
}
