// An optional LLM planner: any OpenAI-compatible chat-completions endpoint with tool calls (a
// hosted model, a local vLLM or Ollama). Its tools are the query program's operations (one tool
// per `Program` op, parameters = that op's JSON schema), so the model can only choose what to
// compute: its call is validated against `Program` — unknown fields (an invented "value_m") are
// refused, not dropped silently — and run by the same executor as every other program. The
// deterministic parser stays the default and needs no network; `answerWithPlanner` falls back to
// it whenever the endpoint fails or returns something that is not a valid program.
import { z } from "zod";
import type { Answer } from "../spatial/answer.js";
import { answerByProgram } from "../spatial/program/answer-question.js";
import { execute } from "../spatial/program/execute.js";
import { MAX_TRACE_STEPS, Program } from "../spatial/program/schema.js";
import type { SceneGraph } from "../spatial/scene-graph.js";
import { chatCompletionsUrl, globalChatFetch, type ChatFetch } from "./chat-fetch.js";

export const LlmPlannerConfig = z.object({
  /** e.g. "http://127.0.0.1:8000/v1" (vLLM), "http://localhost:11434/v1" (Ollama). */
  baseUrl: z.string().url(),
  model: z.string().min(1),
  apiKey: z.string().optional(),
  timeoutMs: z.number().int().positive().default(20_000),
});
export type LlmPlannerConfig = z.input<typeof LlmPlannerConfig>;


const DESCRIPTIONS: Record<Program["op"], string> = {
  compare: "Yes/no or which-of-two for a relation between two objects (left, right, above, below, behind, in_front, taller, shorter, wider, thinner, bigger, smaller).",
  measure: "A length between two objects or of one (distance, gap, horizontal_distance, vertical_distance, width, height, elevation, direction); b may be the camera for distance.",
  count: "How many objects the target selector names.",
  list: "Which objects the target selector names.",
  identify: "The one object a selector with a pick (superlative or ordinal) names.",
  rank: "The target's objects ordered by a key.",
  relate: "Yes/no: is a on / under / next_to / near / within distanceM of b.",
  closer: "Is a closer to b than to c (farther: farther from b than from c); choice: which of b and c is closer to a.",
  triangle: "Do the target's three objects form a roughly equilateral triangle.",
  fit: "Would something widthM wide fit in the gap between a and b.",
  stack: "Height of the stack the target's objects form.",
  premise: "Check the premise of a why-question before answering it.",
  exists: "Is there any object the target selector names.",
  side: "On which side (left / right) of b is a.",
  same: "Do a and b name the same object (e.g. is the clock the largest object).",
  difference: "How much more of a key (height, width, distance, elevation) a has than b.",
  alike: "Are the target's two objects about the same for a relation's measure.",
  between: "Which of the target's objects lie between a and b.",
  threshold: "Is a measured family (distance, gap, width, height, …) of a (and b) greater / less than thresholdM.",
  every: "Does every object of the target satisfy the filter.",
  where: "Where a is relative to b, or in view when b is absent.",
};

const OP_SCHEMAS = (Program as unknown as { options: Array<z.ZodObject<{ op: z.ZodLiteral<Program["op"]> }>> }).options;

/** The tools offered to the model: one per operation, parameters from the program schema. */
export function plannerTools(): Array<{ type: "function"; function: { name: string; description: string; parameters: unknown } }> {
  return OP_SCHEMAS.map((schema) => {
    const op = schema.shape.op.value;
    const parameters = z.toJSONSchema(schema.omit({ op: true }));
    delete (parameters as { $schema?: string }).$schema;
    return { type: "function", function: { name: op, description: DESCRIPTIONS[op], parameters } };
  });
}

/** Every key of `raw` (recursively) that `parsed` lacks: fields the schema does not know. */
function unknownKeys(raw: unknown, parsed: unknown, path = ""): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed)) return raw.flatMap((r, i) => unknownKeys(r, parsed[i], `${path}[${i}]`));
  if (raw === null || typeof raw !== "object" || parsed === null || typeof parsed !== "object") return [];
  return Object.entries(raw as Record<string, unknown>).flatMap(([k, v]) => (k in (parsed as object) ? unknownKeys(v, (parsed as Record<string, unknown>)[k], `${path}.${k}`) : [`${path}.${k}`]));
}

function sceneSummary(graph: SceneGraph): string {
  // Names only, never measurements: the program computes every number from the graph.
  return graph.objects.map((o) => `${o.id}: ${o.attributes.color ? `${o.attributes.color.name} ` : ""}${o.label} (${o.attributes.imagePosition} of the image)`).join("\n");
}

export type PlanResult = { ok: true; program: Program } | { ok: false; error: string };

/** Asks the model for one tool call and validates it as a program. */
export async function planWithLlm(question: string, graph: SceneGraph, config: LlmPlannerConfig, fetchImpl: ChatFetch = globalChatFetch, signal?: AbortSignal): Promise<PlanResult> {
  const { baseUrl, model, apiKey, timeoutMs } = LlmPlannerConfig.parse(config);
  const body = {
    model,
    temperature: 0,
    tool_choice: "required",
    tools: plannerTools(),
    messages: [
      { role: "system", content: "You turn a spatial question about one image into exactly one call of the given tools. Selectors name objects by noun (term and concept, e.g. {\"term\":\"chair\",\"concept\":\"chair\"}), colour, image position, filters and picks; use kind \"camera\" for the viewer and kind \"ids\" for objects listed below. Never answer in text and never supply measurements: the tools compute them.\nObjects in the image:\n" + sceneSummary(graph) },
      { role: "user", content: question },
    ],
  };
  let response: Awaited<ReturnType<ChatFetch>>;
  let text: string;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    // The body is read under the same signal: a server that sends headers and then stalls times out too.
    response = await fetchImpl(chatCompletionsUrl(baseUrl), {
      method: "POST",
      headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    text = await response.text();
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    if (signal?.aborted) return { ok: false, error: "the planner request was cancelled" };
    if (name === "TimeoutError" || name === "AbortError") return { ok: false, error: `planner endpoint did not answer within ${timeoutMs} ms` };
    return { ok: false, error: `planner endpoint unreachable: ${(error as Error).message}` };
  }
  if (!response.ok) return { ok: false, error: `planner endpoint answered HTTP ${response.status}` };
  let payload: { choices?: Array<{ message?: { tool_calls?: Array<{ function?: { name?: string; arguments?: string } }> } }> };
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch {
    return { ok: false, error: "planner endpoint's reply is not JSON" };
  }
  const call = Array.isArray(payload?.choices) ? payload.choices[0]?.message?.tool_calls?.[0]?.function : undefined;
  if (!call?.name) return { ok: false, error: "the model made no tool call" };
  let args: unknown;
  try {
    args = JSON.parse(call.arguments ?? "{}");
  } catch {
    return { ok: false, error: "the tool call's arguments are not JSON" };
  }
  const raw = { ...(args as object), op: call.name };
  const parsed = Program.safeParse(raw);
  if (!parsed.success) return { ok: false, error: `the tool call is not a valid program: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
  const extra = unknownKeys(raw, parsed.data);
  if (extra.length) return { ok: false, error: `the tool call has fields no operation takes: ${extra.join(", ")}` };
  return { ok: true, program: parsed.data };
}

/** Runs a planned program; the trace's first step says the LLM planner chose it. */
export function executePlan(question: string, graph: SceneGraph, program: Program, model: string): Answer {
  const answer = execute(graph, program, question);
  return { ...answer, trace: [{ op: "plan", detail: `LLM planner (${model}) chose ${program.op}`.slice(0, 2000), objectIds: [] }, ...(answer.trace ?? [])].slice(0, MAX_TRACE_STEPS) };
}

/**
 * Answers with the LLM's program when a planner is configured and its call is valid, else with the
 * deterministic parser. The trace's first step says which planned it.
 */
export async function answerWithPlanner(question: string, graph: SceneGraph, config: LlmPlannerConfig | null, fetchImpl?: ChatFetch): Promise<Answer> {
  if (config) {
    const plan = await planWithLlm(question, graph, config, fetchImpl);
    if (plan.ok) return executePlan(question, graph, plan.program, config.model);
    const answer = answerByProgram(question, graph).answer;
    return { ...answer, trace: [{ op: "plan", detail: `deterministic parser (LLM planner refused: ${plan.error})`.slice(0, 2000), objectIds: [] }, ...(answer.trace ?? [])] };
  }
  const answer = answerByProgram(question, graph).answer;
  return { ...answer, trace: [{ op: "plan", detail: "deterministic parser", objectIds: [] }, ...(answer.trace ?? [])] };
}
