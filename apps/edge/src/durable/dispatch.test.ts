import { describe, expect, it } from "vitest";
import { pickRunner, type RunnerSlot } from "./dispatch.js";

const slot = (runnerId: string, active: number, concurrency: number, connectedAt = 0, pipelineVersion = "v1"): RunnerSlot => ({
  socketId: runnerId, runnerId, active, connectedAt, capabilities: { models: [], device: "cpu", concurrency, pipelineVersion },
});
const job = { pipelineVersion: "v1" };

describe("pickRunner", () => {
  it("returns null with no runner, no free slot or no capable runner", () => {
    expect(pickRunner([], job)).toBeNull();
    expect(pickRunner([slot("a", 2, 2)], job)).toBeNull();
    expect(pickRunner([slot("a", 0, 2, 0, "v2")], job)).toBeNull();
  });

  it("takes the least loaded by active / concurrency", () => {
    expect(pickRunner([slot("a", 1, 2), slot("b", 1, 4)], job)?.runnerId).toBe("b");
    expect(pickRunner([slot("a", 0, 1), slot("b", 1, 4)], job)?.runnerId).toBe("a");
  });

  it("breaks ties by fewer active leases, then the longest connected", () => {
    expect(pickRunner([slot("a", 2, 4), slot("b", 1, 2)], job)?.runnerId).toBe("b");
    expect(pickRunner([slot("a", 0, 1, 5), slot("b", 0, 1, 3)], job)?.runnerId).toBe("b");
  });

  it("skips runners of another pipeline version", () => {
    expect(pickRunner([slot("a", 0, 8, 0, "v2"), slot("b", 3, 4)], job)?.runnerId).toBe("b");
  });
});
