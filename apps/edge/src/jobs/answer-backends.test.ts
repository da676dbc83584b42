// The edge's follow-up answers with a deployment's planner / VLM. Unit level inside workerd: the
// job's image really is read from R2, but the chat endpoint is a fetch function that checks the
// request as a server would (the pool cannot reach a local HTTP server; the client's HTTP
// behaviour — timeouts, HTTP errors, malformed replies — is tested against a real one in
// packages/shared/src/reasoning/vlm.test.ts).
import { env } from "cloudflare:workers";
import { CAPABILITIES } from "@spatial/shared/spatial";
import { NO_IMAGE_NOTE, NO_VLM_NOTE, type ChatFetch } from "@spatial/shared/reasoning";
import { describe, expect, it } from "vitest";
import { livingRoom } from "../testing/scene.js";
import { answerAll, answerBackendsOf } from "./cache.js";

const graph = livingRoom();
const FREE_FORM = "What is the red chair made of?";
const vlm = { baseUrl: "https://vlm.example/v1", model: "SpaceQwen2.5-VL-3B-Instruct", apiKey: "vk" };

/** A chat-completions endpoint as a fetch: records each request, answers with `content`. */
function chatEndpoint(content: string | null, status = 200) {
  const requests: Array<{ url: string; headers: Record<string, string>; body: any }> = [];
  const fetch: ChatFetch = async (url, init) => {
    requests.push({ url, headers: init.headers, body: JSON.parse(init.body) });
    const body = content === null ? "{}" : JSON.stringify({ choices: [{ message: { role: "assistant", content } }] });
    return new Response(body, { status, headers: { "content-type": "application/json" } });
  };
  return { fetch, requests };
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

describe("answerBackendsOf", () => {
  it("none in the default wrangler.toml vars: follow-ups need no network", () => {
    expect(answerBackendsOf(env)).toEqual({});
  });

  it("a base URL and a model make a backend; keys and numbers are optional, bad numbers take the defaults", () => {
    expect(answerBackendsOf({ VLM_BASE_URL: vlm.baseUrl, VLM_MODEL: vlm.model, VLM_API_KEY: "vk", VLM_TIMEOUT_MS: "5000", VLM_MAX_TOKENS: "abc" })).toEqual({
      vlm: { baseUrl: vlm.baseUrl, model: vlm.model, apiKey: "vk", timeoutMs: 5000, maxTokens: undefined },
    });
    expect(answerBackendsOf({ PLANNER_BASE_URL: "http://p/v1", PLANNER_MODEL: "" })).toEqual({});
    expect(answerBackendsOf({ PLANNER_BASE_URL: "http://p/v1", PLANNER_MODEL: "qwen", PLANNER_TIMEOUT_MS: "-1" })).toEqual({ planner: { baseUrl: "http://p/v1", model: "qwen", apiKey: undefined, timeoutMs: undefined } });
  });
});

describe("answerAll with backends", () => {
  it("sends the job's image from R2 and the scene's facts to the VLM; its line says vlm and the model", async () => {
    const bytes = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7, 6, 5]);
    await env.BLOBS.put("img/vlm-test", bytes, { httpMetadata: { contentType: "image/jpeg" } });
    const endpoint = chatEndpoint("The red chair [obj-0] looks wooden, but I cannot tell for sure.");
    const questions = ["How far is the red chair from the blue chair?", FREE_FORM, "Is the cup soft?"];
    const lines = await answerAll(questions, graph, { backends: { vlm }, image: { blobs: env.BLOBS, key: "img/vlm-test", contentType: "image/jpeg" }, fetch: endpoint.fetch });

    expect(lines[0]).toMatchObject({ source: "program", answer: { type: "number" } });
    expect(lines[1]).toMatchObject({ source: "vlm", model: vlm.model, answer: { type: "text", text: "The red chair [obj-0] looks wooden, but I cannot tell for sure." } });
    expect(lines[1]!.objects.map((o) => o.id)).toEqual(["obj-0"]);
    // Only the two free-form questions reached the endpoint, each with the stored image.
    expect(endpoint.requests).toHaveLength(2);
    const [request] = endpoint.requests;
    expect(request!.url).toBe("https://vlm.example/v1/chat/completions");
    expect(request!.headers.authorization).toBe("Bearer vk");
    expect(request!.body.messages[1].content).toEqual([{ type: "text", text: FREE_FORM }, { type: "image_url", image_url: { url: `data:image/jpeg;base64,${base64(bytes)}` } }]);
    const chair = graph.objects.find((o) => o.id === "obj-0")!;
    expect(request!.body.messages[0].content).toContain(`obj-0: red chair; centre ${Math.hypot(...chair.centerCam).toFixed(2)} m from the camera`);
  });

  it("the image gone from R2: the program's reply and where to ask instead, no request", async () => {
    const endpoint = chatEndpoint("never");
    const [line] = await answerAll([FREE_FORM], graph, { backends: { vlm }, image: { blobs: env.BLOBS, key: "img/missing", contentType: "image/jpeg" }, fetch: endpoint.fetch });
    expect(line).toMatchObject({ source: "program" });
    expect(line!.answer.text.endsWith(NO_IMAGE_NOTE)).toBe(true);
    expect(endpoint.requests).toHaveLength(0);
  });

  it("an endpoint error is an error answer from the VLM followed by what the program can answer", async () => {
    await env.BLOBS.put("img/vlm-test-2", Uint8Array.from([1, 2, 3]));
    const endpoint = chatEndpoint(null, 502);
    const [line] = await answerAll([FREE_FORM], graph, { backends: { vlm }, image: { blobs: env.BLOBS, key: "img/vlm-test-2", contentType: "image/png" }, fetch: endpoint.fetch });
    expect(line).toMatchObject({ source: "vlm", model: vlm.model });
    expect(line!.answer.text).toMatch(/^I could not get an answer from the vision-language model \(SpaceQwen2\.5-VL-3B-Instruct\): the endpoint answered HTTP 502/);
    expect(line!.answer.text).toContain(CAPABILITIES);
  });

  it("no backends: the program's lines, and free-form questions are told they need a VLM", async () => {
    const [line] = await answerAll([FREE_FORM], graph);
    expect(line).toMatchObject({ source: "program" });
    expect(line!.answer.text.endsWith(NO_VLM_NOTE)).toBe(true);
  });
});
