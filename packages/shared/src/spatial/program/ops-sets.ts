// Operations over sets of objects: counting, listing, superlatives, rankings, existence, "every",
// likeness, "between", triangles and stacks.
import { upIsAssumed } from "../measurements.js";
import { relationSign } from "../relations.js";
import type { SceneObject } from "../scene-graph.js";
import { type Context, failed, isOutcome, many, noDepth, one, type Outcome, text } from "./context.js";
import { bottomM, holds, isBetween, isOn, topM } from "./proximity.js";
import * as render from "./render.js";
import type { Program, Selector } from "./schema.js";
import { describe, keyValue, KEY_IS_LENGTH, round3, select } from "./select.js";

/** Side lengths within this share of their mean make a "roughly equilateral" triangle: max − min ≤ 15% of the mean side. */
export const EQUILATERAL_TOLERANCE = 0.15;

export function count(ctx: Context, p: Extract<Program, { op: "count" }>): Outcome {
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) {
    // "How many giraffes?" when there are none is a count of zero, unless the object was seen unplaced.
    if (p.target.kind === "objects" && p.target.noun && /could not find any/.test(objects.text)) return render.count(ctx.trace, p.target, []);
    return objects;
  }
  ctx.trace.push({ op: "count", detail: `count → ${objects.length}`, objectIds: objects.map((o) => o.id), value: objects.length });
  return render.count(ctx.trace, p.target, objects);
}

export function list(ctx: Context, p: Extract<Program, { op: "list" }>): Outcome {
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  ctx.trace.push({ op: "list", detail: `list → ${objects.length}`, objectIds: objects.map((o) => o.id), value: objects.length });
  return render.list(ctx.graph, ctx.trace, p.target, objects);
}

export function identify(ctx: Context, p: Extract<Program, { op: "identify" }>): Outcome {
  const s = select(ctx.graph, p.target, ctx.trace);
  if (!s.ok) return failed(ctx, s);
  if (s.camera || s.objects.length !== 1) return text(ctx, s.camera ? "That is the camera." : `No single object matches "${p.target.kind === "objects" ? p.target.text : "that"}".`, s.objects.map((o) => o.id));
  const refused = noDepth(ctx, s.objects);
  if (refused) return refused;
  const answer = render.identify(ctx.graph, ctx.trace, p.target, s.objects[0], s.phrase);
  return withTruncationNote(ctx, answer, p.target.kind === "objects" ? p.target.pick?.key : undefined, s.objects[0]);
}

/**
 * Sizes of objects cut off by the image border are lower bounds (scene-graph.ts `truncated`), or
 * partly typical sizes where the cut side was completed from the class's: when a size superlative
 * or ranking passed over such an object, the sentence says which.
 */
function withTruncationNote(ctx: Context, answer: Outcome, key: string | undefined, chosen: SceneObject | null): Outcome {
  if (key !== "height" && key !== "width" && key !== "volume") return answer;
  const considered = new Set(ctx.trace.filter((t) => t.op === "select").flatMap((t) => t.objectIds));
  const cut = ctx.graph.objects.filter((o) => considered.has(o.id) && o.attributes.truncated && o.id !== chosen?.id);
  if (cut.length === 0) return answer;
  // A cut side completed from the class's typical size (amodal-box.ts) is an estimate, not a bound.
  const completed = (o: SceneObject) => o.extentSource?.width === "completed_from_priors" || o.extentSource?.length === "completed_from_priors";
  const note = (objects: SceneObject[], what: (one: boolean) => string) => objects.length === 0 ? [] : [`${render.joinAnd(objects.map((o) => describe(ctx.graph, o)))} ${objects.length === 1 ? "is" : "are"} cut off by the image border, so ${what(objects.length === 1)}`];
  const notes = [
    ...note(cut.filter((o) => !completed(o)), (one) => `${one ? "its" : "their"} size is only a lower bound`),
    ...note(cut.filter(completed), (one) => `${one ? "its" : "their"} size is partly estimated from typical sizes`),
  ];
  return { ...answer, text: `${answer.text} (${notes.join("; ")}.)` };
}

function referenceOf(ctx: Context, selector: Selector | undefined): { object: SceneObject | null; name: string } | Outcome {
  if (!selector || selector.kind === "camera") return { object: null, name: "the camera" };
  const r = one(ctx, selector);
  if (isOutcome(r)) return r;
  return { object: r.object, name: describe(ctx.graph, r.object!, selector) };
}

export function rank(ctx: Context, p: Extract<Program, { op: "rank" }>): Outcome {
  const reference = referenceOf(ctx, p.reference);
  if (isOutcome(reference)) return reference;
  let objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  objects = objects.filter((o) => o.id !== reference.object?.id);
  const refused = noDepth(ctx, objects);
  if (refused) return refused;
  const sign = p.order === "max" ? -1 : 1;
  const values = new Map(objects.map((o) => [o.id, keyValue(p.key, o, reference.object, ctx.graph)]));
  const sorted = [...objects].sort((a, b) => sign * (values.get(a.id)! - values.get(b.id)!));
  ctx.trace.push({ op: "rank", detail: `order by ${p.key}${p.key === "distance" ? ` to ${reference.name}` : ""}, ${p.order === "max" ? "largest" : "smallest"} first: ${sorted.map((o) => `${o.id} ${round3(values.get(o.id)!)}`).join(", ")}`, objectIds: sorted.map((o) => o.id) });
  return withTruncationNote(ctx, render.rank(ctx.graph, ctx.trace, p.target, sorted, (o) => values.get(o.id)!, p.key, p.order, reference.name, KEY_IS_LENGTH[p.key]), p.key, null);
}

export function exists(ctx: Context, p: Extract<Program, { op: "exists" }>): Outcome {
  const objects = many(ctx, p.target);
  if (isOutcome(objects)) return objects;
  ctx.trace.push({ op: "exists", detail: `any? → ${objects.length > 0 ? "yes" : "no"} (${objects.length})`, objectIds: objects.map((o) => o.id), value: objects.length });
  return render.exists(ctx.graph, ctx.trace, p.target, objects);
}

export function every(ctx: Context, p: Extract<Program, { op: "every" }>): Outcome {
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

export function alike(ctx: Context, p: Extract<Program, { op: "alike" }>): Outcome {
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

export function between(ctx: Context, p: Extract<Program, { op: "between" }>): Outcome {
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

export function triangle(ctx: Context, p: Extract<Program, { op: "triangle" }>): Outcome {
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

export function stack(ctx: Context, p: Extract<Program, { op: "stack" }>): Outcome {
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
