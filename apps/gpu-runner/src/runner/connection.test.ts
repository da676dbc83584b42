// The connection against a real `ws` server on 127.0.0.1 (the stand-in hub): hello/welcome,
// heartbeats, backoff, the bounded queue, auth failure, reconnect with a fresh hello, liveness.
import { afterEach, describe, expect, it } from "vitest";
import type { HubMessage, RunnerMessage } from "@spatial/shared/protocol";
import { RunnerAuthError, RunnerConnection, type ConnectionEvent, type RunnerConnectionOptions } from "./connection.js";
import { StandInHub, type StandInHubOptions } from "./test-hub.js";
import { connectUrl } from "./runner.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(hubOptions: StandInHubOptions = {}, options: Partial<RunnerConnectionOptions> = {}) {
  const hub = await StandInHub.start(hubOptions);
  const events: ConnectionEvent[] = [];
  const messages: HubMessage[] = [];
  let activeJobs: string[] = [];
  const connection = new RunnerConnection({
    url: connectUrl(hub.url, "gpu"),
    token: "test-token",
    hello: () => ({ v: 1, type: "runner.hello", runnerId: "r1", capabilities: { models: ["yolox-nano-coco"], device: "cpu", concurrency: 1, pipelineVersion: "spatial-pipeline/1" } }),
    heartbeat: () => ({ v: 1, type: "runner.heartbeat", activeJobs }),
    onMessage: (m) => messages.push(m),
    onEvent: (e) => events.push(e),
    backoff: { initialMs: 40, maxMs: 160, jitter: 0, stableAfterMs: 100 },
    ...options,
  });
  cleanups.push(() => hub.close(), () => connection.close());
  const setActiveJobs = (jobs: string[]) => (activeJobs = jobs);
  return { hub, connection, events, messages, setActiveJobs };
}

const event = (jobId: string, ms: number): RunnerMessage => ({ v: 1, type: "job.event", jobId, leaseId: "l", event: { type: "stage.completed", stage: "detect", ms } });
const ofType = <T extends RunnerMessage["type"]>(hub: StandInHub, type: T) => hub.received.filter((r) => r.message.type === type);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("RunnerConnection", () => {
  it("says hello with its token and pool, heartbeats after the welcome, and ignores unknown hub messages", async () => {
    const { hub, connection, events, messages, setActiveJobs } = await setup({ heartbeatIntervalMs: 40 });
    setActiveJobs(["j1"]);
    connection.start();
    await hub.waitFor(() => ofType(hub, "runner.heartbeat").length >= 3, 5_000, "three heartbeats");
    expect(hub.pools).toEqual(["gpu"]);
    expect(hub.received[0]!.message).toMatchObject({ type: "runner.hello", runnerId: "r1", capabilities: { pipelineVersion: "spatial-pipeline/1" } });
    expect(ofType(hub, "runner.heartbeat")[0]!.message).toEqual({ v: 1, type: "runner.heartbeat", activeJobs: ["j1"] });
    expect(events.map((e) => e.type)).toEqual(["connecting", "ready"]);
    expect(connection.ready).toBe(true);

    hub.send({ v: 1, type: "hub.something-new", x: 1 });
    hub.send({ v: 2, type: "job.cancel", jobId: "j", leaseId: "l" });
    hub.send({ v: 1, type: "job.cancel", jobId: "j", leaseId: "l" });
    await hub.waitFor(() => messages.length >= 2 || undefined, 2_000, "the cancel").catch(() => undefined);
    await sleep(50);
    expect(messages.map((m) => m.type)).toEqual(["hub.welcome", "job.cancel"]);
    expect(connection.ready).toBe(true);
  });

  it("retries with capped exponential backoff and resets it after a stable connection", async () => {
    const { hub, connection, events } = await setup({ refuseWith: 503 });
    connection.start();
    await hub.waitFor(() => hub.upgrades.length >= 5, 5_000, "five upgrade attempts");
    const retries = () => events.flatMap((e) => (e.type === "disconnected" ? [e.retryInMs] : []));
    expect(retries().slice(0, 4)).toEqual([40, 80, 160, 160]);
    const gaps = hub.upgrades.slice(1, 5).map((t, i) => t - hub.upgrades[i]!);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual([40, 80, 160, 160][i]! - 5));
    expect(events.find((e) => e.type === "disconnected")).toMatchObject({ reason: "HTTP 503 on upgrade" });

    hub.refuseWith = undefined;
    await hub.waitFor(() => connection.ready, 5_000, "the connection");
    const before = retries().length;
    hub.drop(); // up for less than stableAfterMs: the backoff keeps growing
    await hub.waitFor(() => retries().length > before && connection.ready, 5_000, "a reconnect");
    expect(retries().at(-1)).toBe(160);
    await sleep(150); // stable now
    hub.drop();
    await hub.waitFor(() => retries().length > before + 1, 5_000, "a disconnect");
    expect(retries().at(-1)).toBe(40);
  });

  it("queues what it cannot send, bounded, and sends it after the next welcome, in order", async () => {
    const { hub, connection } = await setup({ refuseWith: 503 }, { queue: { maxMessages: 5, isLive: (id) => id.startsWith("live") } });
    connection.start();
    await hub.waitFor(() => hub.upgrades.length >= 1, 5_000, "an upgrade attempt");
    connection.send({ v: 1, type: "runner.heartbeat", activeJobs: [] });
    connection.send(event("done", 1));
    connection.send(event("live1", 1));
    connection.send({ v: 1, type: "runner.heartbeat", activeJobs: ["x"] });
    connection.send(event("done", 2));
    connection.send(event("live2", 1));
    connection.send(event("live1", 2)); // 6 > 5: the heartbeat goes
    connection.send(event("live2", 2)); // 6 > 5: job "done" goes, whole
    for (let i = 3; i < 6; i++) connection.send(event("live1", i)); // never dropped
    expect(connection.queued.length).toBe(7);
    expect(connection.queued.dropped).toEqual({ heartbeats: 2, jobEvents: 2 });

    hub.refuseWith = undefined;
    await hub.waitFor(() => hub.received.length >= 9, 5_000, "the flushed queue");
    const got = hub.received.map(({ message: m }) => (m.type === "job.event" ? `${m.jobId}:${m.event.type === "stage.completed" ? m.event.ms : ""}` : m.type));
    expect(got).toEqual(["runner.hello", "runner.heartbeat", "live1:1", "live2:1", "live1:2", "live2:2", "live1:3", "live1:4", "live1:5"]);
    expect(connection.queued.length).toBe(0);
  });

  it.each([401, 403])("stops for good when the edge answers the upgrade with %i", async (status) => {
    const { hub, connection, events } = await setup(status === 403 ? { refuseWith: 403 } : { token: "the-right-token" });
    connection.start();
    const error = await connection.done.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RunnerAuthError);
    expect(error).toMatchObject({ status, code: "runner_unauthorized" });
    expect((error as Error).message).toMatch(/refused the runner token.*SPATIAL_RUNNER_TOKEN/);
    await sleep(200);
    expect(hub.upgrades).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(["connecting", "failed"]);
  });

  it("reconnects after the hub drops it and says hello again; close() stops reconnecting", async () => {
    const { hub, connection, events } = await setup();
    connection.start();
    await hub.waitFor(() => connection.ready, 5_000, "the connection");
    hub.drop();
    await hub.waitFor(() => ofType(hub, "runner.hello").length === 2 && connection.ready, 5_000, "a second hello");
    expect(ofType(hub, "runner.hello").map((r) => r.connection)).toEqual([1, 2]);
    expect(hub.pools).toEqual(["gpu", "gpu"]);

    hub.refuseWith = 503;
    hub.drop();
    await hub.waitFor(() => hub.upgrades.length >= 3, 5_000, "a refused attempt");
    await connection.close();
    const attempts = hub.upgrades.length;
    await sleep(300);
    expect(hub.upgrades.length).toBe(attempts);
    expect(events.at(-1)).toEqual({ type: "closed" });
    connection.send(event("late", 1)); // after close: ignored, no throw
    expect(connection.queued.length).toBe(0);
  });

  it("treats a silent hub (no messages, no pongs) as gone and reconnects", async () => {
    const { hub, connection } = await setup({ autoPong: false, heartbeatIntervalMs: 30 }, { livenessTimeoutMs: 120 });
    connection.start();
    await hub.waitFor(() => ofType(hub, "runner.hello").length >= 2, 5_000, "a reconnect after silence");
  });
});
