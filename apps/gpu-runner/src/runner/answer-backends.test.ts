// The runner with a deployment's answer backends configured (as args.ts builds them) against a local
// chat-completions server: a question the query language cannot express goes to the planner, then
// to the VLM with the job's own image bytes and the scene's measurements; the answer.final says who
// answered. Real pipeline, real NYU RGB-D frame served by the stand-in hub (as runner.test.ts).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CAPABILITIES, type SceneGraph } from "@spatial/shared";
import { EventBody, type JobSpec } from "@spatial/shared/protocol";
import { completion, startChatServer, userParts, type TestChatServer } from "../../../../packages/shared/src/reasoning/test-chat-server.js";
import { PerceptionPipeline } from "../pipeline/perception.js";
import { installedModels, startRunner, type Runner } from "./runner.js";
import { StandInHub } from "./test-hub.js";

const FIXTURE = resolve(import.meta.dirname, "../../../../../shared/fixtures/rgbd/nyu_00000");
const MEASURED = "How tall is the refrigerator?";
const FREE_FORM = "What colour is the refrigerator?";

let hub: StandInHub;
let chat: TestChatServer;
let pipeline: PerceptionPipeline;
let jpeg: Buffer;
let image: JobSpec["image"];
let depth: JobSpec["depth"];
const runners: Runner[] = [];

const spec = (jobId: string, questions: string[]): JobSpec => ({
  jobId, image, depth, depthScale: 1000, intrinsics: { fx: 518.8579, fy: 519.46961, cx: 325.58245, cy: 253.73617 }, questions, pipelineVersion: "spatial-pipeline/1",
});
const finished = (jobId: string) => () => hub.events(jobId).find((e) => e.event.type === "job.completed" || e.event.type === "job.failed");

async function runJob(runner: Runner, jobId: string, questions: string[]): Promise<EventBody[]> {
  hub.assign(spec(jobId, questions), `lease-${jobId}`);
  await hub.waitFor(finished(jobId), 60_000, `${jobId} to end`);
  return hub.events(jobId).map((e) => e.event);
}

const finals = (events: EventBody[]) => events.flatMap((e) => (e.type === "answer.final" ? [e] : []));
const graphOf = (events: EventBody[]): SceneGraph => {
  const e = events.find((x) => x.type === "scene.graph");
  if (e?.type !== "scene.graph") throw new Error("no scene.graph");
  return e.graph;
};

async function startWith(runnerId: string, answerBackends: Parameters<typeof startRunner>[0]["answerBackends"]): Promise<Runner> {
  const runner = await startRunner({
    edgeUrl: hub.url, token: "test-token", pool: "default", concurrency: 1, device: "cpu", runnerId, pipeline,
    log: () => {}, backoff: { initialMs: 30, maxMs: 200 }, ...(answerBackends ? { answerBackends } : {}),
  });
  runners.push(runner);
  await hub.waitFor(() => runner.connection.ready, 10_000, `${runnerId}'s welcome`);
  return runner;
}

beforeAll(async () => {
  if (!existsSync(FIXTURE)) throw new Error(`these tests need ../shared/fixtures/rgbd/nyu_00000 (looked in ${FIXTURE})`);
  const installed = await installedModels();
  pipeline = await PerceptionPipeline.create({ device: "cpu", depthModel: installed.depthModel });
  hub = await StandInHub.start({ heartbeatIntervalMs: 100 });
  chat = await startChatServer();
  jpeg = await readFile(resolve(FIXTURE, "rgb.jpg"));
  image = hub.addBlob("images/nyu_00000.jpg", jpeg, "image/jpeg");
  depth = hub.addBlob("depth/nyu_00000.png", await readFile(resolve(FIXTURE, "depth.png")), "image/png");
}, 60_000);

afterAll(async () => {
  for (const r of runners) await r.stop();
  await hub?.close();
  await chat?.close();
  await pipeline?.dispose();
});

describe("runner answer backends (local chat-completions server)", () => {
  it("planner refuses, the VLM answers from the job's image and the measured facts; measured questions never leave the program", async () => {
    const runner = await startWith("runner-vlm", {
      planner: { baseUrl: chat.baseUrl, model: "planner-test", timeoutMs: 2000 },
      vlm: { baseUrl: chat.baseUrl, model: "SpaceQwen2.5-VL-3B-Instruct", apiKey: "vlm-secret", timeoutMs: 3000, maxTokens: 128 },
    });
    chat.received.length = 0;
    // The planner (a request with tools) answers in text, not a tool call: refused. The VLM answers.
    chat.reply = (r) => (r.body.tools ? completion("white") : completion("It looks white [obj-0], but I cannot tell the exact shade."));
    const events = await runJob(runner, "job-vlm", [MEASURED, FREE_FORM]);
    expect(events.at(-1)!.type).toBe("job.completed");
    for (const e of events) expect(EventBody.safeParse(e).success).toBe(true);
    const graph = graphOf(events);
    const fridge = graph.objects.find((o) => o.label === "refrigerator")!;
    expect(fridge).toBeDefined();

    const [measured, freeForm] = finals(events);
    expect(measured!.line).toMatchObject({ source: "program", answer: { type: "number", value_m: expect.any(Number) } });
    expect(measured!.line.model).toBeUndefined();
    expect(freeForm!.line).toMatchObject({ source: "vlm", model: "SpaceQwen2.5-VL-3B-Instruct", answer: { type: "text", text: "It looks white [obj-0], but I cannot tell the exact shade." } });
    expect(freeForm!.line.answer.value_m).toBeUndefined();
    // Its steps streamed before it: the planner's refusal, then the VLM's.
    const steps = events.filter((e) => e.type === "answer.step" && e.index === 1);
    expect(steps.map((s) => s.type === "answer.step" && s.step.op)).toEqual(["plan", "vlm"]);

    // Only the free-form question reached the server: first the planner, then the VLM.
    expect(chat.received.map((r) => (r.body.tools ? "planner" : "vlm"))).toEqual(["planner", "vlm"]);
    const vlmRequest = chat.received[1]!;
    expect(vlmRequest.headers.authorization).toBe("Bearer vlm-secret");
    expect(vlmRequest.body).toMatchObject({ model: "SpaceQwen2.5-VL-3B-Instruct", max_tokens: 128 });
    const { text, imageUrls } = userParts(vlmRequest.body);
    expect(text).toBe(FREE_FORM);
    expect(imageUrls).toEqual([`data:image/jpeg;base64,${jpeg.toString("base64")}`]);
    const system = vlmRequest.body.messages[0]!.content as string;
    expect(system).toContain(`${fridge.id}: ${fridge.attributes.color ? `${fridge.attributes.color.name} ` : ""}refrigerator; centre ${Math.hypot(...fridge.centerCam).toFixed(2)} m from the camera`);
    expect(system).toContain(`${fridge.box.heightM.toFixed(2)} tall`);
    expect(system).toMatch(/depth from the caller's depth map/);
  }, 90_000);

  it("a VLM that never answers: the job still completes, with an error answer within the timeout", async () => {
    const runner = runners[0]!;
    chat.reply = () => "hang";
    const started = performance.now();
    const events = await runJob(runner, "job-vlm-hang", [FREE_FORM]);
    expect(events.at(-1)!.type).toBe("job.completed");
    const [line] = finals(events).map((f) => f.line);
    // The planner's 2 s and the VLM's 3 s, at most (plus perception).
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(line).toMatchObject({ source: "vlm", model: "SpaceQwen2.5-VL-3B-Instruct" });
    expect(line!.answer.text).toMatch(/^I could not get an answer from the vision-language model \(SpaceQwen2\.5-VL-3B-Instruct\): it did not answer within 3000 ms\./);
    expect(line!.answer.text).toContain(CAPABILITIES);
  }, 90_000);

  it("no backends configured: no network, the program's reply says free-form questions need a VLM", async () => {
    for (const r of runners.splice(0)) await r.stop();
    const runner = await startWith("runner-plain", undefined);
    chat.received.length = 0;
    const events = await runJob(runner, "job-plain", [FREE_FORM]);
    const [line] = finals(events).map((f) => f.line);
    expect(line).toMatchObject({ source: "program", answer: { type: "text" } });
    expect(line!.answer.text).toContain(CAPABILITIES);
    expect(line!.answer.text).toMatch(/need a vision-language model backend/);
    expect(chat.received).toHaveLength(0);
  }, 90_000);
});
