// The public JSON of a perceived scene and of answers, as DESIGN.md's `spatial` CLI contract fixes
// it (scripts and evaluations parse it). Snake_case and the field names are part of the contract.
import { z } from "zod";
import { Answer } from "../spatial/answer.js";
import { MAX_TRACE_STEPS, TraceStep } from "../spatial/program/schema.js";
import { MAX_QUESTION_CHARS } from "./limits.js";
import { ExtentSources, UnlocatedObject, type SceneGraph, type SceneObject } from "../spatial/scene-graph.js";

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);

export const ObjectOutput = z.object({
  id: z.string(),
  label: z.string(),
  score: z.number(),
  box2d: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** Centre of the WHOLE object's 3D box in the camera frame (OpenCV, metres), hidden parts included. */
  center_cam: Vec3,
  /** The whole object's extent (see `size_source`). */
  size_m: z.object({ width: z.number(), height: z.number(), length: z.number() }),
  /** The extent the depth points cover, when the whole-object box was completed beyond it. */
  visible_size_m: z.object({ width: z.number(), height: z.number(), length: z.number() }).optional(),
  /** Per dimension of `size_m`: measured, completed_from_priors or ground_contact. */
  size_source: ExtentSources.optional(),
  /** Number of 3D points behind the object after denoising (0: no usable depth on it). */
  points: z.number().int().nonnegative(),
});
export type ObjectOutput = z.infer<typeof ObjectOutput>;

export const SceneOutput = z.object({
  image: z.object({ width: z.number().int(), height: z.number().int() }),
  intrinsics: z.object({ fx: z.number(), fy: z.number(), cx: z.number(), cy: z.number(), source: z.string() }),
  depth: z.object({ source: z.string() }),
  canonicalized: z.boolean(),
  objects: z.array(ObjectOutput),
  /** Detected objects with no trustworthy 3D (never given a made-up centre or size); absent when none. */
  unlocated: z.array(UnlocatedObject).optional(),
});
export type SceneOutput = z.infer<typeof SceneOutput>;

/** An answer as printed: the structured value, without the graph-internal object ids (see `objects`). */
export const AnswerOutput = Answer.omit({ objectIds: true, unit: true, trace: true });
export type AnswerOutput = z.infer<typeof AnswerOutput>;

/**
 * Who produced an answer: `program` (the deterministic parser's query program), `planner` (an LLM
 * planner's query program, run by the same executor: still measured) or `vlm` (a vision-language
 * model's own words, grounded in the scene's measurements but not itself a measurement).
 */
export const AnswerSource = z.enum(["program", "planner", "vlm"]);
export type AnswerSource = z.infer<typeof AnswerSource>;

export const AskOutputLine = z.object({
  question: z.string().max(MAX_QUESTION_CHARS),
  answer: AnswerOutput,
  objects: z.array(ObjectOutput),
  /** The reasoning trace: the program's steps with the objects each selected and the value each measured. */
  trace: z.array(TraceStep).max(MAX_TRACE_STEPS).optional(),
  /** Who answered; absent in lines written before the field existed (read it as "program"). */
  source: AnswerSource.optional(),
  /** The planner's or VLM's model name, when `source` is "planner" or "vlm". */
  model: z.string().max(200).optional(),
});
export type AskOutputLine = z.infer<typeof AskOutputLine>;

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

export function objectOutput(o: SceneObject): ObjectOutput {
  return {
    id: o.id,
    label: o.label,
    score: round(o.score, 4),
    box2d: [round(o.box2d[0], 1), round(o.box2d[1], 1), round(o.box2d[2], 1), round(o.box2d[3], 1)],
    center_cam: [round(o.centerCam[0]), round(o.centerCam[1]), round(o.centerCam[2])],
    size_m: { width: round(o.box.widthM), height: round(o.box.heightM), length: round(o.box.lengthM) },
    ...(o.visibleBox ? { visible_size_m: { width: round(o.visibleBox.widthM), height: round(o.visibleBox.heightM), length: round(o.visibleBox.lengthM) } } : {}),
    ...(o.extentSource ? { size_source: o.extentSource } : {}),
    points: o.pointCount,
  };
}

export function sceneOutput(graph: SceneGraph): SceneOutput {
  const { fx, fy, cx, cy, source } = graph.intrinsics;
  return {
    image: graph.image,
    intrinsics: { fx: round(fx), fy: round(fy), cx: round(cx), cy: round(cy), source },
    depth: graph.depth,
    canonicalized: graph.frame.canonicalized,
    objects: graph.objects.map(objectOutput),
    ...(graph.unlocated?.length ? { unlocated: graph.unlocated.map((u) => ({ ...u, score: round(u.score, 4), box2d: [round(u.box2d[0], 1), round(u.box2d[1], 1), round(u.box2d[2], 1), round(u.box2d[3], 1)] as [number, number, number, number] })) } : {}),
  };
}

/** One JSON Lines record of `spatial ask`: the answer and the objects it used, in the order it used them. */
export function askOutputLine(question: string, answer: Answer, graph: SceneGraph, by: { source: AnswerSource; model?: string } = { source: "program" }): AskOutputLine {
  const byId = new Map(graph.objects.map((o) => [o.id, o]));
  return {
    question,
    answer: {
      text: answer.text,
      type: answer.type,
      ...(answer.bool !== undefined ? { bool: answer.bool } : {}),
      ...(answer.choice !== undefined ? { choice: answer.choice } : {}),
      ...(answer.value_m !== undefined ? { value_m: answer.value_m } : {}),
      ...(answer.clock_hour !== undefined ? { clock_hour: answer.clock_hour } : {}),
      ...(answer.count !== undefined ? { count: answer.count } : {}),
      ...(answer.items !== undefined ? { items: answer.items } : {}),
    },
    objects: answer.objectIds.flatMap((id) => (byId.has(id) ? [objectOutput(byId.get(id)!)] : [])),
    ...(answer.trace ? { trace: answer.trace } : {}),
    source: by.source,
    ...(by.model !== undefined ? { model: by.model.slice(0, 200) } : {}),
  };
}
