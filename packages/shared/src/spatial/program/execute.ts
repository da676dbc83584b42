// Executes a query program on a scene graph: the selectors run first (select.ts), then the one
// operation, each appending trace steps. The sentence of every answer is rendered from its
// structured value (bool / choice / count / value_m / items) in render.ts or by the family
// templates, never composed separately, so the two cannot disagree.
import { answerQuery, type Answer } from "../answer.js";
import { measure, upIsAssumed } from "../measurements.js";
import type { ParsedQuery } from "../query.js";
import { relationSign } from "../relations.js";
import type { SceneGraph, SceneObject } from "../scene-graph.js";
import { familyOf, SINGLE_OBJECT_FAMILIES } from "../families.js";
import { bottomM, gapM, holds, isBetween, isOn, topM } from "./proximity.js";
import * as render from "./render.js";
import { MAX_TRACE_STEPS, type Program, type Selector, type TraceStep } from "./schema.js";
import { describe, keyValue, KEY_IS_LENGTH, round3, select, type Selection } from "./select.js";

/** Side lengths within this share of their mean make a "roughly equilateral" triangle: max − min ≤ 15% of the mean side. */
export const EQUILATERAL_TOLERANCE = 0.15;

interface Context {
  graph: SceneGraph;
  question: string;
  trace: TraceStep[];
}

type Outcome = Answer;

const text = (ctx: Context, message: string, objectIds: string[] = []): Outcome => ({ text: message, type: "text", objectIds, trace: ctx.trace });

function failed(ctx: Context, s: Extract<Selection, { ok: false }>): Outcome {
  return text(ctx, s.message, s.objectIds);
}

/** Selects exactly one object (or the camera when `allowCamera`). */
function one(ctx: Context, selector: Selector, allowCamera = false): { object: SceneObject | null } | Outcome {
  const s = select(ctx.graph, selector, ctx.trace);
  if (!s.ok) return failed(ctx, s);
  if (s.camera) return allowCamera ? { object: null } : text(ctx, "That question needs an object here, not the camera.");
  if (s.objects.length === 1) return { object: s.objects[0] };
  if (s.objects.length === 0) return text(ctx, `No object matches ${selector.kind === "objects" ? `"${selector.text}"` : "that description"} in this image.`);
  return text(ctx, `${selector.kind === "objects" ? `"${selector.text}"` : "That"} names ${s.objects.length} objects; I need exactly one there.`, s.objects.map((o) => o.id));
}

const isOutcome = (x: unknown): x is Outcome => typeof x === "object" && x !== null && "type" in x && "text" in x;

function noDepth(ctx: Context, objects: SceneObject[]): Outcome | null {
  const missing = objects.find((o) => o.pointCount === 0);
  return missing ? text(ctx, `I don't have reliable 3D points for ${describe(ctx.graph, missing)}, so I can't answer that without guessing.`, objects.map((o) => o.id)) : null;
}

/** Runs the legacy family answer (templates rendered from the structured value) on resolved objects. */
function viaFamily(ctx: Context, query: ParsedQuery, step: string): Outcome {
  const answer = answerQuery(ctx.graph, query);
  ctx.trace.push({
    op: step,
    detail: `${query.family}${"relation" in query ? ` (${query.relation})` : ""} → ${answer.bool !== undefined ? (answer.bool ? "yes" : "no") : answer.choice ?? (answer.value_m !== undefined ? `${answer.value_m} m` : answer.clock_hour !== undefined ? `${answer.clock_hour} o'clock` : "no answer")}`,
    objectIds: answer.objectIds,
    ...(answer.value_m !== undefined ? { valueM: answer.value_m } : {}),
  });
  return { ...answer, trace: ctx.trace };
}

function compare(ctx: Context, p: Extract<Program, { op: "compare" }>): Outcome {
  const a = one(ctx, p.a);
  if (isOutcome(a)) return a;
  const b = one(ctx, p.b);
  if (isOutcome(b)) return b;
  if (a.object!.id === b.object!.id) return text(ctx, `Both names point to ${describe(ctx.graph, a.object!, p.a)}; I need two different objects.`, [a.object!.id]);
  const family = familyOf(p.relation);
  return viaFamily(ctx, { form: p.form, family, relation: p.relation, objectIds: [a.object!.id, b.object!.id], question: ctx.question }, "compare");
}

function measureOp(ctx: Context, p: Extract<Program, { op: "measure" }>): Outcome {
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
    return render.cameraDistance(ctx.graph, ctx.trace, target, describe(ctx.graph, target, a.object ? p.a : p.b), valueM, p.unit);
  }
  if (a.object.id === b.object.id) return text(ctx, `Both names point to ${describe(ctx.graph, a.object, p.a)}; I need two different objects.`, [a.object.id]);
  return viaFamily(ctx, { form: "quantity", family: p.family, objectIds: [a.object.id, b.object.id], unit: p.unit, question: ctx.question }, "measure");
}

function many(ctx: Context, selector: Selector): SceneObject[] | Outcome {
  const s = select(ctx.graph, selector, ctx.trace);
  if (!s.ok) return s.reason === "ambiguous" ? [...ctx.graph.objects.filter((o) => s.objectIds.includes(o.id))] : failed(ctx, s);
  if (s.camera) return text(ctx, "That question needs objects, not the camera.");
  return s.objects;
}

function count(ctx: Context, p: Extract<Program, { op: "count" }>): Outcome {
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) {
    // "How many giraffes?" when there are none is a count of zero, unless the object was seen unplaced.
    if (p.target.kind === "objects" && p.target.noun && /could not find any/.test(objects.text)) return render.count(ctx.trace, p.target, []);
    return objects;
  }
  ctx.trace.push({ op: "count", detail: `count → ${objects.length}`, objectIds: objects.map((o) => o.id), value: objects.length });
  return render.count(ctx.trace, p.target, objects);
}

function list(ctx: Context, p: Extract<Program, { op: "list" }>): Outcome {
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  ctx.trace.push({ op: "list", detail: `list → ${objects.length}`, objectIds: objects.map((o) => o.id), value: objects.length });
  return render.list(ctx.graph, ctx.trace, p.target, objects);
}

function identify(ctx: Context, p: Extract<Program, { op: "identify" }>): Outcome {
  const s = select(ctx.graph, p.target, ctx.trace);
  if (!s.ok) return failed(ctx, s);
  if (s.camera || s.objects.length !== 1) return text(ctx, s.camera ? "That is the camera." : `No single object matches "${p.target.kind === "objects" ? p.target.text : "that"}".`, s.objects.map((o) => o.id));
  const refused = noDepth(ctx, s.objects);
  if (refused) return refused;
  const answer = render.identify(ctx.graph, ctx.trace, p.target, s.objects[0], s.phrase);
  return withTruncationNote(ctx, answer, p.target.kind === "objects" ? p.target.pick?.key : undefined, s.objects[0]);
}

/**
 * Sizes of objects cut off by the image border are lower bounds (scene-graph.ts `truncated`): when
 * a size superlative or ranking passed over such an object, the sentence says so.
 */
function withTruncationNote(ctx: Context, answer: Outcome, key: string | undefined, chosen: SceneObject | null): Outcome {
  if (key !== "height" && key !== "width" && key !== "volume") return answer;
  const considered = new Set(ctx.trace.filter((t) => t.op === "select").flatMap((t) => t.objectIds));
  const cut = ctx.graph.objects.filter((o) => considered.has(o.id) && o.attributes.truncated && o.id !== chosen?.id);
  if (cut.length === 0) return answer;
  const names = cut.map((o) => describe(ctx.graph, o));
  return { ...answer, text: `${answer.text} (${render.joinAnd(names)} ${cut.length === 1 ? "is" : "are"} cut off by the image border, so ${cut.length === 1 ? "its" : "their"} size is only a lower bound.)` };
}

function referenceOf(ctx: Context, selector: Selector | undefined): { object: SceneObject | null; name: string } | Outcome {
  if (!selector || selector.kind === "camera") return { object: null, name: "the camera" };
  const r = one(ctx, selector);
  if (isOutcome(r)) return r;
  return { object: r.object, name: describe(ctx.graph, r.object!, selector) };
}

function rank(ctx: Context, p: Extract<Program, { op: "rank" }>): Outcome {
  const reference = referenceOf(ctx, p.reference);
  if (isOutcome(reference)) return reference;
  let objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  objects = objects.filter((o) => o.id !== reference.object?.id);
  const refused = noDepth(ctx, objects);
  if (refused) return refused;
  const sign = p.order === "max" ? -1 : 1;
  const values = new Map(objects.map((o) => [o.id, keyValue(p.key, o, reference.object)]));
  const sorted = [...objects].sort((a, b) => sign * (values.get(a.id)! - values.get(b.id)!));
  ctx.trace.push({ op: "rank", detail: `order by ${p.key}${p.key === "distance" ? ` to ${reference.name}` : ""}, ${p.order === "max" ? "largest" : "smallest"} first: ${sorted.map((o) => `${o.id} ${round3(values.get(o.id)!)}`).join(", ")}`, objectIds: sorted.map((o) => o.id) });
  return withTruncationNote(ctx, render.rank(ctx.graph, ctx.trace, p.target, sorted, (o) => values.get(o.id)!, p.key, p.order, reference.name, KEY_IS_LENGTH[p.key]), p.key, null);
}

function relate(ctx: Context, p: Extract<Program, { op: "relate" }>): Outcome {
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
  return render.relate(ctx.graph, ctx.trace, p.relation, describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b), [A.id, B.id], result, gap, p.distanceM, isOn(B, A));
}

function exists(ctx: Context, p: Extract<Program, { op: "exists" }>): Outcome {
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  ctx.trace.push({ op: "exists", detail: `any? → ${objects.length > 0 ? "yes" : "no"} (${objects.length})`, objectIds: objects.map((o) => o.id), value: objects.length });
  return render.exists(ctx.graph, ctx.trace, p.target, objects);
}

function side(ctx: Context, p: Extract<Program, { op: "side" }>): Outcome {
  const a = one(ctx, p.a);
  if (isOutcome(a)) return a;
  const b = one(ctx, p.b);
  if (isOutcome(b)) return b;
  const A = a.object!, B = b.object!;
  const refused = noDepth(ctx, [A, B]);
  if (refused) return refused;
  const sign = relationSign("left", A, B);
  const side = sign > 0 ? "left" : sign < 0 ? "right" : null;
  ctx.trace.push({ op: "compare", detail: `x of ${A.id} − x of ${B.id} (right positive) → ${side ?? "about even"}`, objectIds: [A.id, B.id], valueM: round3(A.box.center[0] - B.box.center[0]) });
  return render.side(ctx.trace, describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b), [A.id, B.id], side);
}

function same(ctx: Context, p: Extract<Program, { op: "same" }>): Outcome {
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

function threshold(ctx: Context, p: Extract<Program, { op: "threshold" }>): Outcome {
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

function every(ctx: Context, p: Extract<Program, { op: "every" }>): Outcome {
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  const of = select(ctx.graph, p.filter.of, ctx.trace);
  if (!of.ok) return failed(ctx, of);
  if (of.camera || of.objects.length !== 1) return text(ctx, "That relation needs one object to compare against.");
  const B = of.objects[0];
  const refused = noDepth(ctx, [...objects, B]);
  if (refused) return refused;
  const results = objects.filter((o) => o.id !== B.id).map((o) => ({ o, ok: holds(ctx.graph, p.filter.relation, o, B, p.filter.distanceM) }));
  const all = results.length > 0 && results.every((r) => r.ok);
  ctx.trace.push({ op: "every", detail: `${p.filter.relation} ${B.id}: ${results.map((r) => `${r.o.id} ${r.ok ? "yes" : "no"}`).join(", ")} → ${all ? "all" : "not all"}`, objectIds: results.map((r) => r.o.id) });
  return render.every(ctx.graph, ctx.trace, p.target, results, p.filter.relation, describe(ctx.graph, B, p.filter.of), [B.id], all, p.filter.distanceM);
}

function where(ctx: Context, p: Extract<Program, { op: "where" }>): Outcome {
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

function alike(ctx: Context, p: Extract<Program, { op: "alike" }>): Outcome {
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  if (objects.length !== 2) return text(ctx, `That compares two objects, and ${objects.length === 1 ? "1 matches" : `${objects.length} match`}.`, objects.map((o) => o.id));
  const refused = noDepth(ctx, objects);
  if (refused) return refused;
  const [A, B] = objects;
  const sign = relationSign(p.relation, A, B);
  ctx.trace.push({ op: "compare", detail: `${p.relation}(${A.id}, ${B.id}) → ${sign === 0 ? "too close to call: alike" : sign > 0 ? "yes" : "no"}`, objectIds: [A.id, B.id] });
  return render.alike(ctx.trace, p.relation, describe(ctx.graph, A), describe(ctx.graph, B), [A.id, B.id], sign);
}

function between(ctx: Context, p: Extract<Program, { op: "between" }>): Outcome {
  const a = one(ctx, p.a);
  if (isOutcome(a)) return a;
  const b = one(ctx, p.b);
  if (isOutcome(b)) return b;
  const A = a.object!, B = b.object!;
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  const kept = objects.filter((o) => o.id !== A.id && o.id !== B.id && isBetween(o, A, B));
  ctx.trace.push({ op: "filter", detail: `between ${A.id} and ${B.id} → ${kept.length}`, objectIds: kept.map((o) => o.id) });
  return render.between(ctx.graph, ctx.trace, kept, describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b));
}

function difference(ctx: Context, p: Extract<Program, { op: "difference" }>): Outcome {
  const a = one(ctx, p.a);
  if (isOutcome(a)) return a;
  const b = one(ctx, p.b);
  if (isOutcome(b)) return b;
  const A = a.object!, B = b.object!;
  const refused = noDepth(ctx, [A, B]);
  if (refused) return refused;
  const va = keyValue(p.key, A, null), vb = keyValue(p.key, B, null);
  ctx.trace.push({ op: "measure", detail: `${p.key} of ${A.id}`, objectIds: [A.id], valueM: round3(va) });
  ctx.trace.push({ op: "measure", detail: `${p.key} of ${B.id}`, objectIds: [B.id], valueM: round3(vb) });
  ctx.trace.push({ op: "subtract", detail: `${A.id} − ${B.id}`, objectIds: [A.id, B.id], valueM: round3(va - vb) });
  return render.difference(ctx.trace, p.key, describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b), [A.id, B.id], va - vb, p.unit);
}

function closer(ctx: Context, p: Extract<Program, { op: "closer" }>): Outcome {
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

function triangle(ctx: Context, p: Extract<Program, { op: "triangle" }>): Outcome {
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  if (objects.length !== 3) return text(ctx, `A triangle needs exactly three objects, and ${objects.length === 1 ? "1 matches" : `${objects.length} match`}.`, objects.map((o) => o.id));
  const refused = noDepth(ctx, objects);
  if (refused) return refused;
  // Sides on the floor plane between the centres: "form a triangle" is about their layout.
  const side = (a: SceneObject, b: SceneObject) => Math.hypot(a.box.center[0] - b.box.center[0], a.box.center[1] - b.box.center[1]);
  const sides = [side(objects[0], objects[1]), side(objects[1], objects[2]), side(objects[2], objects[0])];
  const mean = (sides[0] + sides[1] + sides[2]) / 3;
  const spread = (Math.max(...sides) - Math.min(...sides)) / mean;
  const equilateral = spread <= EQUILATERAL_TOLERANCE;
  sides.forEach((s, i) => ctx.trace.push({ op: "measure", detail: `side ${i + 1} (floor plane)`, objectIds: [objects[i].id, objects[(i + 1) % 3].id], valueM: round3(s) }));
  ctx.trace.push({ op: "compare", detail: `(longest − shortest) / mean = ${round3(spread)} vs tolerance ${EQUILATERAL_TOLERANCE} → ${equilateral ? "yes" : "no"}`, objectIds: objects.map((o) => o.id), value: round3(spread) });
  return render.triangle(ctx.trace, objects.map((o) => o.id), sides, spread, equilateral);
}

function fit(ctx: Context, p: Extract<Program, { op: "fit" }>): Outcome {
  const a = one(ctx, p.a);
  if (isOutcome(a)) return a;
  const b = one(ctx, p.b);
  if (isOutcome(b)) return b;
  const A = a.object!, B = b.object!;
  const refused = noDepth(ctx, [A, B]);
  if (refused) return refused;
  const gap = gapM(ctx.graph, A, B);
  const fits = gap >= p.widthM;
  ctx.trace.push({ op: "measure", detail: `gap between ${A.id} and ${B.id}`, objectIds: [A.id, B.id], valueM: round3(gap) });
  ctx.trace.push({ op: "compare", detail: `gap ${round3(gap)} m ≥ width ${p.widthM} m → ${fits ? "yes" : "no"}`, objectIds: [A.id, B.id] });
  return render.fit(ctx.trace, describe(ctx.graph, A, p.a), describe(ctx.graph, B, p.b), [A.id, B.id], p.widthM, gap, fits, p.unit);
}

function stack(ctx: Context, p: Extract<Program, { op: "stack" }>): Outcome {
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  // Stacks are the connected groups of the "on" relation; the tallest group is "the stack".
  const parent = new Map(objects.map((o) => [o.id, o.id]));
  const root = (id: string): string => (parent.get(id) === id ? id : root(parent.get(id)!));
  for (const a of objects) for (const b of objects) if (a !== b && isOn(a, b)) parent.set(root(a.id), root(b.id));
  const groups = new Map<string, SceneObject[]>();
  for (const o of objects) groups.set(root(o.id), [...(groups.get(root(o.id)) ?? []), o]);
  const stacks = [...groups.values()].filter((g) => g.length >= 2);
  const heightOf = (g: SceneObject[]) => Math.max(...g.map(topM)) - Math.min(...g.map(bottomM));
  stacks.sort((x, y) => heightOf(y) - heightOf(x));
  ctx.trace.push({ op: "group", detail: `stacks (objects resting on one another): ${stacks.length ? stacks.map((g) => g.map((o) => o.id).join("+")).join(", ") : "none"}`, objectIds: stacks.flat().map((o) => o.id) });
  if (stacks.length === 0) return render.noStack(ctx.trace, p.target, objects);
  const refused = noDepth(ctx, stacks[0]);
  if (refused) return refused;
  const heightM = heightOf(stacks[0]);
  ctx.trace.push({ op: "measure", detail: "top of the highest − bottom of the lowest", objectIds: stacks[0].map((o) => o.id), valueM: round3(heightM) });
  return render.stack(ctx.trace, p.target, stacks[0], heightM, stacks.length, p.unit, upIsAssumed(ctx.graph));
}

function premise(ctx: Context, p: Extract<Program, { op: "premise" }>): Outcome {
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

/**
 * Executes a program. `question` picks the family templates' wording (the same question always
 * reads the same). Example: `execute(graph, { op: "count", target: { kind: "objects", noun: { term: "chair", concept: "chair" }, plural: true, text: "chairs" } }, "How many chairs?")`
 * → `{ type: "number", count: 3, text: "There are 3 chairs.", trace: [...] }`.
 */
export function execute(graph: SceneGraph, program: Program, question: string): Answer {
  const answer = run(graph, program, question);
  return answer.trace ? { ...answer, trace: boundTrace(answer.trace) } : answer;
}

const MAX_DETAIL_CHARS = 2000;

/** Keeps a trace within the wire schema's bounds (a ranking of hundreds of objects lists them all in one step). */
export function boundTrace(trace: TraceStep[]): TraceStep[] {
  const steps = trace.length > MAX_TRACE_STEPS ? [...trace.slice(0, MAX_TRACE_STEPS - 1), { op: "more", detail: `${trace.length - MAX_TRACE_STEPS + 1} more steps left out`, objectIds: [] }] : trace;
  return steps.map((s) => (s.detail.length > MAX_DETAIL_CHARS ? { ...s, detail: `${s.detail.slice(0, MAX_DETAIL_CHARS - 1)}…` } : s));
}

function run(graph: SceneGraph, program: Program, question: string): Answer {
  const ctx: Context = { graph, question, trace: [] };
  switch (program.op) {
    case "compare": return compare(ctx, program);
    case "measure": return measureOp(ctx, program);
    case "count": return count(ctx, program);
    case "list": return list(ctx, program);
    case "identify": return identify(ctx, program);
    case "rank": return rank(ctx, program);
    case "relate": return relate(ctx, program);
    case "closer": return closer(ctx, program);
    case "triangle": return triangle(ctx, program);
    case "fit": return fit(ctx, program);
    case "stack": return stack(ctx, program);
    case "premise": return premise(ctx, program);
    case "exists": return exists(ctx, program);
    case "side": return side(ctx, program);
    case "same": return same(ctx, program);
    case "difference": return difference(ctx, program);
    case "alike": return alike(ctx, program);
    case "threshold": return threshold(ctx, program);
    case "every": return every(ctx, program);
    case "where": return where(ctx, program);
    case "between": return between(ctx, program);
  }
}
