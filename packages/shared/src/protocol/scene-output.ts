// The public JSON of a perceived scene and of answers, as DESIGN.md's `spatial` CLI contract fixes
// it (scripts and evaluations parse it). Snake_case and the field names are part of the contract.
import { z } from "zod";
import { Answer } from "../spatial/answer.js";
import { MAX_TRACE_STEPS, TraceStep } from "../spatial/program/schema.js";
import type { SceneGraph, SceneObject } from "../spatial/scene-graph.js";

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);

export const ObjectOutput = z.object({
  id: z.string(),
  label: z.string(),
  score: z.number(),
  box2d: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** Centre of the object's 3D box in the camera frame (OpenCV, metres). */
  center_cam: Vec3,
  size_m: z.object({ width: z.number(), height: z.number(), length: z.number() }),
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
});
export type SceneOutput = z.infer<typeof SceneOutput>;

/** An answer as printed: the structured value, without the graph-internal object ids (see `objects`). */
export const AnswerOutput = Answer.omit({ objectIds: true, unit: true, trace: true });
export type AnswerOutput = z.infer<typeof AnswerOutput>;

export const AskOutputLine = z.object({
  question: z.string(),
  answer: AnswerOutput,
  objects: z.array(ObjectOutput),
  /** The reasoning trace: the program's steps with the objects each selected and the value each measured. */
  trace: z.array(TraceStep).max(MAX_TRACE_STEPS).optional(),
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
  };
}

/** One JSON Lines record of `spatial ask`: the answer and the objects it used, in the order it used them. */
export function askOutputLine(question: string, answer: Answer, graph: SceneGraph): AskOutputLine {
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
  };
}
