// Operations on two or three named objects: the families (compare, measure), contact and
// proximity, sides, identity, thresholds, "where", differences, three-object distances, fits and
// false premises.
import { familyOf, SINGLE_OBJECT_FAMILIES } from "../families.js";
import { measure } from "../measurements.js";
import { relationSign } from "../relations.js";
import type { SceneObject } from "../scene-graph.js";
import { type Context, failed, isOutcome, noDepth, one, type Outcome, text, viaFamily } from "./context.js";
import { bottomM, gapM, holds, isOn, topM } from "./proximity.js";
import * as render from "./render.js";
import type { Program, Selector } from "./schema.js";
import { describe, keyValue, round3, select } from "./select.js";

/** The two objects the selectors name, both with trustworthy 3D; else the outcome that says why not. */
function locatedPair(ctx: Context, a: Selector, b: Selector): [SceneObject, SceneObject] | Outcome {
  const first = one(ctx, a);
  if (isOutcome(first)) return first;
  const second = one(ctx, b);
  if (isOutcome(second)) return second;
  const pair: [SceneObject, SceneObject] = [first.object!, second.object!];
  return noDepth(ctx, pair) ?? pair;
}

export function compare(ctx: Context, p: Extract<Program, { op: "compare" }>): Outcome {
  const a = one(ctx, p.a);
  if (isOutcome(a)) return a;
  const b = one(ctx, p.b);
  if (isOutcome(b)) return b;
  if (a.object!.id === b.object!.id) return text(ctx, `Both names point to ${describe(ctx.graph, a.object!, p.a)}; I need two different objects.`, [a.object!.id]);
  const family = familyOf(p.relation);
  return viaFamily(ctx, { form: p.form, family, relation: p.relation, objectIds: [a.object!.id, b.object!.id], question: ctx.question }, "compare");
}

export function measureOp(ctx: Context, p: Extract<Program, { op: "measure" }>): Outcome {
  const a = one(ctx, p.a, true);
  if (isOutcome(a)) return a;
  if (SINGLE_OBJECT_FAMILIES.has(p.family) || !p.b) {
    if (!a.object) return text(ctx, "That measures an object, and you named only the camera.");
    return viaFamily(ctx, { form: "quantity", family: p.family, objectIds: [a.object.id], unit: p.unit, question: ctx.question }, "measure");
  }
  const b = one(ctx, p.b, true);
  if (isOutcome(b)) return b;
  if (!a.object || !b.object) {
    const target = a.object ?? b.object;
    if (!target) return text(ctx, "Both ends of that distance are the camera.");
    const refused = noDepth(ctx, [target]);
    if (refused) return refused;
    const valueM = Math.hypot(...target.centerCam);
    ctx.trace.push({ op: "measure", detail: `distance from the camera to ${describe(ctx.graph, target)} (box centre)`, objectIds: [target.id], valueM: round3(valueM) });
    return render.cameraDistance(ctx.trace, target, describe(ctx.graph, target, a.object ? p.a : p.b), valueM, p.unit);
  }
  if (a.object.id === b.object.id) return text(ctx, `Both names point to ${describe(ctx.graph, a.object, p.a)}; I need two different objects.`, [a.object.id]);
  return viaFamily(ctx, { form: "quantity", family: p.family, objectIds: [a.object.id, b.object.id], unit: p.unit, question: ctx.question }, "measure");
}

export function relate(ctx: Context, p: Extract<Program, { op: "relate" }>): Outcome {
  const a = one(ctx, p.a);
  if (isOutcome(a)) return a;
  const b = one(ctx, p.b);
  if (isOutcome(b)) return b;
  const A = a.object!, B = b.object!;
  if (A.id === B.id) return text(ctx, `Both names point to ${describe(ctx.graph, A, p.a)}; I need two different objects.`, [A.id]);
  const refused = noDepth(ctx, [A, B]);
  if (refused) return refused;
  const gap = gapM(ctx.graph, A, B);
  const result = holds(ctx.graph, p.relation, A, B, p.distanceM);
  ctx.trace.push({ op: "relate", detail: `${p.relation}: gap ${round3(gap)} m, bottom/top ${round3(bottomM(A))}/${round3(topM(B))} m → ${result ? "yes" : "no"}`, objectIds: [A.id, B.id], valueM: round3(gap) });
  return render.relate(ctx.trace, p.relation, describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b), [A.id, B.id], result, gap, p.distanceM, isOn(B, A));
}

export function side(ctx: Context, p: Extract<Program, { op: "side" }>): Outcome {
  const pair = locatedPair(ctx, p.a, p.b);
  if (isOutcome(pair)) return pair;
  const [A, B] = pair;
  const sign = relationSign("left", A, B);
  const side = sign > 0 ? "left" : sign < 0 ? "right" : null;
  ctx.trace.push({ op: "compare", detail: `x of ${A.id} − x of ${B.id} (right positive) → ${side ?? "about even"}`, objectIds: [A.id, B.id], valueM: round3(A.box.center[0] - B.box.center[0]) });
  return render.side(ctx.trace, describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b), [A.id, B.id], side);
}

export function same(ctx: Context, p: Extract<Program, { op: "same" }>): Outcome {
  const a = one(ctx, p.a);
  if (isOutcome(a)) return a;
  const s = select(ctx.graph, p.b, ctx.trace);
  if (!s.ok) return failed(ctx, s);
  if (s.camera || s.objects.length !== 1) return text(ctx, "That description does not name a single object.", s.objects.map((o) => o.id));
  const A = a.object!, B = s.objects[0];
  const refused = noDepth(ctx, [A, B]);
  if (refused) return refused;
  ctx.trace.push({ op: "compare", detail: `same object? ${A.id} = ${B.id} → ${A.id === B.id ? "yes" : "no"}`, objectIds: [A.id, B.id] });
  const noun = p.b.kind === "objects" && p.b.noun ? p.b.noun.term : "object";
  return render.same(ctx.trace, describe(ctx.graph, A, p.a), describe(ctx.graph, B), (s.phrase ?? "{noun}").replace("{noun}", noun), [A.id, B.id], A.id === B.id);
}

export function threshold(ctx: Context, p: Extract<Program, { op: "threshold" }>): Outcome {
  const a = one(ctx, p.a, true);
  if (isOutcome(a)) return a;
  const b = p.b ? one(ctx, p.b, true) : { object: null };
  if (isOutcome(b)) return b;
  const objects = [a.object, b.object].filter((o): o is SceneObject => o !== null);
  if (objects.length === 0) return text(ctx, "That needs an object, not only the camera.");
  const refused = noDepth(ctx, objects);
  if (refused) return refused;
  let valueM: number;
  if (objects.length === 1 && p.b && p.family === "distance") valueM = Math.hypot(...objects[0].centerCam);
  else {
    const m = measure(ctx.graph, p.family, objects[0], objects[1]);
    valueM = (m as { valueM: number }).valueM;
  }
  const holds = p.greater ? valueM > p.thresholdM : valueM < p.thresholdM;
  ctx.trace.push({ op: "measure", detail: `${p.family}${objects.length === 1 && p.b ? " from the camera" : ""}`, objectIds: objects.map((o) => o.id), valueM: round3(valueM) });
  ctx.trace.push({ op: "compare", detail: `${round3(valueM)} m ${p.greater ? ">" : "<"} ${p.thresholdM} m → ${holds ? "yes" : "no"}`, objectIds: objects.map((o) => o.id) });
  const names = objects.map((o, i) => describe(ctx.graph, o, i === 0 ? p.a : p.b));
  return render.threshold(ctx.trace, p.family, names, objects.map((o) => o.id), valueM, p.thresholdM, p.greater, holds);
}

export function where(ctx: Context, p: Extract<Program, { op: "where" }>): Outcome {
  const a = one(ctx, p.a);
  if (isOutcome(a)) return a;
  const A = a.object!;
  if (!p.b) {
    const refused = noDepth(ctx, [A]);
    if (refused) return refused;
    const rangeM = Math.hypot(...A.centerCam);
    ctx.trace.push({ op: "measure", detail: "distance from the camera; image third", objectIds: [A.id], valueM: round3(rangeM) });
    return render.whereInView(ctx.trace, describe(ctx.graph, A, p.a), A, rangeM);
  }
  const b = one(ctx, p.b);
  if (isOutcome(b)) return b;
  const B = b.object!;
  const refused = noDepth(ctx, [A, B]);
  if (refused) return refused;
  const facts: string[] = [];
  if (isOn(A, B)) facts.push("on");
  else if (holds(ctx.graph, "under", A, B)) facts.push("under");
  for (const relation of ["left", "right", "in_front", "behind", "above", "below"] as const) {
    if ((relation === "above" || relation === "below") && facts.length && (facts[0] === "on" || facts[0] === "under")) continue;
    if (relationSign(relation, A, B) > 0) facts.push(relation);
  }
  const distance = (measure(ctx.graph, "distance", A, B) as { valueM: number }).valueM;
  ctx.trace.push({ op: "relate", detail: `relations of ${A.id} to ${B.id}: ${facts.join(", ") || "none clear"}`, objectIds: [A.id, B.id], valueM: round3(distance) });
  return render.whereRelative(ctx.trace, describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b), [A.id, B.id], facts, distance);
}

export function difference(ctx: Context, p: Extract<Program, { op: "difference" }>): Outcome {
  const pair = locatedPair(ctx, p.a, p.b);
  if (isOutcome(pair)) return pair;
  const [A, B] = pair;
  // "How much farther is A than B": centre ranges, like every other measurement.
  const range = (o: SceneObject) => Math.hypot(...o.centerCam);
  const va = p.key === "distance" ? range(A) : keyValue(p.key, A, null, ctx.graph), vb = p.key === "distance" ? range(B) : keyValue(p.key, B, null, ctx.graph);
  ctx.trace.push({ op: "measure", detail: `${p.key} of ${A.id}`, objectIds: [A.id], valueM: round3(va) });
  ctx.trace.push({ op: "measure", detail: `${p.key} of ${B.id}`, objectIds: [B.id], valueM: round3(vb) });
  ctx.trace.push({ op: "subtract", detail: `${A.id} − ${B.id}`, objectIds: [A.id, B.id], valueM: round3(va - vb) });
  return render.difference(ctx.trace, p.key, describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b), [A.id, B.id], va - vb, p.unit);
}

export function closer(ctx: Context, p: Extract<Program, { op: "closer" }>): Outcome {
  const parts = [p.a, p.b, p.c].map((s) => one(ctx, s));
  for (const part of parts) if (isOutcome(part)) return part;
  const [A, B, C] = parts.map((x) => (x as { object: SceneObject }).object);
  if (new Set([A.id, B.id, C.id]).size < 3) return text(ctx, "That question needs three different objects.", [A.id, B.id, C.id]);
  const refused = noDepth(ctx, [A, B, C]);
  if (refused) return refused;
  const toB = measure(ctx.graph, "distance", A, B) as { valueM: number };
  const toC = measure(ctx.graph, "distance", A, C) as { valueM: number };
  ctx.trace.push({ op: "measure", detail: `distance ${A.id}–${B.id}`, objectIds: [A.id, B.id], valueM: round3(toB.valueM) });
  ctx.trace.push({ op: "measure", detail: `distance ${A.id}–${C.id}`, objectIds: [A.id, C.id], valueM: round3(toC.valueM) });
  // Within 5% (at least 5 cm) of each other the two distances are too close to call.
  const margin = Math.max(0.05, 0.05 * Math.max(toB.valueM, toC.valueM));
  const diff = toC.valueM - toB.valueM;
  const verdict = Math.abs(diff) < margin ? null : p.farther ? diff < 0 : diff > 0;
  ctx.trace.push({ op: "compare", detail: `${p.farther ? "farther from" : "closer to"} ${B.id} than ${C.id} → ${verdict === null ? "too close to call" : verdict ? "yes" : "no"}`, objectIds: [A.id, B.id, C.id] });
  const names = [describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b), describe(ctx.graph, C, p.c)];
  if (p.choice) return render.closerChoice(ctx.trace, names, [A, B, C], toB.valueM, toC.valueM, p.farther, verdict);
  return render.closer(ctx.trace, names, [A.id, B.id, C.id], toB.valueM, toC.valueM, p.farther, verdict);
}

export function fit(ctx: Context, p: Extract<Program, { op: "fit" }>): Outcome {
  const pair = locatedPair(ctx, p.a, p.b);
  if (isOutcome(pair)) return pair;
  const [A, B] = pair;
  const gap = gapM(ctx.graph, A, B);
  const fits = gap >= p.widthM;
  ctx.trace.push({ op: "measure", detail: `gap between ${A.id} and ${B.id}`, objectIds: [A.id, B.id], valueM: round3(gap) });
  ctx.trace.push({ op: "compare", detail: `gap ${round3(gap)} m ≥ width ${p.widthM} m → ${fits ? "yes" : "no"}`, objectIds: [A.id, B.id] });
  return render.fit(ctx.trace, describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b), [A.id, B.id], p.widthM, gap, fits, p.unit);
}

export function premise(ctx: Context, p: Extract<Program, { op: "premise" }>): Outcome {
  const a = one(ctx, p.premise.a);
  if (isOutcome(a)) return a;
  const b = one(ctx, p.premise.b);
  if (isOutcome(b)) return b;
  const A = a.object!, B = b.object!;
  const refused = noDepth(ctx, [A, B]);
  if (refused) return refused;
  const sign = relationSign(p.premise.relation, A, B);
  ctx.trace.push({ op: "check premise", detail: `${p.premise.relation}(${A.id}, ${B.id}) → ${sign > 0 ? "holds" : sign < 0 ? "does not hold" : "too close to call"}`, objectIds: [A.id, B.id] });
  return render.premise(ctx.trace, p.premise.relation, describe(ctx.graph, A, p.premise.a), describe(ctx.graph, B, p.premise.b), [A.id, B.id], sign);
}
