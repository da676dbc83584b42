import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CAPABILITIES } from "../spatial/program/capabilities.js";
import { office } from "../spatial/qa-fixtures.js";
import { answerWithBackends, NO_IMAGE_NOTE, NO_VLM_NOTE } from "./answer-backends.js";
import { completion, startChatServer, toolCall, userParts, type ChatReply, type ChatRequest, type TestChatServer } from "./test-chat-server.js";

// One local server plays both backends: requests with tools are the planner's, the rest the VLM's.
let server: TestChatServer;
let planner: (r: ChatRequest) => ChatReply;
let vlm: (r: ChatRequest) => ChatReply;
beforeAll(async () => {
  server = await startChatServer();
  server.reply = (r) => (r.body.tools ? planner(r) : vlm(r));
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
  planner = () => ({ status: 500, body: "{}" });
  vlm = () => ({ status: 500, body: "{}" });
});

const O = office();
const image = { bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 1, 2, 3]), contentType: "image/png" };
const backends = () => ({ planner: { baseUrl: server.baseUrl, model: "planner-7b" }, vlm: { baseUrl: server.baseUrl, model: "SpaceLLaVA", timeoutMs: 2000 } });
const UNMAPPED = "What colour is the laptop?";
const chairs = { kind: "objects", noun: { term: "chair", concept: "chair" }, plural: true, text: "chairs" };

describe("answerWithBackends", () => {
  it("questions the program expresses, or refuses for a reason about objects, never reach the backends", async () => {
    const measured = await answerWithBackends("How far is the laptop from the cell phone?", O, backends(), { image: async () => image });
    expect(measured.source).toBe("program");
    expect(measured.answer.value_m).toBeCloseTo(Math.hypot(0.4, 0.1, 0.1), 2);
    const missing = await answerWithBackends("Where is the piano?", O, backends(), { image: async () => image });
    expect(missing).toMatchObject({ source: "program", answer: { text: "I could not find a piano in this image." } });
    expect(server.received).toHaveLength(0);
  });

  it("nothing configured: the program's reply with what it can answer, and that free-form questions need a VLM", async () => {
    const { answer, source } = await answerWithBackends(UNMAPPED, O);
    expect(source).toBe("program");
    expect(answer.text).toContain(CAPABILITIES);
    expect(answer.text.endsWith(NO_VLM_NOTE)).toBe(true);
    expect(server.received).toHaveLength(0);
  });

  it("the planner's program answers when it can express the question (measured, by the executor)", async () => {
    planner = () => toolCall("count", { target: chairs });
    const result = await answerWithBackends("Tell me the number of places to sit", O, backends(), { image: async () => image });
    expect(result).toMatchObject({ source: "planner", model: "planner-7b", answer: { type: "number", count: 3 } });
    expect(result.answer.trace?.[0].detail).toBe("LLM planner (planner-7b) chose count");
    expect(server.received).toHaveLength(1);
  });

  it("the planner cannot express it: the VLM answers with the image and the facts, after the planner's refusal in the trace", async () => {
    planner = () => completion("It is gray.");
    vlm = (r) => {
      const { text, imageUrls } = userParts(r.body);
      expect(text).toBe(UNMAPPED);
      expect(imageUrls).toEqual([`data:image/png;base64,${Buffer.from(image.bytes).toString("base64")}`]);
      return completion("The laptop [obj-6] is gray.");
    };
    const result = await answerWithBackends(UNMAPPED, O, backends(), { image: async () => image });
    expect(result).toMatchObject({ source: "vlm", model: "SpaceLLaVA", answer: { type: "text", text: "The laptop [obj-6] is gray.", objectIds: ["obj-6"] } });
    expect(result.answer.trace?.map((s) => s.op)).toEqual(["plan", "vlm"]);
    expect(result.answer.trace?.[0].detail).toBe("LLM planner (planner-7b) could not express it: the model made no tool call");
    expect(server.received.map((r) => Boolean(r.body.tools))).toEqual([true, false]);
  });

  it("a VLM that fails: an error answer from the VLM, then what the program can answer", async () => {
    const result = await answerWithBackends(UNMAPPED, O, { vlm: backends().vlm }, { image: async () => image });
    expect(result.source).toBe("vlm");
    expect(result.answer.text).toMatch(/^I could not get an answer from the vision-language model \(SpaceLLaVA\): the endpoint answered HTTP 500/);
    expect(result.answer.text).toContain(CAPABILITIES);
    expect(result.answer.trace?.map((s) => s.op)).toEqual(["vlm", "parse"]);
  });

  it("a misconfigured planner is skipped with its reason in the trace, not a throw", async () => {
    const result = await answerWithBackends(UNMAPPED, O, { planner: { baseUrl: "not a url", model: "p" } });
    expect(result.source).toBe("program");
    expect(result.answer.trace?.[0].detail).toMatch(/^LLM planner \(p\) could not express it: its configuration is invalid \(baseUrl/);
    expect(server.received).toHaveLength(0);
  });

  it("a VLM but no image here: the program's reply and where to ask instead; no request", async () => {
    const none = await answerWithBackends(UNMAPPED, O, { vlm: backends().vlm }, { image: async () => null });
    expect(none).toMatchObject({ source: "program" });
    expect(none.answer.text.endsWith(NO_IMAGE_NOTE)).toBe(true);
    const broken = await answerWithBackends(UNMAPPED, O, { vlm: backends().vlm }, { image: async () => { throw new Error("R2 is down"); } });
    expect(broken.answer.trace?.[0]).toMatchObject({ op: "vlm", detail: "the image could not be read: R2 is down" });
    expect(server.received).toHaveLength(0);
  });
});
