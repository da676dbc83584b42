// Sentences of the program operations, each rendered from the structured value it returns with
// it (bool, choice, count, value_m, items): the words are chosen by the value, so a "yes" always
// reads as one and a count always states the number it carries.
import type { Answer } from "../answer.js";
import type { Relation } from "../families.js";
import { humanizeLength, type UnitRequest } from "../humanize.js";
import { displayLabel, pluralOf } from "../lexicon.js";
import type { SceneGraph, SceneObject } from "../scene-graph.js";
import { RELATION_WORDS } from "../templates/words.js";
import { relationPhrase } from "./proximity.js";
import type { FilterRelation, OrderKey, Selector, TraceStep } from "./schema.js";
import { describe } from "./select.js";

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const metres = (valueM: number) => Math.round(valueM * 1000) / 1000;

export function joinAnd(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "chairs", "red chairs", "objects" — with the relative clauses of the selector. */
function pluralPhrase(selector: Selector, n: number): string {
  if (selector.kind !== "objects") return n === 1 ? "object" : "objects";
  const term = selector.noun ? displayLabel(selector.noun.term) : "object";
  const noun = [selector.color, n === 1 ? term : pluralOf(term)].filter(Boolean).join(" ");
  const clauses = (selector.where ?? []).map((f) => {
    const of = f.of.kind === "camera" ? "the camera" : f.of.kind === "objects" ? (f.of.text.startsWith("the ") ? f.of.text : `the ${f.of.text}`) : f.of.description;
    return `${f.negated ? "not " : ""}${relationPhrase(f.relation, f.distanceM !== undefined ? humanizeLength(f.distanceM).text : undefined)} ${of}`;
  });
  return [noun, ...clauses].join(" ");
}

export function count(trace: TraceStep[], target: Selector, objects: SceneObject[]): Answer {
  const n = objects.length;
  const what = pluralPhrase(target, n);
  const sentence = n === 0 ? `There are no ${pluralPhrase(target, 2)}.` : n === 1 ? `There is 1 ${what}.` : `There are ${n} ${what}.`;
  return { text: sentence, type: "number", count: n, objectIds: objects.map((o) => o.id), trace };
}

export function list(graph: SceneGraph, trace: TraceStep[], target: Selector, objects: SceneObject[]): Answer {
  const names = objects.map((o) => describe(graph, o));
  const clause = pluralPhrase({ ...target, ...(target.kind === "objects" ? { noun: undefined, color: undefined } : {}) } as Selector, 2).replace(/^objects ?/, "");
  const where = clause ? ` ${clause}` : "";
  const sentence = names.length === 0 ? `Nothing I can place is${where}.` : `${capitalize(joinAnd(names))} ${names.length === 1 ? "is" : "are"}${where}.`;
  return { text: sentence, type: "text", items: objects.map((o) => o.label), objectIds: objects.map((o) => o.id), trace };
}

/** "The red car is the car closest to the camera (4.2 meters away)." */
export function identify(graph: SceneGraph, trace: TraceStep[], target: Selector, chosen: SceneObject, phrase: string | undefined): Answer {
  const pick = [...trace].reverse().find((s) => s.op === "pick");
  const key = target.kind === "objects" ? target.pick?.key : undefined;
  const how = pick?.valueM === undefined ? "" : key === "distance" ? ` (${humanizeLength(pick.valueM).text} away)` : key === "height" || key === "width" ? ` (${humanizeLength(pick.valueM).text})` : "";
  const name = describe(graph, chosen);
  const noun = target.kind === "objects" && target.noun ? displayLabel(target.noun.term) : "object";
  const sentence = phrase ? `${capitalize(name)} is the ${phrase.replace("{noun}", noun)}${how}.` : `It is ${name}${how}.`;
  return { text: sentence, type: "choice", choice: chosen.label, objectIds: [chosen.id], trace };
}

const KEY_NOUN: Record<OrderKey, string> = { distance: "distance", height: "height", width: "width", volume: "size", x: "position from left to right", depth: "depth", elevation: "height above the floor" };
const FIRST_WORD: Record<OrderKey, [string, string]> = {
  distance: ["farthest", "closest"], height: ["tallest", "shortest"], width: ["widest", "narrowest"], volume: ["biggest", "smallest"],
  x: ["rightmost", "leftmost"], depth: ["farthest back", "frontmost"], elevation: ["highest", "lowest"],
};

export function rank(graph: SceneGraph, trace: TraceStep[], target: Selector, sorted: SceneObject[], value: (o: SceneObject) => number, key: OrderKey, order: "max" | "min", referenceName: string, isLength: boolean): Answer {
  const items = sorted.map((o) => `${describe(graph, o)}${isLength ? ` (${humanizeLength(value(o)).text})` : ""}`);
  const by = key === "distance" ? `distance from ${referenceName}` : KEY_NOUN[key];
  const first = FIRST_WORD[key][order === "max" ? 0 : 1];
  const sentence = sorted.length === 0 ? `There are no ${pluralPhrase(target, 2)} to order.` : `By ${by}, ${first} first: ${joinAnd(items)}.`;
  return { text: sentence, type: "text", items: sorted.map((o) => o.label), objectIds: sorted.map((o) => o.id), trace };
}

export function relate(trace: TraceStep[], relation: FilterRelation, a: string, b: string, ids: string[], result: boolean, gapM: number, distanceM: number | undefined, reversedOn: boolean): Answer {
  const phrase = relationPhrase(relation, distanceM !== undefined ? humanizeLength(distanceM).text : undefined);
  let sentence: string;
  if (result) sentence = `Yes, ${a} is ${phrase} ${b}.`;
  else {
    const why = relation === "on" && reversedOn ? ` It is the other way round: ${b} is on ${a}.` : gapM > 0.005 ? ` The gap between them is ${humanizeLength(gapM).text}.` : "";
    sentence = `No, ${a} is not ${phrase} ${b}.${why}`;
  }
  return { text: sentence, type: "bool", bool: result, objectIds: ids, trace };
}

export function closer(trace: TraceStep[], [a, b, c]: string[], ids: string[], toBM: number, toCM: number, farther: boolean, verdict: boolean | null): Answer {
  const facts = `${a} is ${humanizeLength(toBM).text} from ${b} and ${humanizeLength(toCM).text} from ${c}`;
  if (verdict === null) return { text: `Too close to call: ${capitalize(facts)}.`, type: "text", objectIds: ids, trace };
  const comparison = farther ? `farther from ${b} than from ${c}` : `closer to ${b} than to ${c}`;
  const sentence = verdict ? `Yes, ${a} is ${comparison}: ${facts}.` : `No, ${a} is not ${comparison}: ${facts}.`;
  return { text: sentence, type: "bool", bool: verdict, objectIds: ids, trace };
}

export function triangle(trace: TraceStep[], ids: string[], sides: number[], spread: number, equilateral: boolean): Answer {
  const lengths = joinAnd(sides.map((s) => humanizeLength(s).text));
  const pct = Math.round(spread * 100);
  const sentence = equilateral
    ? `Yes, roughly: the sides are ${lengths} (longest and shortest within ${pct}% of the mean; I allow 15%).`
    : `No: the sides are ${lengths}, so the longest and shortest differ by ${pct}% of the mean (more than the 15% I allow for "roughly").`;
  return { text: sentence, type: "bool", bool: equilateral, objectIds: ids, trace };
}

export function fit(trace: TraceStep[], a: string, b: string, ids: string[], widthM: number, gapM: number, fits: boolean, unit: UnitRequest): Answer {
  const w = humanizeLength(widthM, unit).text, g = humanizeLength(gapM, unit).text;
  const sentence = fits
    ? `Yes, it should fit: the gap between ${a} and ${b} is ${g}, wider than ${w}.`
    : `No, it would not fit: the gap between ${a} and ${b} is ${g}, less than ${w}.`;
  return { text: sentence, type: "bool", bool: fits, value_m: metres(gapM), objectIds: ids, trace };
}

export function stack(trace: TraceStep[], target: Selector, members: SceneObject[], heightM: number, stacks: number, unit: UnitRequest, upAssumed: boolean): Answer {
  const h = humanizeLength(heightM, unit);
  const others = stacks > 1 ? ` (the tallest of ${stacks} stacks)` : "";
  const note = upAssumed ? " (This is assuming the camera is level: I found no floor to tell which way is up.)" : "";
  const sentence = `The stack of ${members.length} ${pluralPhrase(target, 2)}${others} is ${h.text} tall.${note}`;
  return { text: sentence, type: "number", value_m: metres(heightM), unit: h.unit, objectIds: members.map((o) => o.id), trace };
}

export function noStack(trace: TraceStep[], target: Selector, objects: SceneObject[]): Answer {
  return { text: `None of the ${pluralPhrase(target, 2)} rest on one another, so there is no stack to measure.`, type: "text", objectIds: objects.map((o) => o.id), trace };
}

export function premise(trace: TraceStep[], relation: Relation, a: string, b: string, ids: string[], sign: -1 | 0 | 1): Answer {
  const rel = RELATION_WORDS[relation].rel;
  if (sign > 0) return { text: `${capitalize(a)} is indeed ${rel} ${b}. I can tell where things are, not why they were put there.`, type: "bool", bool: true, objectIds: ids, trace };
  const actually = sign < 0 ? `it is ${rel.replace(RELATION_WORDS[relation].rel, "")}${oppositeRel(relation)} ${b}` : `the two are ${RELATION_WORDS[relation].same}`;
  return { text: `${capitalize(a)} is not ${rel} ${b}: ${actually}.`, type: "bool", bool: false, objectIds: ids, trace };
}

function oppositeRel(relation: Relation): string {
  const opposite: Record<Relation, Relation> = { left: "right", right: "left", above: "below", below: "above", behind: "in_front", in_front: "behind", taller: "shorter", shorter: "taller", wider: "thinner", thinner: "wider", bigger: "smaller", smaller: "bigger" };
  return RELATION_WORDS[opposite[relation]].rel;
}

export function cameraDistance(trace: TraceStep[], target: SceneObject, name: string, valueM: number, unit: UnitRequest): Answer {
  const h = humanizeLength(valueM, unit);
  return { text: `${capitalize(name)} is about ${h.text} from the camera.`, type: "number", value_m: metres(valueM), unit: h.unit, objectIds: [target.id], trace };
}

export function exists(graph: SceneGraph, trace: TraceStep[], target: Selector, objects: SceneObject[]): Answer {
  const names = objects.map((o) => describe(graph, o));
  const what = pluralPhrase(target, 2);
  const sentence = objects.length === 0
    ? `No, there are no ${what}.`
    : `Yes: ${joinAnd(names)} ${objects.length === 1 ? "is" : "are"}${what.replace(/^\S+/, "")}.`;
  return { text: sentence, type: "bool", bool: objects.length > 0, objectIds: objects.map((o) => o.id), trace };
}

export function side(trace: TraceStep[], a: string, b: string, ids: string[], side: "left" | "right" | null): Answer {
  const sentence = side ? `${capitalize(a)} is on the ${side} side of ${b}.` : `${capitalize(a)} is neither clearly left nor right of ${b}: they are about even from left to right.`;
  return { text: sentence, type: "text", objectIds: ids, trace };
}

export function same(trace: TraceStep[], a: string, picked: string, pickText: string, ids: string[], isSame: boolean): Answer {
  const sentence = isSame ? `Yes, ${a} is the ${pickText}.` : `No, the ${pickText} is ${picked}, not ${a}.`;
  return { text: sentence, type: "bool", bool: isSame, objectIds: ids, trace };
}

const DIFFERENCE_WORDS: Record<"height" | "width" | "distance" | "elevation", [string, string, string]> = {
  height: ["taller", "shorter", "as tall as"], width: ["wider", "narrower", "as wide as"], distance: ["farther from the camera", "closer to the camera", "as far from the camera as"], elevation: ["higher", "lower", "as high as"],
};

/** "The red chair is 80 centimeters taller than the cup." `value_m` is A − B (negative: A is the lesser). */
export function difference(trace: TraceStep[], key: "height" | "width" | "distance" | "elevation", a: string, b: string, ids: string[], diffM: number, unit: UnitRequest): Answer {
  const h = humanizeLength(Math.abs(diffM), unit);
  const [more, less, even] = DIFFERENCE_WORDS[key];
  const sentence = h.roundedM === 0 ? `${capitalize(a)} is about ${even} ${b}.` : `${capitalize(a)} is ${h.text} ${diffM > 0 ? more : less} than ${b}.`;
  return { text: sentence, type: "number", value_m: metres(diffM), unit: h.unit, objectIds: ids, trace };
}

/** "Which is closer to A, B or C?": the chosen object first. */
export function closerChoice(trace: TraceStep[], [a, b, c]: string[], [A, B, C]: SceneObject[], toBM: number, toCM: number, farther: boolean, verdict: boolean | null): Answer {
  const facts = `${b} is ${humanizeLength(toBM).text} from ${a} and ${c} is ${humanizeLength(toCM).text}`;
  if (verdict === null) return { text: `Too close to call: ${facts}.`, type: "text", objectIds: [B.id, C.id, A.id], trace };
  const [chosen, other, chosenName] = verdict ? [B, C, b] : [C, B, c];
  return { text: `${capitalize(chosenName)} is ${farther ? "farther from" : "closer to"} ${a}: ${facts}.`, type: "choice", choice: chosen.label, objectIds: [chosen.id, other.id, A.id], trace };
}

export function alike(trace: TraceStep[], relation: Relation, a: string, b: string, ids: string[], sign: -1 | 0 | 1): Answer {
  const w = RELATION_WORDS[relation];
  const sentence = sign === 0 ? `Yes, roughly: ${a} and ${b} are ${w.same}.` : `No: ${sign > 0 ? a : b} is ${w.rel} ${sign > 0 ? b : a}.`;
  return { text: sentence, type: "bool", bool: sign === 0, objectIds: ids, trace };
}

export function between(graph: SceneGraph, trace: TraceStep[], objects: SceneObject[], a: string, b: string): Answer {
  const names = objects.map((o) => describe(graph, o));
  const sentence = names.length === 0 ? `Nothing I can place is between ${a} and ${b}.` : `${capitalize(joinAnd(names))} ${names.length === 1 ? "is" : "are"} between ${a} and ${b}.`;
  return { text: sentence, type: "text", items: objects.map((o) => o.label), objectIds: objects.map((o) => o.id), trace };
}

const FAMILY_NOUN: Record<string, string> = { distance: "distance", gap: "gap", horizontal_distance: "horizontal distance", vertical_distance: "vertical distance", width: "width", height: "height", elevation: "height above the floor" };

export function threshold(trace: TraceStep[], family: string, names: string[], ids: string[], valueM: number, thresholdM: number, greater: boolean, holds: boolean): Answer {
  const what = names.length === 2 ? `the ${FAMILY_NOUN[family]} between ${names[0]} and ${names[1]}` : family === "distance" ? `the distance from the camera to ${names[0]}` : `the ${FAMILY_NOUN[family]} of ${names[0]}`;
  const comparison = `${greater ? "more" : "less"} than ${humanizeLength(thresholdM).text}`;
  const sentence = `${holds ? "Yes" : "No"}: ${what} is ${humanizeLength(valueM).text}${holds ? `, ${comparison}` : `, not ${comparison}`}.`;
  return { text: sentence, type: "bool", bool: holds, value_m: metres(valueM), objectIds: ids, trace };
}

export function every(graph: SceneGraph, trace: TraceStep[], target: Selector, results: Array<{ o: SceneObject; ok: boolean }>, relation: FilterRelation, b: string, bIds: string[], all: boolean, distanceM?: number): Answer {
  const phrase = relationPhrase(relation, distanceM !== undefined ? humanizeLength(distanceM).text : undefined);
  const failing = results.filter((r) => !r.ok).map((r) => describe(graph, r.o));
  const what = pluralPhrase(target, 2);
  const sentence = all ? `Yes, all ${results.length} ${what} are ${phrase} ${b}.` : `No: ${joinAnd(failing)} ${failing.length === 1 ? "is" : "are"} not ${phrase} ${b}.`;
  return { text: sentence, type: "bool", bool: all, objectIds: [...results.map((r) => r.o.id), ...bIds], trace };
}

export function whereInView(trace: TraceStep[], name: string, o: SceneObject, rangeM: number): Answer {
  const third = o.attributes.imagePosition === "center" ? "in the middle of the picture" : `on the ${o.attributes.imagePosition} of the picture`;
  return { text: `${capitalize(name)} is ${third}, about ${humanizeLength(rangeM).text} from the camera.`, type: "text", value_m: metres(rangeM), objectIds: [o.id], trace };
}

export function whereRelative(trace: TraceStep[], a: string, b: string, ids: string[], facts: string[], distanceM: number): Answer {
  const words: Record<string, string> = { on: "on", under: "under", left: "to the left of", right: "to the right of", in_front: "in front of", behind: "behind", above: "above", below: "below" };
  const said = facts.map((f) => words[f]);
  const relation = said.length ? `${joinAnd(said)} ${b}` : `close to level with ${b}, neither clearly left, right, in front, behind, above nor below it`;
  return { text: `${capitalize(a)} is ${relation}, about ${humanizeLength(distanceM).text} away from it.`, type: "text", value_m: metres(distanceM), objectIds: ids, trace };
}

