// Which backend answers a question, in order: the deterministic query program (always, no
// network); when the language cannot express the question at all (`unanswerable: "unmapped"`) and
// a deployment configured them, the LLM planner (its program is run by the same executor, so the
// answer is still measured), then a VLM (the model's words, grounded in the measurements). With
// nothing configured the reply is the program's "what I can answer", plus a note that free-form
// questions need a VLM backend. Questions the program answers, or refuses for a reason about the
// objects ("I could not find a piano"), never leave it: the backends are for what it cannot say.
import { z } from "zod";
import type { AnswerSource } from "../protocol/scene-output.js";
import type { Answer } from "../spatial/answer.js";
import { answerByProgram } from "../spatial/program/answer-question.js";
import { MAX_TRACE_STEPS, type TraceStep } from "../spatial/program/schema.js";
import type { SceneGraph } from "../spatial/scene-graph.js";
import type { ChatFetch } from "./chat-fetch.js";
import { executePlan, LlmPlannerConfig, planWithLlm } from "./llm-planner.js";
import { askVlm, VlmConfig, type VlmImage } from "./vlm.js";

/** A deployment's optional backends; neither is needed, and neither is called for questions the program expresses. */
export const AnswerBackends = z.object({ planner: LlmPlannerConfig.optional(), vlm: VlmConfig.optional() });
export type AnswerBackends = z.input<typeof AnswerBackends>;

/** An answer and who produced it (the `source` / `model` of the answer line). */
export interface SourcedAnswer {
  answer: Answer;
  source: AnswerSource;
  /** The planner's or VLM's model. */
  model?: string;
}

export interface AnswerBackendOptions {
  /** The image for the VLM; called only when the VLM is asked. null: the image is not available here. */
  image?: () => Promise<VlmImage | null>;
  fetch?: ChatFetch;
  /** Aborts a planner or VLM call (the job was cancelled). */
  signal?: AbortSignal;
}

export const NO_VLM_NOTE = "Free-form questions like this one need a vision-language model backend, and none is configured for this service.";
export const NO_IMAGE_NOTE = "A vision-language model is configured, but the image is not available to it here: ask this question with the job (in its questions) instead.";

const withTrace = (answer: Answer, lead: TraceStep[]): Answer => ({ ...answer, trace: [...lead, ...(answer.trace ?? [])].slice(0, MAX_TRACE_STEPS) });
const appendText = (answer: Answer, note: string): Answer => ({ ...answer, text: `${answer.text} ${note}` });

/** Answers one question with the program, else the configured planner, else the configured VLM. */
export async function answerWithBackends(question: string, graph: SceneGraph, backends: AnswerBackends = {}, options: AnswerBackendOptions = {}): Promise<SourcedAnswer> {
  const programmed = answerByProgram(question, graph);
  if (programmed.unanswerable !== "unmapped") return { answer: programmed.answer, source: "program" };
  const lead: TraceStep[] = [];

  if (backends.planner) {
    // A misconfigured planner is skipped and says why in the trace; it must not fail the question.
    const config = LlmPlannerConfig.safeParse(backends.planner);
    const { model } = backends.planner;
    const plan = config.success
      ? await planWithLlm(question, graph, config.data, options.fetch, options.signal)
      : { ok: false as const, error: `its configuration is invalid (${config.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})` };
    if (plan.ok) return { answer: executePlan(question, graph, plan.program, model), source: "planner", model };
    lead.push({ op: "plan", detail: `LLM planner (${model}) could not express it: ${plan.error}`.slice(0, 2000), objectIds: [] });
  }

  if (backends.vlm) {
    const { model } = backends.vlm;
    let image: VlmImage | null = null;
    try {
      image = (await options.image?.()) ?? null;
    } catch (error) {
      lead.push({ op: "vlm", detail: `the image could not be read: ${(error as Error).message}`.slice(0, 2000), objectIds: [] });
    }
    if (!image) return { answer: appendText(withTrace(programmed.answer, lead), NO_IMAGE_NOTE), source: "program" };
    const asked = await askVlm(question, graph, image, backends.vlm, { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    if (asked.ok) return { answer: withTrace(asked.answer, lead), source: "vlm", model };
    // The VLM failed: say so, then what the program can answer.
    const failed: Answer = { ...asked.answer, text: `${asked.answer.text} ${programmed.answer.text}`, trace: [...(asked.answer.trace ?? []), ...(programmed.answer.trace ?? [])] };
    return { answer: withTrace(failed, lead), source: "vlm", model };
  }

  return { answer: appendText(withTrace(programmed.answer, lead), NO_VLM_NOTE), source: "program" };
}
