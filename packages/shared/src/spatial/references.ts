// Unambiguous names for objects ("the red chair", "the chair on the left") and their inverse:
// resolving what a question names to objects of the graph. The two are written together because
// every clause `referenceFor` produces must resolve back to the same object, and a clause that
// cannot do so is not produced (the data engine then drops the pair rather than ask a question
// whose object a reader could not tell).
import { displayLabel, conceptOf, normalizeColor, normalizeLabel, pluralOf, withIndefiniteArticle } from "./lexicon.js";
import type { SceneGraph, SceneObject } from "./scene-graph.js";

/** Position words a reference may use: image thirds ("on the left"), extremes by x or by depth. */
export type PositionModifier = "left" | "right" | "center" | "leftmost" | "rightmost" | "nearest" | "farthest";

/** What a question says about one object. */
export interface ObjectSpec {
  /** Singular term as written, lexicon-normalised ("cell phone", "couch"). */
  term: string;
  /** Concept of the term (lexicon.ts), `label:<term>` for a label the lexicon does not know. */
  concept: string;
  plural: boolean;
  color?: string;
  position?: PositionModifier;
}

export type Resolution =
  | { kind: "one"; object: SceneObject }
  /** A plural mention ("the chairs"), with every object it covers. */
  | { kind: "many"; objects: SceneObject[] }
  | { kind: "none"; message: string }
  | { kind: "ambiguous"; message: string; objects: SceneObject[] };

/** Minimum separation, as a share of the image width, for "the leftmost chair" to be clear. */
const EXTREME_X_SHARE = 0.03;
/** Minimum separation in depth for "the nearest chair": max(20 cm, 10%). */
const EXTREME_DEPTH_M = 0.2;
const EXTREME_DEPTH_SHARE = 0.1;

function centerX(o: SceneObject): number {
  return (o.box2d[0] + o.box2d[2]) / 2;
}

function rangeM(o: SceneObject): number {
  return Math.hypot(o.centerCam[0], o.centerCam[1], o.centerCam[2]);
}

function conceptOfObject(o: SceneObject): string {
  return conceptOf(o.label) ?? `label:${displayLabel(o.label)}`;
}

/** Objects a term names: those with exactly that label if any, else every object of its concept. */
export function candidatesFor(graph: SceneGraph, term: string, concept: string): SceneObject[] {
  const exact = graph.objects.filter((o) => normalizeLabel(o.label) === term || displayLabel(o.label) === term);
  if (exact.length > 0) return exact;
  return graph.objects.filter((o) => conceptOfObject(o) === concept);
}

function colorOf(o: SceneObject): string | undefined {
  return o.attributes.color ? normalizeColor(o.attributes.color.name) : undefined;
}

function extreme(objects: SceneObject[], key: (o: SceneObject) => number, sign: 1 | -1): SceneObject {
  return objects.reduce((best, o) => (sign * key(o) < sign * key(best) ? o : best));
}

/** True when `object` beats every other of `pool` on key (smaller when sign = 1) by `margin(best, next)`. */
function clearlyExtreme(object: SceneObject, pool: SceneObject[], key: (o: SceneObject) => number, sign: 1 | -1, margin: (a: number, b: number) => number): boolean {
  const others = pool.filter((o) => o !== object);
  if (others.length === 0) return true;
  const mine = key(object);
  return others.every((o) => sign * (key(o) - mine) >= margin(mine, key(o)));
}

/**
 * A name for `object` that picks it out of the graph, or null when no clause does.
 * Example: two chairs, one red → "the red chair"; a single table → "the table".
 */
export function referenceFor(graph: SceneGraph, object: SceneObject): string | null {
  const name = displayLabel(object.label);
  const same = candidatesFor(graph, name, conceptOfObject(object));
  if (same.length <= 1) return `the ${name}`;
  const color = colorOf(object);
  if (color && same.filter((o) => colorOf(o) === color).length === 1) return `the ${color} ${name}`;
  const position = object.attributes.imagePosition;
  if (same.filter((o) => o.attributes.imagePosition === position).length === 1) {
    return position === "center" ? `the ${name} in the middle` : `the ${name} on the ${position}`;
  }
  const xMargin = () => EXTREME_X_SHARE * graph.image.width;
  if (clearlyExtreme(object, same, centerX, 1, xMargin)) return `the leftmost ${name}`;
  if (clearlyExtreme(object, same, centerX, -1, xMargin)) return `the rightmost ${name}`;
  if (same.every((o) => o.pointCount > 0)) {
    const depthMargin = (a: number, b: number) => Math.max(EXTREME_DEPTH_M, EXTREME_DEPTH_SHARE * Math.min(a, b));
    if (clearlyExtreme(object, same, rangeM, 1, depthMargin)) return `the nearest ${name}`;
    if (clearlyExtreme(object, same, rangeM, -1, depthMargin)) return `the farthest ${name}`;
  }
  return null;
}

/** A list read aloud: "a, b or c". */
export function joinOr(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function joinAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

const ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];

/**
 * "There are 2 chairs; which one do you mean — the one on the left or the one on the right?"
 * With `count` "two": "There are 3 chairs; which two do you mean — …?"
 */
export function ambiguityMessage(objects: SceneObject[], noun: string, count: "one" | "two" = "one"): string {
  const sorted = [...objects].sort((a, b) => centerX(a) - centerX(b));
  const colors = sorted.map(colorOf);
  let options: string[];
  if (colors.every((c) => c) && new Set(colors).size === colors.length) options = colors.map((c) => `the ${c} one`);
  else if (sorted.length === 2) options = ["the one on the left", "the one on the right"];
  else if (sorted.length === 3) options = ["the one on the left", "the one in the middle", "the one on the right"];
  else options = sorted.slice(0, ORDINALS.length).map((_, i) => `the ${ORDINALS[i]} from the left`);
  const list = count === "one" ? joinOr(options) : joinAnd(options);
  return count === "one"
    ? `There are ${objects.length} ${pluralOf(noun)}; which one do you mean — ${list}?`
    : `There are ${objects.length} ${pluralOf(noun)}; I can compare two at a time — which two do you mean of ${list}?`;
}

function byPosition(pool: SceneObject[], position: PositionModifier): SceneObject[] {
  switch (position) {
    case "leftmost": return [extreme(pool, centerX, 1)];
    case "rightmost": return [extreme(pool, centerX, -1)];
    case "nearest": return [extreme(pool, rangeM, 1)];
    case "farthest": return [extreme(pool, rangeM, -1)];
    default: {
      const inThird = pool.filter((o) => o.attributes.imagePosition === position);
      if (inThird.length === 1) return inThird;
      // "the chair on the left" of two chairs means the left one even when both sit in the same third.
      if (pool.length === 2 && position !== "center") return [extreme(pool, centerX, position === "left" ? 1 : -1)];
      if (pool.length === 3 && position === "center") return [[...pool].sort((a, b) => centerX(a) - centerX(b))[1]];
      if (inThird.length === 0 && position !== "center") return [extreme(pool, centerX, position === "left" ? 1 : -1)];
      return inThird.length > 0 ? inThird : pool;
    }
  }
}

function describeSpec(spec: ObjectSpec): string {
  return [spec.color, spec.term].filter(Boolean).join(" ");
}

/** The objects a question's words name, or why they name none or several. */
export function resolveSpec(graph: SceneGraph, spec: ObjectSpec): Resolution {
  const all = candidatesFor(graph, spec.term, spec.concept);
  if (all.length === 0) {
    return { kind: "none", message: spec.plural ? `I could not find any ${pluralOf(spec.term)} in this image.` : `I could not find ${withIndefiniteArticle(spec.term)} in this image.` };
  }
  let pool = all;
  if (spec.color) {
    pool = all.filter((o) => colorOf(o) === spec.color);
    if (pool.length === 0) {
      const seen = [...new Set(all.map(colorOf).filter((c): c is string => Boolean(c)))];
      const what = all.length === 1 ? `the only ${spec.term} I see` : `the ${pluralOf(spec.term)} I see`;
      const hint = seen.length > 0 ? `; ${what} ${all.length === 1 ? "is" : "are"} ${joinAnd(seen)}` : "";
      return { kind: "none", message: `I could not find ${withIndefiniteArticle(describeSpec(spec))} in this image${hint}.` };
    }
  }
  if (spec.position) pool = byPosition(pool, spec.position);
  if (spec.plural) return { kind: "many", objects: pool };
  if (pool.length === 1) return { kind: "one", object: pool[0] };
  return { kind: "ambiguous", message: ambiguityMessage(pool, describeSpec(spec)), objects: pool };
}
