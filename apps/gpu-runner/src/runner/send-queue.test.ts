import { describe, expect, it } from "vitest";
import type { RunnerMessage } from "@spatial/shared/protocol";
import { SendQueue } from "./send-queue.js";

const heartbeat = (activeJobs: string[] = []): RunnerMessage => ({ v: 1, type: "runner.heartbeat", activeJobs });
const event = (jobId: string, ms: number): RunnerMessage => ({ v: 1, type: "job.event", jobId, leaseId: `lease-${jobId}`, event: { type: "stage.completed", stage: "detect", ms } });
const kinds = (q: SendQueue) => q.drain().map(({ message: m }) => (m.type === "job.event" ? `${m.jobId}:${m.event.type === "stage.completed" ? m.event.ms : "?"}` : m.type));

describe("SendQueue", () => {
  it("keeps messages in order and empties on drain", () => {
    const q = new SendQueue({ maxMessages: 10, maxBytes: 1e6 });
    q.push(event("a", 1));
    q.push(event("b", 1));
    q.push(event("a", 2));
    expect(q.length).toBe(3);
    expect(kinds(q)).toEqual(["a:1", "b:1", "a:2"]);
    expect(q.length).toBe(0);
    expect(q.byteLength).toBe(0);
  });

  it("keeps only the newest heartbeat", () => {
    const q = new SendQueue({ maxMessages: 10, maxBytes: 1e6 });
    q.push(heartbeat(["old"]));
    q.push(event("a", 1));
    q.push(heartbeat(["new"]));
    const drained = q.drain().map((e) => e.message);
    expect(drained).toEqual([event("a", 1), heartbeat(["new"])]);
  });

  it("over the cap drops heartbeats first, then whole jobs that are no longer live, oldest first", () => {
    const live = new Set(["live"]);
    const q = new SendQueue({ maxMessages: 4, maxBytes: 1e6, isLive: (id) => live.has(id) });
    q.push(event("done1", 1));
    q.push(event("live", 1));
    q.push(event("done2", 1));
    q.push(heartbeat());
    q.push(event("done1", 2)); // 5 > 4: the heartbeat goes
    expect(q.dropped).toEqual({ heartbeats: 1, jobEvents: 0 });
    q.push(event("live", 2)); // 5 > 4: both events of done1 (the oldest ended job) go
    expect(q.dropped).toEqual({ heartbeats: 1, jobEvents: 2 });
    expect(kinds(q)).toEqual(["live:1", "done2:1", "live:2"]);
  });

  it("never drops a live job's events: the bound is soft for them", () => {
    const q = new SendQueue({ maxMessages: 3, maxBytes: 1e6, isLive: () => true });
    for (let i = 0; i < 6; i++) q.push(event("live", i));
    expect(q.length).toBe(6);
    expect(q.dropped.jobEvents).toBe(0);
  });

  it("bounds bytes as well as messages", () => {
    const q = new SendQueue({ maxMessages: 1000, maxBytes: 400, isLive: (id) => id === "live" });
    for (let i = 0; i < 10; i++) q.push(event(`old${i}`, i));
    expect(q.byteLength).toBeLessThanOrEqual(400);
    const kept = kinds(q);
    expect(kept.at(-1)).toBe("old9:9");
    expect(kept.length).toBeLessThan(10);
  });

  it("forgets a job's events on dropJob", () => {
    const q = new SendQueue({ maxMessages: 10, maxBytes: 1e6 });
    q.push(event("a", 1));
    q.push(event("b", 1));
    q.push(event("a", 2));
    q.dropJob("a");
    expect(kinds(q)).toEqual(["b:1"]);
  });
});
