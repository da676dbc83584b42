import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { office } from "../spatial/qa-fixtures.js";
import { askVlm, base64Of, VlmConfig } from "./vlm.js";
import { completion, startChatServer, userParts, type TestChatServer } from "./test-chat-server.js";

let server: TestChatServer;
beforeAll(async () => void (server = await startChatServer()));
afterAll(() => server.close());

const O = office();
// A tiny JPEG-looking payload: the client does not decode it, it forwards the bytes as a data URL.
const image = { bytes: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 3, 250, 251]), contentType: "image/jpeg" };
const dataUrl = `data:image/jpeg;base64,${Buffer.from(image.bytes).toString("base64")}`;

describe("askVlm against a local chat-completions server", () => {
  it("sends the image as a data URL and the scene's measurements, and returns the model's words as a VLM answer", async () => {
    server.reply = () => completion("The gray laptop [obj-6] looks open; I cannot tell which brand it is from this photo.");
    const result = await askVlm("What brand is the laptop?", O, image, { baseUrl: server.baseUrl, model: "SpaceQwen2.5-VL-3B", apiKey: "vlm-key", maxTokens: 200 });
    expect(result.ok).toBe(true);
    expect(result.answer).toMatchObject({ type: "text", text: "The gray laptop [obj-6] looks open; I cannot tell which brand it is from this photo.", objectIds: ["obj-6"] });
    expect(result.answer.value_m).toBeUndefined();
    expect(result.answer.bool).toBeUndefined();
    expect(result.answer.trace?.[0]).toMatchObject({ op: "vlm", detail: expect.stringMatching(/SpaceQwen2\.5-VL-3B.*not a measurement/) });

    const request = server.received.at(-1)!;
    expect(request.url).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer vlm-key");
    expect(request.body).toMatchObject({ model: "SpaceQwen2.5-VL-3B", max_tokens: 200 });
    expect(userParts(request.body)).toEqual({ text: "What brand is the laptop?", imageUrls: [dataUrl] });
    const system = request.body.messages[0]!.content as string;
    expect(system).toMatch(/consistent with those measurements/);
    expect(system).toMatch(/cannot tell/);
    // The laptop's centre is at (0.2, 5.0, 0.86) m in the world frame, the camera 1.5 m up at the origin.
    const laptop = O.objects.find((o) => o.id === "obj-6")!;
    expect(system).toContain(`obj-6: gray laptop; centre ${Math.hypot(...laptop.centerCam).toFixed(2)} m from the camera`);
    expect(system).toContain("0.35 wide × 0.22 tall × 0.25 deep");
    // Laptop to phone: centres (0.2, 5.0, 0.86) and (0.6, 4.9, 0.76), hypot(0.4, 0.1, 0.1) = 0.42 m;
    // 0.1 m farther and higher, over the 5 cm margin: behind and above.
    expect(system).toMatch(/obj-6–obj-7: centres 0\.42 m apart, gap [0-9.]+ m; obj-6 is left of, above, behind obj-7/);
  });

  it("holds the reply's lengths and relations to the measurements: a contradiction is said in the answer, each claim is a check step", async () => {
    // The laptop [obj-6] is left of, above and behind the phone [obj-7], their centres 0.42 m apart.
    server.reply = () => completion("The laptop [obj-6] is right of the phone [obj-7]. They are about 40 cm apart.");
    const result = await askVlm("How do the laptop and the phone sit?", O, image, { baseUrl: server.baseUrl, model: "m" });
    expect(result.ok).toBe(true);
    expect(result.answer.text).toBe('The laptop [obj-6] is right of the phone [obj-7]. They are about 40 cm apart. (Checked against the measurements, this disagrees: "right of" for obj-6 and obj-7, measured obj-6 is left of obj-7.)');
    expect(result.answer.trace?.map((s) => s.op)).toEqual(["vlm", "check", "check"]);
    expect(result.answer.trace?.[2].detail).toMatch(/"40 cm" \(obj-6–obj-7\): agrees with the measurements \(centres 0\.42 m apart\)/);
  });

  it("cites only ids the graph has", async () => {
    server.reply = () => completion("Probably [obj-99], next to [obj-7] and [obj-5].");
    const result = await askVlm("q", O, image, { baseUrl: server.baseUrl, model: "m" });
    expect(result.answer.objectIds).toEqual(["obj-7", "obj-5"]);
  });

  it("an endpoint that never answers: an error answer within timeoutMs, no throw", async () => {
    server.reply = () => "hang";
    const started = performance.now();
    const result = await askVlm("q", O, image, { baseUrl: server.baseUrl, model: "slow-vlm", timeoutMs: 300 });
    const ms = performance.now() - started;
    expect(result).toMatchObject({ ok: false, error: "it did not answer within 300 ms" });
    expect(result.answer).toMatchObject({ type: "text", text: "I could not get an answer from the vision-language model (slow-vlm): it did not answer within 300 ms.", objectIds: [] });
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(2000);
  });

  it("headers then a stalled body also time out", async () => {
    server.reply = () => "stall";
    const started = performance.now();
    const result = await askVlm("q", O, image, { baseUrl: server.baseUrl, model: "m", timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, error: "it did not answer within 300 ms" });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("HTTP 500, a reply that is not JSON, one that is not a chat completion and an empty one are error answers", async () => {
    server.reply = () => ({ status: 500, body: '{"error":"CUDA out of memory"}' });
    expect(await askVlm("q", O, image, { baseUrl: server.baseUrl, model: "m" })).toMatchObject({ ok: false, error: 'the endpoint answered HTTP 500 ({"error":"CUDA out of memory"})' });
    server.reply = () => ({ status: 200, body: '{"choices": [' });
    expect(await askVlm("q", O, image, { baseUrl: server.baseUrl, model: "m" })).toMatchObject({ ok: false, error: "its reply is not JSON" });
    server.reply = () => ({ status: 200, body: '{"result": "yes"}' });
    expect(await askVlm("q", O, image, { baseUrl: server.baseUrl, model: "m" })).toMatchObject({ ok: false, error: "its reply is not a chat completion (no choices[0].message)" });
    server.reply = () => completion("   ");
    expect(await askVlm("q", O, image, { baseUrl: server.baseUrl, model: "m" })).toMatchObject({ ok: false, error: "its reply is empty" });
  });

  it("an unreachable endpoint, a cancelled job and a bad configuration are error answers", async () => {
    const closed = await startChatServer();
    await closed.close();
    const unreachable = await askVlm("q", O, image, { baseUrl: closed.baseUrl, model: "m", timeoutMs: 2000 });
    expect(unreachable).toMatchObject({ ok: false, error: expect.stringMatching(/^the endpoint is unreachable \(ECONNREFUSED\)$/) });
    server.reply = () => "hang";
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await askVlm("q", O, image, { baseUrl: server.baseUrl, model: "m", timeoutMs: 10_000 }, { signal: controller.signal })).toMatchObject({ ok: false, error: "the request was cancelled" });
    expect(await askVlm("q", O, image, { baseUrl: "not a url", model: "m" })).toMatchObject({ ok: false, error: expect.stringMatching(/configuration is invalid \(baseUrl/) });
  });

  it("config defaults: 60 s timeout, 512 tokens; zod refuses a non-positive timeout", () => {
    expect(VlmConfig.parse({ baseUrl: "http://x/v1", model: "m" })).toMatchObject({ timeoutMs: 60_000, maxTokens: 512 });
    expect(VlmConfig.safeParse({ baseUrl: "http://x/v1", model: "m", timeoutMs: 0 }).success).toBe(false);
  });
});

describe("base64Of", () => {
  it("matches Node's encoder across the chunk boundary", () => {
    const bytes = Uint8Array.from({ length: 0x8000 * 2 + 7 }, (_, i) => (i * 7919) % 256);
    expect(base64Of(bytes)).toBe(Buffer.from(bytes).toString("base64"));
    expect(base64Of(new Uint8Array(0))).toBe("");
  });
});
