// AGENT_ISOLATION and the uid/gid ranges, read once at start; bad values fail with the variable's name.
import { z } from "zod";

const SettingsSchema = z
  .object({
    AGENT_ISOLATION: z.enum(["auto", "uid", "off"], { error: 'AGENT_ISOLATION must be "auto", "uid" or "off"' }).default("auto"),
    AGENT_UID_BASE: z.coerce.number().int().min(1000).max(4_000_000_000).default(200_000),
    AGENT_UID_COUNT: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    AGENT_GID_BASE: z.coerce.number().int().min(1000).max(4_000_000_000).default(300_000),
    AGENT_GID_COUNT: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  })
  // A run without a repository uses its uid as its gid: that number must never be some repository's group.
  .refine((s) => s.AGENT_UID_BASE + s.AGENT_UID_COUNT <= s.AGENT_GID_BASE || s.AGENT_GID_BASE + s.AGENT_GID_COUNT <= s.AGENT_UID_BASE, {
    message:
      "the agent uid range (AGENT_UID_BASE, AGENT_UID_COUNT) and the repository gid range (AGENT_GID_BASE, AGENT_GID_COUNT) must not overlap",
  });

export type IsolationSettings = z.infer<typeof SettingsSchema>;

/** The AGENT_* settings from the environment; empty values count as unset. Bad values throw a clear error. */
export function readIsolationSettings(env: Record<string, string | undefined> = process.env): IsolationSettings {
  const picked = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("AGENT_") && v !== undefined && v !== ""));
  const result = SettingsSchema.safeParse(picked);
  if (!result.success)
    throw new Error(
      `Invalid agent isolation settings: ${result.error.issues.map((i) => `${i.path.join(".") || "settings"}: ${i.message}`).join("; ")}`,
    );
  return result.data;
}
