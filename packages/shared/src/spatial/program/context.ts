// What every operation shares: the execution context, selecting exactly one or a set of objects
// with honest replies when a selector names none or several, and the refusal for objects without 3D.
import { answerQuery, type Answer } from "../answer.js";
import type { ParsedQuery } from "../query.js";
import type { SceneGraph, SceneObject } from "../scene-graph.js";
import { describe, select, type Selection } from "./select.js";
import type { Selector, TraceStep } from "./schema.js";

export interface Context {
  graph: SceneGraph;
  question: string;
  trace: TraceStep[];
}

export type Outcome = Answer;

export const text = (ctx: Context, message: string, objectIds: string[] = []): Outcome => ({ text: message, type: "text", objectIds, trace: ctx.trace });

export function failed(ctx: Context, s: Extract<Selection, { ok: false }>): Outcome {
  return text(ctx, s.message, s.objectIds);
}

/** Selects exactly one object (or the camera when `allowCamera`). */
export function one(ctx: Context, selector: Selector, allowCamera = false): { object: SceneObject | null } | Outcome {
  const s = select(ctx.graph, selector, ctx.trace);
  if (!s.ok) return failed(ctx, s);
  if (s.camera) return allowCamera ? { object: null } : text(ctx, "That question needs an object here, not the camera.");
  if (s.objects.length === 1) return { object: s.objects[0] };
  if (s.objects.length === 0) return text(ctx, `No object matches ${selector.kind === "objects" ? `"${selector.text}"` : "that description"} in this image.`);
  return text(ctx, `${selector.kind === "objects" ? `"${selector.text}"` : "That"} names ${s.objects.length} objects; I need exactly one there.`, s.objects.map((o) => o.id));
}

export const isOutcome = (x: unknown): x is Outcome => typeof x === "object" && x !== null && "type" in x && "text" in x;

export function noDepth(ctx: Context, objects: SceneObject[]): Outcome | null {
  const missing = objects.find((o) => o.pointCount === 0);
  return missing ? text(ctx, `I don't have reliable 3D points for ${describe(ctx.graph, missing)}, so I can't answer that without guessing.`, objects.map((o) => o.id)) : null;
}

/** Runs the legacy family answer (templates rendered from the structured value) on resolved objects. */
export function viaFamily(ctx: Context, query: ParsedQuery, step: string): Outcome {
  const answer = answerQuery(ctx.graph, query);
  ctx.trace.push({
    op: step,
    detail: `${query.family}${"relation" in query ? ` (${query.relation})` : ""} → ${answer.bool !== undefined ? (answer.bool ? "yes" : "no") : answer.choice ?? (answer.value_m !== undefined ? `${answer.value_m} m` : answer.clock_hour !== undefined ? `${answer.clock_hour} o'clock` : "no answer")}`,
    objectIds: answer.objectIds,
    ...(answer.value_m !== undefined ? { valueM: answer.value_m } : {}),
  });
  return { ...answer, trace: ctx.trace };
}

export function many(ctx: Context, selector: Selector): SceneObject[] | Outcome {
  const s = select(ctx.graph, selector, ctx.trace);
  if (!s.ok) return s.reason === "ambiguous" ? [...ctx.graph.objects.filter((o) => s.objectIds.includes(o.id))] : failed(ctx, s);
  if (s.camera) return text(ctx, "That question needs objects, not the camera.");
  return s.objects;
}
