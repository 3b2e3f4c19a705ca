// The key proxy's token budgets: per job (the grant's own total), per repository per UTC day and per installation
// per UTC day. A day total is what the job records of today held when the grant was issued (the caller reads
// them: the proxy has no database), plus what the live grants of the same repository or installation have spent
// since, plus what grants revoked since this one was issued spent (their records may not be written yet; a grant
// revoked before this one was issued is in the records, or about to be: that gap is seconds, not a budget).
// The check runs before each model call: the call that crosses a limit is answered in full (its tokens are only
// known at its end), the next one is refused.
import { z } from "zod";
import type { ProxyUsage } from "./key-proxy-meter.js";

export const BUDGET_NAMES = ["job", "repo", "installation"] as const;
export type BudgetName = (typeof BUDGET_NAMES)[number];

/** Why a grant's model calls were refused: which budget, and its limit. */
export interface BudgetStop {
  stoppedBy: `budget:${BudgetName}`;
  budget: BudgetName;
  limit: number;
  /** The tokens counted against that budget when the call was refused. */
  used: number;
}

/** A day budget shared by the grants of one repository (or installation). */
export interface DayScope {
  /** The repository's full name, or the installation id: grants with the same key share the day's total. */
  key: string;
  dailyTokens: number;
  /** Tokens today's job records held when the grant was issued. */
  spentToday: number;
}

export interface GrantBudget {
  jobTokens?: number;
  repo?: DayScope;
  installation?: DayScope;
}

const scopeSchema = z.object({
  key: z.string().min(1),
  dailyTokens: z.number().int().nonnegative(),
  spentToday: z.number().nonnegative(),
});
export const grantBudgetSchema = z.object({
  jobTokens: z.number().int().nonnegative({ error: "jobTokens must be a non-negative integer" }).optional(),
  repo: scopeSchema.optional(),
  installation: scopeSchema.optional(),
});

export interface BudgetedGrant {
  usage: ProxyUsage;
  budget: GrantBudget;
  /** Settled totals of the grant's scopes when it was issued. */
  settledAtIssue: Map<string, number>;
  stop: BudgetStop | null;
}

const scopeKey = (name: "repo" | "installation", key: string): string => `${name}:${name === "repo" ? key.toLowerCase() : key}`;

export class BudgetLedger {
  private readonly live = new Set<BudgetedGrant>();
  /** Tokens spent by revoked grants, per scope, since the proxy started. */
  private readonly settled = new Map<string, number>();

  open(usage: ProxyUsage, budget: GrantBudget): BudgetedGrant {
    const settledAtIssue = new Map<string, number>();
    for (const name of ["repo", "installation"] as const) {
      const scope = budget[name];
      if (scope) settledAtIssue.set(scopeKey(name, scope.key), this.settled.get(scopeKey(name, scope.key)) ?? 0);
    }
    const grant: BudgetedGrant = { usage, budget, settledAtIssue, stop: null };
    this.live.add(grant);
    return grant;
  }

  close(grant: BudgetedGrant): void {
    if (!this.live.delete(grant)) return;
    for (const key of grant.settledAtIssue.keys()) this.settled.set(key, (this.settled.get(key) ?? 0) + grant.usage.totalTokens);
  }

  /** The first budget the grant's next call would exceed, or null; a stop is remembered on the grant. */
  check(grant: BudgetedGrant): BudgetStop | null {
    const { jobTokens } = grant.budget;
    let stop: BudgetStop | null = null;
    if (jobTokens !== undefined && grant.usage.totalTokens >= jobTokens)
      stop = { stoppedBy: "budget:job", budget: "job", limit: jobTokens, used: grant.usage.totalTokens };
    for (const name of ["repo", "installation"] as const) {
      const scope = grant.budget[name];
      if (stop || !scope) continue;
      const used = this.dayTotal(grant, name, scope);
      if (used >= scope.dailyTokens) stop = { stoppedBy: `budget:${name}`, budget: name, limit: scope.dailyTokens, used };
    }
    if (stop) grant.stop ??= stop;
    return stop;
  }

  private dayTotal(grant: BudgetedGrant, name: "repo" | "installation", scope: DayScope): number {
    const key = scopeKey(name, scope.key);
    let live = 0;
    for (const other of this.live) {
      const s = other.budget[name];
      if (s && scopeKey(name, s.key) === key) live += other.usage.totalTokens;
    }
    return scope.spentToday + live + (this.settled.get(key) ?? 0) - (grant.settledAtIssue.get(key) ?? 0);
  }
}

/** The refusal's message: what the agent CLI reports as the reason its call failed. */
export function budgetMessage(stop: BudgetStop): string {
  const what =
    stop.budget === "job"
      ? "this job's token budget"
      : stop.budget === "repo"
        ? "this repository's daily token budget"
        : "this installation's daily token budget";
  return `key proxy: ${what} (${stop.limit.toLocaleString("en-US")} tokens) is spent (${stop.used.toLocaleString("en-US")} used); no more model calls for this job`;
}
