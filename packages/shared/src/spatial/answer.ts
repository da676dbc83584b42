// Answers to understood questions: the structured value from the lead's predicates and
// measurements, and a sentence from the answer templates.
// - `value_m` is always metres (rounded to the millimetre), whatever unit the sentence uses.
// - Too close to call: type "text" with a hedged sentence ("too close to call: … at about the same
//   level") and no `bool` / `choice`, so a consumer reading the structured field never gets a fact
//   we do not have.
// - Up only assumed (no support plane): families that need "up" still get an answer, and the text
//   says "assuming the camera is level"; elevation is refused (there is no floor to measure from).
// - An object without trusted 3D points (pointCount 0): an honest "text" answer, no guess.
import { z } from "zod";
import type { Relation } from "./families.js";
import { formatClockHour, humanizeLength } from "./humanize.js";
import { displayLabel } from "./lexicon.js";
import { measure, MeasurementUnavailableError, upIsAssumed } from "./measurements.js";
import { NEEDS_UP, type ParsedQuery } from "./query.js";
import { MAX_TRACE_STEPS, TraceStep } from "./program/schema.js";
import { referenceFor } from "./references.js";
import { chooseByRelation, relationHolds } from "./relations.js";
import type { SceneGraph, SceneObject } from "./scene-graph.js";
import { fillTemplate, LEVEL_ANSWERS, ON_FLOOR_ANSWERS, QUALITATIVE_TEMPLATES, QUANTITATIVE_ANSWERS, STACKED_ANSWERS, TOUCHING_ANSWERS } from "./templates/index.js";

export const Answer = z.object({
  text: z.string(),
  type: z.enum(["bool", "choice", "number", "text"]),
  bool: z.boolean().optional(),
  /** The chosen object's label; `objectIds[0]` is the chosen object. */
  choice: z.string().optional(),
  /** Metres, whatever unit `text` uses. */
  value_m: z.number().optional(),
  clock_hour: z.number().int().min(1).max(12).optional(),
  /** The unit `text` states the value in ("m", "cm", "ft", "in", "ft-in"). */
  unit: z.string().optional(),
  objectIds: z.array(z.string()),
  /** "How many …": the count (`type` "number", no `value_m`). */
  count: z.number().int().nonnegative().optional(),
  /** Lists and rankings: the labels of the objects in order (`objectIds` holds their ids in the same order). */
  items: z.array(z.string()).optional(),
  /** The steps of the program that produced this answer, with what each selected and measured. */
  trace: z.array(TraceStep).max(MAX_TRACE_STEPS).optional(),
});
export type Answer = z.infer<typeof Answer>;

/** Picks one of n templates: a seeded draw when synthesizing, a hash of the question when answering. */
export type TemplatePicker = (n: number) => number;

export const UP_ASSUMED_NOTE = "(This is assuming the camera is level: I found no floor to tell which way is up.)";

/** FNV-1a, 32 bit: the same question always renders with the same template. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** How answers name an object: its unambiguous reference, else "the <label>" (the ids still tell). */
export function nameOf(graph: SceneGraph, object: SceneObject): string {
  return referenceFor(graph, object) ?? `the ${displayLabel(object.label)}`;
}

function objectOf(graph: SceneGraph, id: string): SceneObject {
  const object = graph.objects.find((o) => o.id === id);
  if (!object) throw new RangeError(`no object ${id} in this scene graph`);
  return object;
}

function choose<T>(list: readonly T[], pick: TemplatePicker): T {
  return list[pick(list.length) % list.length];
}

function text(message: string, objectIds: string[]): Answer {
  return { text: message, type: "text", objectIds };
}

interface Rendered {
  answer: Answer;
  /** True when the answer declines (no depth, no floor): no note about "up" is added to it. */
  refused: boolean;
}

const done = (answer: Answer): Rendered => ({ answer, refused: false });
const refuse = (message: string, objectIds: string[]): Rendered => ({ answer: text(message, objectIds), refused: true });

function noDepth(graph: SceneGraph, objects: SceneObject[]): Rendered | null {
  const missing = objects.find((o) => o.pointCount === 0);
  if (!missing) return null;
  return refuse(`I don't have reliable 3D points for ${nameOf(graph, missing)}, so I can't answer that without guessing.`, objects.map((o) => o.id));
}

function qualitative(graph: SceneGraph, query: Extract<ParsedQuery, { form: "predicate" | "choice" }>, pick: TemplatePicker): Rendered {
  const [a, b] = query.objectIds.map((id) => objectOf(graph, id));
  const refused = noDepth(graph, [a, b]);
  if (refused) return refused;
  const templates = QUALITATIVE_TEMPLATES[query.family];
  const relation: Relation = query.relation;
  const hedge = (): Rendered => done(text(fillTemplate(choose(templates.hedges, pick), { A: nameOf(graph, a), B: nameOf(graph, b), relation }), [a.id, b.id]));
  if (query.form === "predicate") {
    const holds = relationHolds(graph, relation, a, b);
    if (holds === null) return hedge();
    // "Is A taller or shorter than B?": a bare "Yes." would not say which, so name the objects.
    const alternative = /\bor\b/i.test(query.question);
    const list = (holds ? templates.yes : templates.no).filter((t) => !alternative || t.includes("[A]"));
    const sentence = fillTemplate(choose(list, pick), { A: nameOf(graph, a), B: nameOf(graph, b), relation });
    return done({ text: sentence, type: "bool", bool: holds, objectIds: [a.id, b.id] });
  }
  const chosen = chooseByRelation(graph, relation, a, b);
  if (chosen === null) return hedge();
  const other = chosen === a ? b : a;
  const sentence = fillTemplate(choose(templates.choiceAnswers, pick), { A: nameOf(graph, chosen), B: nameOf(graph, other), relation });
  return done({ text: sentence, type: "choice", choice: chosen.label, objectIds: [chosen.id, other.id] });
}

function quantity(graph: SceneGraph, query: Extract<ParsedQuery, { form: "quantity" }>, pick: TemplatePicker): Rendered {
  const objects = query.objectIds.map((id) => objectOf(graph, id));
  const [a, b] = objects;
  const ids = objects.map((o) => o.id);
  const refused = noDepth(graph, objects);
  if (refused) return refused;
  let m;
  try {
    m = measure(graph, query.family, a, b);
  } catch (error) {
    if (!(error instanceof MeasurementUnavailableError)) throw error;
    if (error.code === "no_support_plane") return refuse(`I could not find a floor or other support plane in this image, so I can't say how high ${nameOf(graph, a)} is above it.`, ids);
    return refuse(`I need two objects for that, and I only have ${nameOf(graph, a)}.`, ids);
  }
  const slots = { A: nameOf(graph, a), B: b ? nameOf(graph, b) : undefined };
  if (m.family === "direction") {
    const sentence = fillTemplate(choose(QUANTITATIVE_ANSWERS.direction, pick), { ...slots, X: formatClockHour(m.clockHour) });
    return done({ text: sentence, type: "number", clock_hour: m.clockHour, objectIds: ids });
  }
  const human = humanizeLength(m.valueM, query.unit);
  // A value that rounds to zero reads better as what it means: touching, on the floor, level, stacked.
  const zeroAnswers: Partial<Record<typeof m.family, readonly string[]>> = { gap: TOUCHING_ANSWERS, elevation: ON_FLOOR_ANSWERS, vertical_distance: LEVEL_ANSWERS, horizontal_distance: STACKED_ANSWERS };
  const list = (human.roundedM === 0 ? zeroAnswers[m.family] : undefined) ?? QUANTITATIVE_ANSWERS[m.family];
  const sentence = fillTemplate(choose(list, pick), { ...slots, X: human.text });
  return done({ text: sentence, type: "number", value_m: Math.round(m.valueM * 1000) / 1000, unit: human.unit, objectIds: ids });
}

/** Answers a query, choosing templates with `pick` (see `answerQuery` for the deterministic choice). */
export function renderAnswer(graph: SceneGraph, query: ParsedQuery, pick: TemplatePicker): Answer {
  const { answer, refused } = query.form === "quantity" ? quantity(graph, query, pick) : qualitative(graph, query, pick);
  if (!refused && upIsAssumed(graph) && NEEDS_UP.has(query.family)) answer.text = `${answer.text} ${UP_ASSUMED_NOTE}`;
  return answer;
}

/**
 * Evaluates a parsed query against the graph. The template is chosen by a hash of the question,
 * so the same question always gets the same sentence.
 * Example: `answerQuery(graph, { form: "predicate", family: "left_right", relation: "left", objectIds: ["obj-0", "obj-1"], question: "…" })`
 * → `{ type: "bool", bool: true, text: "Yes, the chair is to the left of the table.", … }`.
 */
export function answerQuery(graph: SceneGraph, query: ParsedQuery): Answer {
  const h = hashString(`${query.question}|${query.family}`);
  return renderAnswer(graph, query, (n) => h % n);
}
