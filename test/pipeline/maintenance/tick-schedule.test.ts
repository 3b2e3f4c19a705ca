import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobEnvelopeSchema } from "../../../src/jobs/envelope.js";
import { scheduleMaintenanceTick } from "../../../src/jobs/maintenance-tick-schedule.js";
import { JOB_KINDS } from "../../../src/jobs/types.js";
import { openAll, tempDataDir } from "../../jobs/setup.js";

describe("the maintenance tick's schedule", () => {
  let env: Awaited<ReturnType<typeof openAll>>;
  let dir: Awaited<ReturnType<typeof tempDataDir>>;
  beforeAll(async () => {
    dir = await tempDataDir();
    env = await openAll(dir.dir);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    await dir?.remove();
  });

  it("is one pg-boss cron row, every minute, whose job the worker's maintenance-tick handler accepts; registering twice keeps one", async () => {
    await scheduleMaintenanceTick(env.queue);
    await scheduleMaintenanceTick(env.queue);
    const schedules = (await env.queue.boss.getSchedules()) as { name: string; cron: string; data: unknown }[];
    expect(schedules.map((s) => [s.name, s.cron])).toEqual([["maintenance-tick", "* * * * *"]]);
    const envelope = JobEnvelopeSchema.parse(schedules[0].data);
    expect(envelope.kind).toBe("maintenance-tick");
    expect(JOB_KINDS["maintenance-tick"].parse(envelope.data)).toEqual({ kind: "maintenance-tick" });
  });
});
