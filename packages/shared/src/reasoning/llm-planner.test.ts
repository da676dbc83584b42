import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { office } from "../spatial/qa-fixtures.js";
import { answerWithPlanner, planWithLlm, plannerTools } from "./llm-planner.js";

/** A local server that speaks the chat-completions protocol and answers with the queued tool call. */
let server: Server;
let baseUrl = "";
const received: Array<{ headers: IncomingMessage["headers"]; body: { model: string; tools: Array<{ function: { name: string } }>; messages: Array<{ content: string }> } }> = [];
let reply: (body: unknown) => { status: number; json: unknown } = () => ({ status: 500, json: {} });

const toolCall = (name: string, args: unknown) => ({ status: 200, json: { choices: [{ message: { role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name, arguments: JSON.stringify(args) } }] } }] } });

beforeAll(async () => {
  server = createServer((req, res) => {
    let data = "";
    req.on("data", (chunk) => (data += chunk));
    req.on("end", () => {
      const body = JSON.parse(data);
      received.push({ headers: req.headers, body });
      const r = req.url === "/v1/chat/completions" && req.method === "POST" ? reply(body) : { status: 404, json: {} };
      res.writeHead(r.status, { "content-type": "application/json" });
      res.end(JSON.stringify(r.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const O = office();
const chairs = { kind: "objects", noun: { term: "chair", concept: "chair" }, plural: true, text: "chairs" };

describe("LLM planner over an OpenAI-compatible endpoint", () => {
  it("offers the program's operations as tools and runs the model's call through the executor", async () => {
    reply = () => toolCall("count", { target: chairs });
    const answer = await answerWithPlanner("how many seats are there", O, { baseUrl, model: "space-qwen", apiKey: "k-123" });
    expect(answer).toMatchObject({ type: "number", count: 3 });
    expect(answer.trace?.[0].detail).toMatch(/LLM planner \(space-qwen\) chose count/);
    const request = received.at(-1)!;
    expect(request.headers.authorization).toBe("Bearer k-123");
    expect(request.body.model).toBe("space-qwen");
    expect(request.body.tools.map((t) => t.function.name)).toEqual(plannerTools().map((t) => t.function.name));
    expect(request.body.tools.map((t) => t.function.name)).toContain("identify");
    expect(request.body.messages[0].content).toMatch(/obj-0: black chair/);
    expect(request.body.messages[0].content).not.toMatch(/\d\.\d+ ?m/);
  });

  it("a model cannot invent a measurement: unknown fields refuse the call and the parser answers", async () => {
    reply = () => toolCall("measure", { family: "distance", a: { kind: "ids", ids: ["obj-6"], description: "the laptop" }, b: { kind: "ids", ids: ["obj-7"], description: "the phone" }, unit: "auto", value_m: 99 });
    const plan = await planWithLlm("How far is the laptop from the cell phone?", O, { baseUrl, model: "m" });
    expect(plan).toEqual({ ok: false, error: "the tool call has fields no operation takes: .value_m" });
    const answer = await answerWithPlanner("How far is the laptop from the cell phone?", O, { baseUrl, model: "m" });
    expect(answer.value_m).toBeCloseTo(Math.hypot(0.4, 0.1, 0.1), 2);
    expect(answer.trace?.[0].detail).toMatch(/deterministic parser \(LLM planner refused/);
  });

  it("refuses calls that are not programs, text without a tool call and HTTP errors", async () => {
    reply = () => toolCall("teleport", { target: chairs });
    expect((await planWithLlm("q", O, { baseUrl, model: "m" })).ok).toBe(false);
    reply = () => toolCall("fit", { widthM: -1, a: chairs, b: chairs, unit: "auto" });
    expect(await planWithLlm("q", O, { baseUrl, model: "m" })).toMatchObject({ ok: false, error: expect.stringMatching(/not a valid program: widthM/) });
    reply = () => ({ status: 200, json: { choices: [{ message: { role: "assistant", content: "The laptop is 2 m away." } }] } });
    expect(await planWithLlm("q", O, { baseUrl, model: "m" })).toEqual({ ok: false, error: "the model made no tool call" });
    reply = () => ({ status: 503, json: {} });
    expect(await planWithLlm("q", O, { baseUrl, model: "m" })).toEqual({ ok: false, error: "planner endpoint answered HTTP 503" });
    expect((await planWithLlm("q", O, { baseUrl: "http://127.0.0.1:1/v1", model: "m", timeoutMs: 2000 })).ok).toBe(false);
  });

  it("with no planner configured the deterministic parser answers, with no network", async () => {
    const before = received.length;
    const answer = await answerWithPlanner("How many chairs are there?", O, null);
    expect(answer.count).toBe(3);
    expect(received.length).toBe(before);
  });
});

describe("LLM planner: replies that are not JSON and stalled endpoints", () => {
  it("are refusals, not throws or hangs", async () => {
    const { startChatServer } = await import("./test-chat-server.js");
    const local = await startChatServer();
    try {
      local.reply = () => ({ status: 200, body: "<html>gateway</html>" });
      expect(await planWithLlm("q", O, { baseUrl: local.baseUrl, model: "m" })).toEqual({ ok: false, error: "planner endpoint's reply is not JSON" });
      local.reply = () => "stall";
      const started = performance.now();
      expect(await planWithLlm("q", O, { baseUrl: local.baseUrl, model: "m", timeoutMs: 300 })).toEqual({ ok: false, error: "planner endpoint did not answer within 300 ms" });
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await local.close();
    }
  });
});
