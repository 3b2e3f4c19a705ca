import { describe, expect, it } from "vitest";
import { capacityOf, WORKER_MACHINE } from "../../bench/lib/capacity-formula.js";

describe("capacityOf", () => {
  it("is bound by memory when runs are heavy and idle", () => {
    // 2 GiB private per run: (24576 − 2048 − 200 − 200) / 2048 = 10.8 → 10; CPU allows 1.4 / (1/180) = 252.
    const c = capacityOf({ agentPrivateMb: 2048, sharedMb: 200, cpuS: 1, workerRssMb: 200 });
    expect(c).toMatchObject({ memoryBound: 10, cpuBound: 252, runsPerWorker: 10, boundBy: "memory" });
  });

  it("is bound by CPU when runs are light and busy, and a longer wall time (waiting on the model) raises it", () => {
    const busy = capacityOf({ agentPrivateMb: 50, sharedMb: 200, cpuS: 60, workerRssMb: 200 });
    // 60 CPU s over 180 s: a third of a core per run; 1.4 cores → 4 runs.
    expect(busy).toMatchObject({ cpuBound: 4, runsPerWorker: 4, boundBy: "cpu" });
    const slower = capacityOf({ agentPrivateMb: 50, sharedMb: 200, cpuS: 60, workerRssMb: 200 }, { ...WORKER_MACHINE, realWallS: 360 });
    expect(slower.cpuBound).toBe(8);
  });

  it("counts shared pages once, not per run", () => {
    const once = capacityOf({ agentPrivateMb: 100, sharedMb: 2000, cpuS: 0.1, workerRssMb: 0 });
    expect(once.memoryBound).toBe(Math.floor((24576 - 2048 - 2000) / 100));
  });

  it("refuses a run that costs nothing (a measurement that saw no agent)", () => {
    expect(() => capacityOf({ agentPrivateMb: 0, sharedMb: 0, cpuS: 0, workerRssMb: 0 })).toThrow(/must cost/);
  });
});
