import { describe, expect, it } from "vitest";
import { answerQuestion } from "@spatial/shared";
import { askOutputLine, EventBody } from "@spatial/shared/protocol";
import { livingRoom } from "../../../../packages/shared/src/spatial/qa-fixtures.js";
import { completion, startChatServer, userParts } from "../../../../packages/shared/src/reasoning/test-chat-server.js";
import { InputError } from "../image/errors.js";
import {
  answerEvent, answerEvents, depthEvent, depthSourceFor, depthStats, detectionsEvent, failureEvent, masksEvent, observationsFromJob, sceneEvents, stageEvents,
} from "./job-events.js";

const valid = (event: unknown) => expect(EventBody.safeParse(event).success, JSON.stringify(event).slice(0, 300)).toBe(true);
const depthOf = (mm: number[], width = mm.length) => ({ width, height: mm.length / width, data: Uint16Array.from(mm), unitsPerMetre: 1000 });

describe("detectionsEvent", () => {
  it("rounds boxes to 0.1 px and scores to 4 digits", () => {
    const event = detectionsEvent([{ label: "chair", score: 0.876543, box2d: [10.04, 20.06, 99.99, 120.5] }]);
    expect(event).toEqual({ type: "perception.detections", detections: [{ label: "chair", score: 0.8765, box2d: [10, 20.1, 100, 120.5] }] });
    valid(event);
  });

  it("is valid with no detections", () => valid(detectionsEvent([])));
});

describe("depthStats / depthEvent", () => {
  it("gives min, median, max metres over pixels with a reading", () => {
    expect(depthStats(depthOf([0, 1000, 2000, 3000]))).toEqual({ minM: 1, medianM: 2, maxM: 3, validFraction: 0.75 });
    expect(depthStats(depthOf([1500, 2500]))).toEqual({ minM: 1.5, medianM: 2, maxM: 2.5, validFraction: 1 });
  });

  it("says zero everything for a map with no reading", () => {
    expect(depthStats(depthOf([0, 0, 0, 0], 2))).toEqual({ minM: 0, medianM: 0, maxM: 0, validFraction: 0 });
  });

  it("skips NaN and infinite metric depths", () => {
    const depth = { width: 4, height: 1, data: Float32Array.from([NaN, Infinity, 2.25, 4]), unitsPerMetre: 1 };
    expect(depthStats(depth)).toEqual({ minM: 2.25, medianM: 3.125, maxM: 4, validFraction: 0.5 });
  });

  it("samples the median of a big map and stays within its range", () => {
    const data = new Float32Array(3_000_000).map((_, i) => 1 + (i % 1000) / 1000);
    const stats = depthStats({ width: 3000, height: 1000, data, unitsPerMetre: 1 });
    expect(stats.minM).toBe(1);
    expect(stats.maxM).toBe(1.999);
    expect(Math.abs(stats.medianM - 1.5)).toBeLessThan(0.01);
  });

  it("builds a valid event with no arrays in it", () => {
    const event = depthEvent(depthOf([0, 1000, 2000, 3000], 2), "input");
    expect(event).toEqual({ type: "perception.depth", source: "input", width: 2, height: 2, minM: 1, medianM: 2, maxM: 3, validFraction: 0.75 });
    valid(event);
  });

  it("names the depth source as the scene graph does", () => {
    expect(depthSourceFor({ depth: { key: "d", contentType: "image/png", bytes: 1 } }, "unidepth")).toBe("input");
    expect(depthSourceFor({}, "unidepth")).toBe("model:unidepth");
    expect(depthSourceFor({}, null)).toBe("priors");
  });
});

describe("masksEvent", () => {
  it("counts mask pixels per object index and skips objects without a mask", () => {
    const event = masksEvent([
      { label: "cup", box2d: [0, 0, 2, 2], mask: Uint8Array.from([1, 0, 255, 1]) },
      { label: "plant", box2d: [1, 1, 2, 2] },
      { label: "tv", box2d: [0.04, 0, 1, 1], mask: Uint8Array.from([0, 0, 0, 7]) },
    ]);
    expect(event.masks).toEqual([
      { objectIndex: 0, label: "cup", areaPx: 3, box2d: [0, 0, 2, 2] },
      { objectIndex: 2, label: "tv", areaPx: 1, box2d: [0, 0, 1, 1] },
    ]);
    valid(event);
  });
});

describe("sceneEvents / answerEvent", () => {
  it("gives one point count per object, then the graph", () => {
    const graph = livingRoom();
    const events = sceneEvents(graph);
    expect(events.map((e) => e.type)).toEqual([...graph.objects.map(() => "scene.pointcloud"), "scene.graph"]);
    expect(events[6]).toEqual({ type: "scene.pointcloud", objectId: "obj-6", points: 0 });
    events.forEach(valid);
  });

  it("answers exactly as `spatial ask` prints", () => {
    const graph = livingRoom();
    const question = "How far is the red chair from the blue chair?";
    const event = answerEvent(2, question, graph);
    expect(event).toEqual({ type: "answer.final", index: 2, line: askOutputLine(question, answerQuestion(question, graph), graph) });
    expect(event.line.answer.value_m).toBeGreaterThan(2);
    valid(event);
  });
});

describe("answerEvents", () => {
  it("with no backends: the program's steps then its final, marked as the program's", async () => {
    const graph = livingRoom();
    const events = await answerEvents(1, "Is the red chair left of the blue chair?", graph);
    const final = events.at(-1)!;
    expect(final).toMatchObject({ type: "answer.final", index: 1, line: { source: "program", answer: { type: "bool", bool: true } } });
    expect(events.slice(0, -1).map((e) => e.type === "answer.step" && e.step)).toEqual(final.type === "answer.final" ? final.line.trace : []);
    events.forEach(valid);
  });

  it("a free-form question with a VLM configured: its step, then a final marked vlm with the model, from a local server", async () => {
    const chat = await startChatServer();
    try {
      chat.reply = () => completion("The red chair [obj-0] looks wooden; I cannot tell for sure.");
      const bytes = Uint8Array.from([0xff, 0xd8, 0xff, 1, 2, 3]);
      const events = await answerEvents(0, "What is the red chair made of?", livingRoom(), { backends: { vlm: { baseUrl: chat.baseUrl, model: "SpaceLLaVA" } }, image: { bytes, contentType: "image/jpeg" } });
      expect(events.map((e) => e.type)).toEqual(["answer.step", "answer.final"]);
      expect(events[1]).toMatchObject({ line: { source: "vlm", model: "SpaceLLaVA", answer: { type: "text", text: "The red chair [obj-0] looks wooden; I cannot tell for sure." } } });
      expect(events[1]!.type === "answer.final" && events[1]!.line.objects.map((o) => o.id)).toEqual(["obj-0"]);
      expect(userParts(chat.received[0]!.body).imageUrls).toEqual([`data:image/jpeg;base64,${Buffer.from(bytes).toString("base64")}`]);
      events.forEach(valid);
    } finally {
      await chat.close();
    }
  });
});

describe("stageEvents", () => {
  const depth = depthOf([1000, 2000], 2);
  const context = { depthSource: "input", answering: true };

  it("puts each stage's results before its completion and starts the next stage", () => {
    const types = (stage: Parameters<typeof stageEvents>[0], partial: Parameters<typeof stageEvents>[2], ctx = context) =>
      stageEvents(stage, 12.345, partial, ctx).map((e) => ("stage" in e ? `${e.type}:${e.stage}` : e.type));
    expect(types("decode", {})).toEqual(["stage.completed:decode", "stage.started:detect"]);
    expect(types("detect", { detections: [] })).toEqual(["perception.detections", "stage.completed:detect", "stage.started:depth"]);
    expect(types("depth", { depth })).toEqual(["perception.depth", "stage.completed:depth", "stage.started:segment"]);
    expect(types("segment", { depth })).toEqual(["stage.completed:segment", "stage.started:lift"]);
    expect(types("segment", { observations: [] })).toEqual(["perception.masks", "stage.completed:segment", "stage.started:lift"]);
    expect(types("lift", { graph: livingRoom() })).toEqual([...Array(7).fill("scene.pointcloud"), "scene.graph", "stage.completed:lift", "stage.started:answer"]);
    expect(types("lift", { graph: livingRoom() }, { ...context, answering: false }).at(-1)).toBe("stage.completed:lift");
  });

  it("reports the caller's objects as the detections when the job gave some", () => {
    const callerObjects = [{ label: "box", score: 1, box2d: [1, 2, 3, 4] as [number, number, number, number] }];
    const [event] = stageEvents("detect", 1, { detections: [] }, { ...context, callerObjects });
    expect(event).toEqual({ type: "perception.detections", detections: [{ label: "box", score: 1, box2d: [1, 2, 3, 4] }] });
  });

  it("rounds stage times to 0.1 ms", () => {
    expect(stageEvents("decode", 12.345, {}, context)[0]).toEqual({ type: "stage.completed", stage: "decode", ms: 12.3 });
  });
});

describe("observationsFromJob", () => {
  const image = { width: 100, height: 50 };

  it("takes boxes inside the image with score 1", () => {
    expect(observationsFromJob([{ label: "cup", box2d: [0, 0, 100, 50] }], image)).toEqual([{ label: "cup", score: 1, box2d: [0, 0, 100, 50] }]);
  });

  it.each([
    [[0, 0, 101, 50], "objects_box_outside"],
    [[-1, 0, 10, 10], "objects_box_outside"],
    [[10, 10, 10, 20], "objects_invalid"],
    [[0, 0, NaN, 10], "objects_invalid"],
  ])("refuses box %j with %s", (box2d, code) => {
    expect(() => observationsFromJob([{ label: "cup", box2d: box2d as [number, number, number, number] }], image)).toThrow(expect.objectContaining({ code }));
  });
});

describe("failureEvent", () => {
  it("passes an InputError's code and message through", () => {
    expect(failureEvent(new InputError("image_corrupt", "the image is not a JPEG, PNG or WebP"))).toEqual({ type: "job.failed", code: "image_corrupt", message: "the image is not a JPEG, PNG or WebP" });
  });

  it("makes anything else a one-line runner_error", () => {
    const event = failureEvent(new Error("\n  onnx session failed\n    at Foo (x.js:1)\n"));
    expect(event).toEqual({ type: "job.failed", code: "runner_error", message: "onnx session failed" });
    expect(failureEvent("boom")).toEqual({ type: "job.failed", code: "runner_error", message: "boom" });
    expect(failureEvent(new Error("")).message).toBe("unknown error");
    expect(failureEvent(new Error("x".repeat(2000))).message.length).toBe(500);
    valid(event);
  });
});
