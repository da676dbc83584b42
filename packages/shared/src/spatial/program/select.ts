// Runs a Selector against a scene graph: class and colour, relative-clause filters, the image third,
// then a superlative or ordinal pick. Each stage appends a trace step with the objects it kept.
// "The car on the left" among several cars in the left third is the leftmost of them (a person
// pointing at "the one on the left" of eight cars means the end one, not "one of three").
import { ambiguityMessage, candidatesFor } from "../references.js";

const joinAnd = (items: string[]) => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);
import { displayLabel, normalizeColor, normalizeLabel, pluralOf, withIndefiniteArticle, conceptOf } from "../lexicon.js";
import { nameOf } from "../answer.js";
import { formatLength } from "../humanize.js";
import type { SceneGraph, SceneObject } from "../scene-graph.js";
import { pointSolidDistance } from "../../geometry/solid-distance.js";
import { gapM, holds, relationPhrase } from "./proximity.js";
import type { Filter, OrderKey, Pick, Selector, TraceStep } from "./schema.js";

export type Selection =
  | { ok: true; camera: true; objects: [] }
  /** `phrase`: the pick's noun phrase ("{noun} closest to the table") when a pick chose the object. */
  | { ok: true; camera: false; objects: SceneObject[]; phrase?: string }
  | { ok: false; message: string; objectIds: string[]; reason: "not_found" | "ambiguous" | "unlocated" };

const imageX = (o: SceneObject) => (o.box2d[0] + o.box2d[2]) / 2;
const rangeFromCameraM = (o: SceneObject) => Math.hypot(o.centerCam[0], o.centerCam[1], o.centerCam[2]);
/** From the camera's centre (the graph's world frame) to the nearest point of the object's solid. */
export function surfaceRangeM(graph: SceneGraph, o: SceneObject): number {
  return pointSolidDistance(graph.frame.worldFromCam.translation, { shape: o.shape ?? "box", box: o.box });
}

/**
 * The value an order key reads from an object, with `reference` the object distances are taken to
 * (null = the camera). "Closest" and "farthest" go by nearest surfaces, as a person judges them: the
 * gap between the two solids, or from the camera's centre to the solid. (A car seen end-on is
 * closer than one beside it whose centre is nearer.) Measurements ("how far is…") stay centre to centre.
 */
export function keyValue(key: OrderKey, o: SceneObject, reference: SceneObject | null, graph: SceneGraph): number {
  switch (key) {
    case "distance": return reference ? gapM(graph, o, reference) : surfaceRangeM(graph, o);
    case "height": return o.box.heightM;
    case "width": return o.box.widthM;
    case "volume": return o.box.widthM * o.box.lengthM * o.box.heightM;
    case "x": return imageX(o);
    case "depth": return o.box.center[1];
    case "elevation": return o.box.center[2];
  }
}

/** True when the key is a length in metres (so a trace can report it as one). */
export const KEY_IS_LENGTH: Record<OrderKey, boolean> = { distance: true, height: true, width: true, volume: false, x: false, depth: true, elevation: true };

const ORDINAL_WORDS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
export function ordinalWord(n: number): string {
  return ORDINAL_WORDS[n] ?? `${n}th`;
}

/** A noun phrase for a pick with "{noun}" in place: "{noun} closest to the camera", "third {noun} from the left", "tallest {noun}". */
export function pickNounPhrase(pick: Pick, referenceName?: string): string {
  const nth = pick.rank > 1 ? `${ordinalWord(pick.rank)} ` : "";
  if (pick.key === "distance") return `{noun} ${nth}${pick.order === "min" ? "closest to" : "farthest from"} ${referenceName ?? "the camera"}`;
  if ((pick.key === "x" || pick.key === "depth") && pick.rank > 1) return `${nth}{noun} ${pickPhrase(pick).replace(/^\w+ /, "")}`;
  return `${pickPhrase(pick, referenceName)} {noun}`;
}

/** How a pick reads: "closest to the camera", "third from the left", "tallest". */
export function pickPhrase(pick: Pick, referenceName?: string): string {
  const nth = pick.rank > 1 ? `${ordinalWord(pick.rank)} ` : "";
  const to = referenceName ?? "the camera";
  switch (pick.key) {
    case "distance": return `${nth}${pick.order === "min" ? "closest to" : "farthest from"} ${to}`;
    case "height": return `${nth}${pick.order === "max" ? "tallest" : "shortest"}`;
    case "width": return `${nth}${pick.order === "max" ? "widest" : "narrowest"}`;
    case "volume": return `${nth}${pick.order === "max" ? "biggest" : "smallest"}`;
    case "x": return pick.rank > 1 ? `${nth}from the ${pick.order === "min" ? "left" : "right"}` : pick.order === "min" ? "leftmost" : "rightmost";
    case "depth": return pick.rank > 1 ? `${nth}from the ${pick.order === "min" ? "front" : "back"}` : pick.order === "min" ? "frontmost" : "farthest back";
    case "elevation": return `${nth}${pick.order === "max" ? "highest" : "lowest"}`;
  }
}

function ids(objects: SceneObject[]): string[] {
  return objects.map((o) => o.id);
}

function nounText(selector: Extract<Selector, { kind: "objects" }>, plural: boolean): string {
  const term = selector.noun?.term ?? "object";
  return [selector.color, plural ? pluralOf(term) : term].filter(Boolean).join(" ");
}

/** A label the graph saw but could not place in 3D (SceneGraph.unlocated), matched by term or concept. */
function unlocatedMatch(graph: SceneGraph, term: string, concept: string): string | null {
  for (const u of graph.unlocated ?? []) {
    const label = normalizeLabel(u.label);
    if (label === term || displayLabel(u.label) === term || conceptOf(u.label) === concept) return displayLabel(u.label);
  }
  return null;
}

/** The message for a class with no located object: seen but not placed, or absent. */
export function missingMessage(graph: SceneGraph, term: string, concept: string, plural: boolean): { message: string; reason: "not_found" | "unlocated" } {
  const seen = unlocatedMatch(graph, term, concept);
  if (seen) {
    return { reason: "unlocated", message: `I can see ${withIndefiniteArticle(seen)} in the image, but I could not place it in 3D reliably (no trustworthy depth on it), so I can't answer that about it without guessing.` };
  }
  return { reason: "not_found", message: plural ? `I could not find any ${pluralOf(term)} in this image.` : `I could not find ${withIndefiniteArticle(term)} in this image.` };
}

function applyFilter(graph: SceneGraph, pool: SceneObject[], filter: Filter, trace: TraceStep[], depth: number): Selection {
  const of = selectInto(graph, filter.of, trace, depth + 1);
  if (!of.ok) return of;
  const distanceText = filter.distanceM !== undefined ? formatLength(filter.distanceM) : undefined;
  let kept: SceneObject[];
  if (of.camera) {
    // Only distances make sense relative to the viewer.
    const bound = filter.distanceM ?? Infinity;
    kept = pool.filter((o) => (filter.relation === "within" || filter.relation === "near" ? rangeFromCameraM(o) <= (filter.relation === "near" ? 1.5 : bound) : true));
  } else {
    // Relations need positions: objects without trusted 3D points can neither pass a filter nor anchor one.
    const anchors = of.objects.filter((r) => r.pointCount > 0);
    if (anchors.length === 0 && of.objects.length > 0) {
      return { ok: false, reason: "not_found", message: `I don't have reliable 3D points for ${nameOf(graph, of.objects[0])}, so I can't tell what is ${relationPhrase(filter.relation, distanceText)} it without guessing.`, objectIds: ids(of.objects) };
    }
    of.objects = anchors;
    pool = pool.filter((o) => o.pointCount > 0);
    const test = (o: SceneObject, r: SceneObject) => (filter.reverse ? holds(graph, filter.relation, r, o, filter.distanceM) : holds(graph, filter.relation, o, r, filter.distanceM));
    kept = pool.filter((o) => of.objects.some((r) => r.id !== o.id && test(o, r)) !== Boolean(filter.negated));
  }
  const whatOf = of.camera ? "the camera" : of.objects.length === 1 ? nameOf(graph, of.objects[0]) : `one of ${of.objects.length} objects`;
  trace.push({ op: "filter", detail: filter.reverse ? `keep those with ${whatOf} ${relationPhrase(filter.relation, distanceText)} them → ${kept.length}` : `keep those ${filter.negated ? "not " : ""}${relationPhrase(filter.relation, distanceText)} ${whatOf} → ${kept.length}`, objectIds: ids(kept), ...(filter.distanceM !== undefined ? { valueM: filter.distanceM } : {}) });
  return { ok: true, camera: false, objects: kept };
}

function applyPosition(pool: SceneObject[], position: "left" | "right" | "center", plural: boolean, width: number): SceneObject[] {
  const inThird = pool.filter((o) => o.attributes.imagePosition === position);
  if (plural) return inThird;
  if (pool.length <= 1) return pool;
  if (position === "left") return [pool.reduce((a, b) => (imageX(b) < imageX(a) ? b : a))];
  if (position === "right") return [pool.reduce((a, b) => (imageX(b) > imageX(a) ? b : a))];
  return [pool.reduce((a, b) => (Math.abs(imageX(b) - width / 2) < Math.abs(imageX(a) - width / 2) ? b : a))];
}

function applyPick(graph: SceneGraph, pool: SceneObject[], pick: Pick, trace: TraceStep[], depth: number): Selection {
  let reference: SceneObject | null = null;
  let referenceName: string | undefined;
  if (pick.reference) {
    const ref = selectInto(graph, pick.reference, trace, depth + 1);
    if (!ref.ok) return ref;
    if (!ref.camera) {
      if (ref.objects.length !== 1) return { ok: false, reason: "ambiguous", message: ambiguityMessage(ref.objects, ref.objects[0]?.label ?? "object"), objectIds: ids(ref.objects) };
      reference = ref.objects[0];
      referenceName = nameOf(graph, reference);
      pool = pool.filter((o) => o.id !== reference!.id);
    }
  }
  // Objects without trusted 3D points have no measured size or position to order by.
  const unmeasured = pool.filter((o) => o.pointCount === 0);
  if (unmeasured.length && pick.key !== "x") {
    pool = pool.filter((o) => o.pointCount > 0);
    trace.push({ op: "filter", detail: `leave out ${unmeasured.length} without reliable 3D → ${pool.length}`, objectIds: ids(pool) });
  }
  const sign = pick.order === "max" ? -1 : 1;
  const sorted = [...pool].sort((a, b) => sign * (keyValue(pick.key, a, reference, graph) - keyValue(pick.key, b, reference, graph)));
  const chosen = sorted[pick.rank - 1];
  if (!chosen) return { ok: false, reason: "not_found", message: `There ${pool.length === 1 ? "is only 1" : `are only ${pool.length}`} to choose from, so there is no ${pickPhrase(pick, referenceName)}.`, objectIds: ids(pool) };
  const value = keyValue(pick.key, chosen, reference, graph);
  trace.push({ op: "pick", detail: `${pickPhrase(pick, referenceName)} of ${pool.length}`, objectIds: [chosen.id], ...(KEY_IS_LENGTH[pick.key] ? { valueM: round3(value) } : { value: round3(value) }) });
  return { ok: true, camera: false, objects: [chosen], phrase: pickNounPhrase(pick, referenceName) };
}

export const round3 = (x: number) => Math.round(x * 1000) / 1000;

function selectInto(graph: SceneGraph, selector: Selector, trace: TraceStep[], depth: number): Selection {
  if (depth > 4) return { ok: false, reason: "not_found", message: "That reference nests too deeply for me to follow.", objectIds: [] };
  if (selector.kind === "camera") {
    trace.push({ op: "select", detail: "the camera (the viewer)", objectIds: [] });
    return { ok: true, camera: true, objects: [] };
  }
  if (selector.kind === "ids") {
    const objects = selector.ids.map((id) => graph.objects.find((o) => o.id === id)).filter((o): o is SceneObject => Boolean(o));
    if (objects.length !== selector.ids.length) return { ok: false, reason: "not_found", message: `I could not find ${selector.description} in this scene.`, objectIds: [] };
    trace.push({ op: "select", detail: `${selector.description} → ${objects.map((o) => o.id).join(", ")}`, objectIds: ids(objects) });
    return { ok: true, camera: false, objects };
  }
  let pool = selector.noun ? candidatesFor(graph, selector.noun.term, selector.noun.concept) : [...graph.objects];
  const wantsSet = selector.plural || selector.pick !== undefined || (selector.where?.length ?? 0) > 0;
  if (selector.noun && pool.length === 0) {
    const missing = missingMessage(graph, selector.noun.term, selector.noun.concept, selector.plural);
    return { ok: false, ...missing, objectIds: [] };
  }
  trace.push({ op: "select", detail: `${selector.noun ? pluralOf(selector.noun.term) : "all objects"} → ${pool.length}`, objectIds: ids(pool) });
  if (selector.color) {
    const color = selector.color;
    const matching = pool.filter((o) => o.attributes.color && normalizeColor(o.attributes.color.name) === color);
    if (matching.length === 0) {
      const seen = [...new Set(pool.map((o) => o.attributes.color?.name).filter((c): c is string => Boolean(c)))];
      const term = selector.noun?.term ?? "object";
      const what = pool.length === 1 ? `the only ${term} I see` : `the ${pluralOf(term)} I see`;
      const hint = seen.length > 0 ? `; ${what} ${pool.length === 1 ? "is" : "are"} ${joinAnd(seen)}` : "";
      return { ok: false, reason: "not_found", message: `I could not find ${withIndefiniteArticle(nounText(selector, false))} in this image${hint}.`, objectIds: [] };
    }
    pool = matching;
    trace.push({ op: "filter", detail: `${color} → ${pool.length}`, objectIds: ids(pool) });
  }
  for (const filter of selector.where ?? []) {
    const filtered = applyFilter(graph, pool, filter, trace, depth);
    if (!filtered.ok) return filtered;
    pool = filtered.objects;
  }
  if (selector.position) {
    pool = applyPosition(pool, selector.position, selector.plural, graph.image.width);
    trace.push({ op: "filter", detail: `${selector.position === "center" ? "in the middle" : `on the ${selector.position}`} → ${pool.length}`, objectIds: ids(pool) });
  }
  if (selector.pick) {
    if (pool.length === 0) return { ok: true, camera: false, objects: [] };
    return applyPick(graph, pool, selector.pick, trace, depth);
  }
  if (!selector.plural && pool.length > 1) {
    return { ok: false, reason: "ambiguous", message: ambiguityMessage(pool, nounText(selector, false)), objectIds: ids(pool) };
  }
  if (!wantsSet && pool.length === 0 && selector.noun) return { ok: false, reason: "not_found", message: `I could not find ${withIndefiniteArticle(nounText(selector, false))} in this image.`, objectIds: [] };
  return { ok: true, camera: false, objects: pool };
}

/** Selects the objects `selector` names, appending its steps to `trace`. */
export function select(graph: SceneGraph, selector: Selector, trace: TraceStep[]): Selection {
  return selectInto(graph, selector, trace, 0);
}

/** How an answer names a selected object: its unambiguous reference, else the selector's words. */
export function describe(graph: SceneGraph, o: SceneObject, selector?: Selector): string {
  const name = nameOf(graph, o);
  const sameLabel = graph.objects.filter((x) => x.label === o.label).length;
  if (sameLabel <= 1 || !selector || selector.kind !== "objects" || name !== `the ${displayLabel(o.label)}`) return name;
  return selector.text.startsWith("the ") ? selector.text : `the ${selector.text}`;
}
