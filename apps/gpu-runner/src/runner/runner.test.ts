// The whole runner (startRunner: connection + job loop + the real pipeline and models) against the
// stand-in hub, which serves a real NYU RGB-D frame as blobs. Needs ../shared/fixtures and the
// default models installed in <repo>/models (npm install puts them there).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerQuestion } from "@spatial/shared";
import { askOutputLine, EventBody, type JobSpec } from "@spatial/shared/protocol";
import { PerceptionPipeline } from "../pipeline/perception.js";
import { modelDir } from "../models/store.js";
import { installedModels, startRunner, type Runner } from "./runner.js";
import { StandInHub } from "./test-hub.js";

const FIXTURE = resolve(import.meta.dirname, "../../../../../shared/fixtures/rgbd/nyu_00000");
const QUESTIONS = ["How far is the refrigerator from the black chair?", "Is the refrigerator to the left of the black chair?", "How tall is the refrigerator?"];

let hub: StandInHub;
let runner: Runner;
let pipeline: PerceptionPipeline;
let depthModel: string | null;
const log: string[] = [];
let image: JobSpec["image"];
let depth: JobSpec["depth"];

const spec = (jobId: string, extra: Partial<JobSpec> = {}): JobSpec => ({
  jobId, image, depth, depthScale: 1000, intrinsics: { fx: 518.8579, fy: 519.46961, cx: 325.58245, cy: 253.73617 }, questions: QUESTIONS, pipelineVersion: "spatial-pipeline/1", ...extra,
});
const label = (e: EventBody) => ("stage" in e ? `${e.type}:${e.stage}` : e.type);
const terminal = (jobId: string) => () => hub.events(jobId).find((e) => e.event.type === "job.completed" || e.event.type === "job.failed");

/** The full stream of a job with questions, as the runner promises it. */
/** The trace length of question `index`'s answer.final among `events`. */
function stepsOf(events: EventBody[], index: number): number {
  const final = events.find((e) => e.type === "answer.final" && e.index === index);
  return final?.type === "answer.final" ? (final.line.trace?.length ?? 0) : 0;
}

function expectedStream(events: EventBody[], questions: number): string[] {
  const objects = events.filter((e) => e.type === "scene.pointcloud").length;
  return [
    "stage.started:decode", "stage.completed:decode",
    "stage.started:detect", "perception.detections", "stage.completed:detect",
    "stage.started:depth", "perception.depth", "stage.completed:depth",
    // perception.masks comes only when the pipeline's segment partial carries the observations.
    "stage.started:segment", ...(events.some((e) => e.type === "perception.masks") ? ["perception.masks"] : []), "stage.completed:segment",
    "stage.started:lift", ...Array(objects).fill("scene.pointcloud"), "scene.graph", "stage.completed:lift",
    // Each answer streams its reasoning first: one answer.step per step of its trace.
    ...(questions ? ["stage.started:answer", ...Array.from({ length: questions }, (_, i) => [...Array(stepsOf(events, i)).fill("answer.step"), "answer.final"]).flat(), "stage.completed:answer"] : []),
    "job.completed",
  ];
}

beforeAll(async () => {
  if (!existsSync(FIXTURE)) throw new Error(`the runner tests need ../shared/fixtures/rgbd/nyu_00000 (looked in ${FIXTURE}); it is missing`);
  const installed = await installedModels();
  const missing = ["yolox-nano-coco", "deeplabv3-mnv2-voc"].filter((m) => !installed.models.includes(m));
  if (missing.length) throw new Error(`the runner tests need the default models in ${modelDir()}; missing: ${missing.join(", ")} (run \`npm run models:pull\`)`);
  depthModel = installed.depthModel;
  pipeline = await PerceptionPipeline.create({ device: "cpu", depthModel });
  hub = await StandInHub.start({ heartbeatIntervalMs: 100 });
  image = hub.addBlob("images/nyu 00000.jpg", await readFile(resolve(FIXTURE, "rgb.jpg")), "image/jpeg");
  depth = hub.addBlob("depth/nyu_00000.png", await readFile(resolve(FIXTURE, "depth.png")), "image/png");
  runner = await startRunner({
    edgeUrl: hub.url, token: "test-token", pool: "default", concurrency: 1, device: "cpu", runnerId: "runner-test", pipeline,
    log: (line) => log.push(line), backoff: { initialMs: 30, maxMs: 200 },
  });
  await hub.waitFor(() => runner.connection.ready, 10_000, "the runner's welcome");
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await hub?.close();
  await pipeline?.dispose();
});

describe("runner against a stand-in hub, real pipeline", () => {
  it("announces itself with its installed models and runs a job to the full ordered event stream", async () => {
    const hello = hub.received.find((r) => r.message.type === "runner.hello")!.message;
    expect(hello).toMatchObject({ runnerId: "runner-test", capabilities: { device: "cpu", concurrency: 1, pipelineVersion: "spatial-pipeline/1" } });
    expect(hello.type === "runner.hello" && hello.capabilities.models).toEqual(expect.arrayContaining(["yolox-nano-coco", "deeplabv3-mnv2-voc"]));

    hub.assign(spec("job-1"), "lease-1");
    await hub.waitFor(terminal("job-1"), 60_000, "job-1 to end");
    const events = hub.events("job-1").map((e) => e.event);
    expect(events.map(label)).toEqual(expectedStream(events, QUESTIONS.length));
    for (const e of events) expect(EventBody.safeParse(e).success).toBe(true);

    const detections = events.find((e) => e.type === "perception.detections")!;
    const graph = events.find((e) => e.type === "scene.graph")!;
    if (detections.type !== "perception.detections" || graph.type !== "scene.graph") throw new Error("unreachable");
    expect(detections.detections.map((d) => d.label)).toEqual(graph.graph.objects.map((o) => o.label));
    expect(graph.graph.objects.map((o) => o.label)).toEqual(expect.arrayContaining(["refrigerator", "chair"]));
    expect(events.find((e) => e.type === "perception.depth")).toMatchObject({ source: graph.graph.depth.source, width: 640, height: 480, validFraction: expect.any(Number) });
    expect(graph.graph.depth.source).toBe("input");
    const depthEvent = events.find((e) => e.type === "perception.depth")!;
    if (depthEvent.type === "perception.depth") expect(depthEvent.minM).toBeLessThan(depthEvent.medianM), expect(depthEvent.medianM).toBeLessThan(depthEvent.maxM);

    const answers = events.flatMap((e) => (e.type === "answer.final" ? [e] : []));
    expect(answers.map((a) => a.index)).toEqual([0, 1, 2]);
    answers.forEach((a, i) => expect(a.line).toEqual(askOutputLine(QUESTIONS[i]!, answerQuestion(QUESTIONS[i]!, graph.graph), graph.graph)));
    expect(answers[0]!.line.answer.value_m).toBeGreaterThan(2);
    expect(answers[1]!.line.answer).toMatchObject({ type: "bool", bool: true });
    expect(answers[2]!.line.answer.value_m).toBeGreaterThan(1);

    expect(log).toContain("job job-1: started (lease lease-1, attempt 1)");
    expect(log.some((l) => /^job job-1: done in \d+ ms$/.test(l))).toBe(true);
    expect(runner.jobs.activeJobs()).toEqual([]);
  }, 60_000);

  it("fails jobs with the input's code, or runner_error with one line", async () => {
    const garbage = hub.addBlob("images/garbage.jpg", Buffer.from("this is not an image"), "image/jpeg");
    hub.assign(spec("job-bad-image", { image: garbage, depth: undefined }), "lease-2");
    hub.assign(spec("job-bad-hash", { image: { ...image, sha256: "0".repeat(64) } }), "lease-3");
    hub.assign(spec("job-no-blob", { image: { ...image, key: "images/missing.jpg" } }), "lease-4");
    hub.assign(spec("job-bad-box", { objects: [{ label: "box", box2d: [0, 0, 9999, 10] }] }), "lease-5");
    for (const id of ["job-bad-image", "job-bad-hash", "job-no-blob", "job-bad-box"]) await hub.waitFor(terminal(id), 30_000, `${id} to end`);
    const failure = (id: string) => hub.events(id).at(-1)!.event;
    expect(failure("job-bad-image")).toMatchObject({ type: "job.failed", code: expect.stringMatching(/^image_/) });
    expect(failure("job-bad-hash")).toMatchObject({ type: "job.failed", code: "runner_error", message: expect.stringMatching(/does not match its sha256/) });
    expect(failure("job-no-blob")).toMatchObject({ type: "job.failed", code: "runner_error", message: expect.stringMatching(/HTTP 404/) });
    expect(failure("job-bad-box")).toMatchObject({ type: "job.failed", code: "objects_box_outside" });
    expect(hub.events("job-bad-hash").map((e) => label(e.event))).toEqual(["stage.started:decode", "job.failed"]);
    expect(log.some((l) => /^job job-no-blob: failed in \d+ ms: runner_error: fetching blob images\/missing\.jpg/.test(l))).toBe(true);
  }, 60_000);

  it("stops a job cancelled while its image downloads: nothing more is sent for it", async () => {
    hub.options.blobDelayMs = 300;
    try {
      hub.assign(spec("job-cancel-early"), "lease-6");
      await hub.waitFor(() => hub.events("job-cancel-early").length > 0, 10_000, "job-cancel-early's first event");
      hub.cancel("job-cancel-early", "lease-wrong"); // another lease's cancel: ignored
      hub.cancel("job-cancel-early", "lease-6");
      await hub.waitFor(() => log.includes("job job-cancel-early: cancelled"), 10_000, "the runner to cancel");
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      hub.options.blobDelayMs = 0;
    }
    expect(hub.events("job-cancel-early").map((e) => label(e.event))).toEqual(["stage.started:decode"]);
    expect(runner.jobs.activeJobs()).toEqual([]);
  }, 30_000);

  it("stops a job cancelled mid-pipeline at the next stage boundary, and runs the next job", async () => {
    hub.assign(spec("job-cancel"), "lease-7");
    // The decode batch reaches this (same-process) hub at the pipeline's next yield; the runner sees
    // the cancel at the one after (before a model run) or, at the latest, before answering.
    await hub.waitFor(() => hub.events("job-cancel").some((e) => e.event.type === "stage.started" && e.event.stage === "detect"), 30_000, "job-cancel's detect stage");
    hub.cancel("job-cancel", "lease-7");
    hub.assign(spec("job-after", { questions: [] }), "lease-8");
    await hub.waitFor(terminal("job-after"), 60_000, "job-after to end");
    const cancelled = hub.events("job-cancel").map((e) => e.event.type);
    for (const type of ["answer.final", "job.completed", "job.failed"]) expect(cancelled).not.toContain(type);
    expect(log).toContain("job job-cancel: cancelled");
    const after = hub.events("job-after").map((e) => e.event);
    expect(after.map(label)).toEqual(expectedStream(after, 0));
    const lastHeartbeat = hub.received.filter((r) => r.message.type === "runner.heartbeat").at(-1)!.message;
    expect(lastHeartbeat.type === "runner.heartbeat" && lastHeartbeat.activeJobs).not.toContain("job-cancel");
  }, 60_000);

  it("keeps a job going when the hub drops the socket, reconnects, says hello again and delivers what it had not sent", async () => {
    const hellos = () => hub.received.filter((r) => r.message.type === "runner.hello");
    const before = hellos().length;
    hub.assign(spec("job-drop"), "lease-9");
    await hub.waitFor(() => hub.events("job-drop").some((e) => e.event.type === "stage.started" && e.event.stage === "detect"), 30_000, "job-drop's detect stage");
    const firstConnection = hub.events("job-drop")[0]!.connection;
    hub.drop();
    await hub.waitFor(terminal("job-drop"), 60_000, "job-drop to end on the new connection");
    expect(hellos().length).toBe(before + 1);
    expect(log.some((l) => l.startsWith("disconnected"))).toBe(true);
    // On the new connection: hello, then a heartbeat, then the queued events, ending the job.
    const second = hub.received.filter((r) => r.connection === firstConnection + 1).map((r) => r.message.type);
    expect(second.slice(0, 2)).toEqual(["runner.hello", "runner.heartbeat"]);
    const events = hub.events("job-drop");
    expect(events.at(-1)).toMatchObject({ connection: firstConnection + 1, event: { type: "job.completed" } });
    expect(events.filter((e) => e.event.type === "answer.final")).toHaveLength(QUESTIONS.length);
    // What the runner wrote before it saw the drop may be lost (the protocol has no acks; the edge
    // re-leases such jobs); what arrived is in order and nothing twice.
    const graph = events.find((e) => e.event.type === "scene.graph")?.event;
    const objects = graph?.type === "scene.graph" ? graph.graph.objects.length : events.filter((e) => e.event.type === "scene.pointcloud").length;
    const full = expectedStream([...Array(objects).fill({ type: "scene.pointcloud" }), ...events.filter((e) => e.event.type === "perception.masks" || e.event.type === "answer.final").map((e) => e.event)], QUESTIONS.length);
    const got = events.map((e) => label(e.event));
    let at = 0;
    for (const item of got) {
      at = full.indexOf(item, at) + 1;
      expect(at, `${item} out of order or twice in ${got.join(", ")}`).toBeGreaterThan(0);
    }
    process.stderr.write(`job-drop: ${got.length} of ${full.length} events arrived: ${events.map((e) => `${e.connection}:${label(e.event)}`).join(" ")}\n`);
  }, 60_000);

  // Last: it stops the runner.
  it("on stop, lets a running job finish within the grace, starts no new one, and closes the socket", async () => {
    hub.assign(spec("job-last"), "lease-10");
    await hub.waitFor(() => hub.events("job-last").length > 0, 30_000, "job-last to start");
    const stopped = runner.stop({ graceMs: 30_000 });
    hub.assign(spec("job-too-late"), "lease-11");
    await stopped;
    expect(hub.events("job-last").at(-1)!.event.type).toBe("job.completed");
    expect(hub.events("job-too-late")).toEqual([]);
    expect(log).toContain("job job-too-late: abandoned");
    expect(log.at(-1)).toBe("connection closed");
    expect(runner.connection.ready).toBe(false);
  }, 60_000);
});
