// A vision-language model backend for the questions the query language cannot express: any
// OpenAI-compatible vision chat endpoint (vLLM or Ollama serving SpaceQwen2.5-VL or SpaceLLaVA, a
// hosted model). The image goes as a data URL; the prompt grounds the model in the scene graph's
// measurements (grounding.ts) and tells it to stay consistent with them and to say when it cannot
// tell. Its reply is the model's own words: a "text" answer with no structured value, marked as
// the VLM's (the caller labels it `source: "vlm"`), never as measured. Every failure — timeout,
// non-2xx, a body that is not a chat completion — becomes an error answer, never a throw or a hang.
// Its lengths and relations are then checked against the measurements (vlm-check.ts): each claim
// is a "check" step of the trace, and a contradiction is said at the end of the answer's text.
// Workers-safe: fetch, AbortSignal and btoa only.
import { z } from "zod";
import type { Answer } from "../spatial/answer.js";
import type { SceneGraph } from "../spatial/scene-graph.js";
import { chatCompletionsUrl, globalChatFetch, type ChatFetch } from "./chat-fetch.js";
import { groundingFacts } from "./grounding.js";
import { checkSteps, checkVlmReply, contradictionNote } from "./vlm-check.js";

export const VlmConfig = z.object({
  /** e.g. "http://127.0.0.1:8000/v1" (vLLM), "http://localhost:11434/v1" (Ollama). */
  baseUrl: z.string().url(),
  model: z.string().min(1),
  apiKey: z.string().optional(),
  /** The whole call, headers and body: past it the question gets an error answer. */
  timeoutMs: z.number().int().positive().default(60_000),
  maxTokens: z.number().int().positive().max(8192).default(512),
});
export type VlmConfig = z.input<typeof VlmConfig>;

/** The job's image as the VLM sees it. */
export interface VlmImage {
  bytes: Uint8Array;
  /** "image/jpeg", "image/png" or "image/webp". */
  contentType: string;
}

export type VlmResult = { ok: true; answer: Answer } | { ok: false; error: string; answer: Answer };

/** A reply longer than this is cut (a runaway model must not fill the answer line). */
const MAX_REPLY_CHARS = 4000;
/** Claim checks kept in the trace (a long reply must not crowd it). */
const MAX_CHECK_STEPS = 20;
/** Longest error body quoted back. */
const MAX_ERROR_QUOTE = 200;

const SYSTEM_PROMPT = [
  "You answer one question about the attached photo.",
  "A 3D perception system has measured the scene; its facts are listed below, with object ids.",
  "Stay consistent with those measurements: never contradict a listed distance, size or relation, and use them rather than your own guess for anything metric.",
  "Refer to an object by its name and its id in brackets, e.g. \"the black chair [obj-0]\".",
  "If neither the photo nor the facts let you tell, say that you cannot tell instead of guessing.",
  "Answer in one to three plain sentences.",
].join(" ");

/** Base64 without Node's Buffer (Workers, browsers): btoa over byte chunks. */
export function base64Of(bytes: Uint8Array): string {
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

export function dataUrlOf(image: VlmImage): string {
  return `data:${image.contentType};base64,${base64Of(image.bytes)}`;
}

/** The chat-completions request body: grounding facts as the system message, the question and the image as the user's. */
export function vlmRequestBody(question: string, graph: SceneGraph, image: VlmImage, config: z.output<typeof VlmConfig>): unknown {
  return {
    model: config.model,
    temperature: 0,
    max_tokens: config.maxTokens,
    messages: [
      { role: "system", content: `${SYSTEM_PROMPT}\n\n${groundingFacts(graph)}` },
      { role: "user", content: [{ type: "text", text: question }, { type: "image_url", image_url: { url: dataUrlOf(image) } }] },
    ],
  };
}

const ChatCompletion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]).nullable().optional() }) })).min(1),
});

function contentText(content: z.infer<typeof ChatCompletion>["choices"][number]["message"]["content"]): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((part) => part.text ?? "").join("");
}

/** The object ids the reply cites that the graph has, in order of first mention. */
function citedIds(text: string, graph: SceneGraph): string[] {
  const known = new Set(graph.objects.map((o) => o.id));
  return [...new Set([...text.matchAll(/\bobj-\d+\b/g)].map((x) => x[0]))].filter((id) => known.has(id));
}

function errorResult(config: { model: string }, error: string): VlmResult {
  return {
    ok: false,
    error,
    answer: {
      text: `I could not get an answer from the vision-language model (${config.model}): ${error}.`,
      type: "text",
      objectIds: [],
      trace: [{ op: "vlm", detail: `vision-language model ${config.model} failed: ${error}`.slice(0, 2000), objectIds: [] }],
    },
  };
}

function describeFailure(error: unknown, timeoutMs: number, cancelled: AbortSignal | undefined): string {
  if (cancelled?.aborted) return "the request was cancelled";
  const name = (error as { name?: string } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") return `it did not answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `the endpoint is unreachable (${cause?.code ?? cause?.message ?? (error as Error).message ?? String(error)})`;
}

/**
 * Asks the VLM one question about the image, grounded in the graph. Resolves within
 * `timeoutMs` (or when `signal` aborts) with the model's answer or an error answer; never throws.
 */
export async function askVlm(question: string, graph: SceneGraph, image: VlmImage, input: VlmConfig, options: { fetch?: ChatFetch; signal?: AbortSignal } = {}): Promise<VlmResult> {
  const parsedConfig = VlmConfig.safeParse(input);
  if (!parsedConfig.success) return errorResult({ model: String((input as { model?: unknown }).model ?? "unknown") }, `its configuration is invalid (${parsedConfig.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`);
  const config = parsedConfig.data;
  const fetchImpl = options.fetch ?? globalChatFetch;
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let status: number;
  let body: string;
  try {
    // The body is read under the same signal: a server that sends headers and then stalls times out too.
    const response = await fetchImpl(chatCompletionsUrl(config.baseUrl), {
      method: "POST",
      headers: { "content-type": "application/json", ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
      body: JSON.stringify(vlmRequestBody(question, graph, image, config)),
      signal,
    });
    status = response.status;
    body = await response.text();
    if (!response.ok) return errorResult(config, `the endpoint answered HTTP ${status}${body.trim() ? ` (${body.trim().slice(0, MAX_ERROR_QUOTE)})` : ""}`);
  } catch (error) {
    return errorResult(config, describeFailure(error, config.timeoutMs, options.signal));
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return errorResult(config, "its reply is not JSON");
  }
  const completion = ChatCompletion.safeParse(json);
  if (!completion.success) return errorResult(config, "its reply is not a chat completion (no choices[0].message)");
  const text = contentText(completion.data.choices[0]!.message.content).trim().slice(0, MAX_REPLY_CHARS);
  if (!text) return errorResult(config, "its reply is empty");
  const objectIds = citedIds(text, graph);
  // Its lengths and relations are held to the measurements: a contradiction is said in the answer.
  const checks = checkVlmReply(text, graph);
  const note = contradictionNote(checks);
  return {
    ok: true,
    answer: {
      text: note ? `${text} ${note}` : text,
      type: "text",
      objectIds,
      trace: [
        { op: "vlm", detail: `answered by the vision-language model ${config.model}, grounded in the scene's measurements; its words are not a measurement`.slice(0, 2000), objectIds },
        ...checkSteps(checks).slice(0, MAX_CHECK_STEPS),
      ],
    },
  };
}
