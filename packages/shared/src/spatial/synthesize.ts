// The data engine's last stage: template QA pairs from one scene graph (SpatialVLM §3.3).
// Seeded and reproducible: the same graph, seed and options give the same list.
// - Objects: only those with trusted 3D points (pointCount > 0), since every family here is judged
//   from the 3D boxes, and only those `referenceFor` can name unambiguously; a pair with an
//   unnameable object is dropped rather than asked about.
// - Qualitative pairs too close to call (relation null) are skipped: no "neither" facts in the data.
// - When "up" is only assumed (no support plane), the families in NEEDS_UP are not synthesized
//   unless `includeAssumedUp` is set (their answers then carry the "assuming the camera is level"
//   note); elevation has no floor to measure from and is never synthesized then.
// - Units: answers are metric and humanized, except a seeded share (`imperialShare`) in feet and
//   inches; half of those questions also ask for it ("Answer in feet and inches."). A template that
//   names a unit itself ("How many feet tall…") is answered in that unit.
import { z } from "zod";
import { createRng, randomInt } from "../geometry/random.js";
import { QuantitativeFamily, RELATIONS_OF, SINGLE_OBJECT_FAMILIES, type QualitativeFamily } from "./families.js";
import { Answer, renderAnswer } from "./answer.js";
import { parseUnitRequest, type UnitRequest } from "./humanize.js";
import { upIsAssumed } from "./measurements.js";
import { NEEDS_UP, QaFamily, QaForm, type ParsedQuery } from "./query.js";
import { referenceFor } from "./references.js";
import { chooseByRelation, relationHolds } from "./relations.js";
import type { SceneGraph, SceneObject } from "./scene-graph.js";
import { fillTemplate, QUALITATIVE_TEMPLATES, QUANTITATIVE_QUESTIONS, UNIT_REQUESTS } from "./templates/index.js";

export const SynthesizedQa = z.object({
  question: z.string(),
  answer: Answer,
  family: QaFamily,
  form: QaForm,
  /** [A, B] as the question names them; one id for width/height/elevation; [observer, target] for direction. */
  objectIds: z.array(z.string()),
});
export type SynthesizedQa = z.infer<typeof SynthesizedQa>;

export interface SynthesizeOptions {
  seed: number;
  /** QA pairs per family and form (default 3): a qualitative family gives up to 3 predicates and 3 choices. */
  perFamily?: number;
  /** Share of length answers given in feet and inches (default 0.2). */
  imperialShare?: number;
  /** Families to synthesize (default: all, in QaFamily order). */
  families?: readonly QaFamily[];
  /** Synthesize the families that need "up" even when it is only assumed (default false). */
  includeAssumedUp?: boolean;
}

function shuffle<T>(items: T[], rng: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function isQualitative(family: QaFamily): family is QualitativeFamily {
  return family in RELATIONS_OF;
}

/** What synthesis left out, so a dataset can report it (the pairs themselves are never emitted). */
export interface SynthesisDrops {
  /** Candidate pairs (or single objects) drawn with an object `referenceFor` cannot name unambiguously. */
  ambiguous: number;
}

/**
 * Template QA pairs about `graph`.
 * Example: `synthesizeQa(graph, { seed: 7, perFamily: 2 })` → `[{ question: "Is the cup to the left of the laptop?", answer: { type: "bool", bool: true, … }, family: "left_right", form: "predicate", objectIds: ["obj-1", "obj-0"] }, …]`.
 */
export function synthesizeQa(graph: SceneGraph, options: SynthesizeOptions): SynthesizedQa[] {
  return synthesizeQaCounted(graph, options).qa;
}

/**
 * `synthesizeQa` with the count of dropped candidates. Candidates are drawn among all objects with
 * trusted 3D; one naming an ambiguous object is dropped and counted (no random draw spent on it), so
 * a graph where every object is nameable gives exactly `synthesizeQa`'s list.
 */
export function synthesizeQaCounted(graph: SceneGraph, options: SynthesizeOptions): { qa: SynthesizedQa[]; dropped: SynthesisDrops } {
  const { seed, perFamily = 3, imperialShare = 0.2, families = QaFamily.options, includeAssumedUp = false } = options;
  const rng = createRng(seed);
  const pick = (n: number) => randomInt(rng, n);
  const references = new Map<string, string>();
  for (const o of graph.objects) {
    const ref = o.pointCount > 0 ? referenceFor(graph, o) : null;
    if (ref) references.set(o.id, ref);
  }
  const located = graph.objects.filter((o) => o.pointCount > 0);
  const pairs: Array<[SceneObject, SceneObject]> = located.flatMap((a) => located.filter((b) => b !== a).map((b): [SceneObject, SceneObject] => [a, b]));
  const nameable = (objects: readonly SceneObject[]) => objects.every((o) => references.has(o.id));
  const dropped: SynthesisDrops = { ambiguous: 0 };
  const out: SynthesizedQa[] = [];
  const assumedUp = upIsAssumed(graph);

  for (const family of families) {
    if (assumedUp && NEEDS_UP.has(family) && (!includeAssumedUp || family === "elevation")) continue;
    if (isQualitative(family)) {
      const templates = QUALITATIVE_TEMPLATES[family];
      for (const form of ["predicate", "choice"] as const) {
        let made = 0;
        for (const [a, b] of shuffle([...pairs], rng)) {
          if (made >= perFamily) break;
          if (!nameable([a, b])) { dropped.ambiguous++; continue; }
          const relation = RELATIONS_OF[family][pick(2)];
          const decided = form === "predicate" ? relationHolds(graph, relation, a, b) : chooseByRelation(graph, relation, a, b);
          if (decided === null) continue;
          const list = form === "predicate" ? templates.predicate : templates.choice;
          const question = fillTemplate(list[pick(list.length)], { A: references.get(a.id), B: references.get(b.id), relation });
          const query: ParsedQuery = { form, family, relation, objectIds: [a.id, b.id], question };
          const answer = renderAnswer(graph, query, pick);
          if (answer.type === "text") continue;
          out.push({ question, answer, family, form, objectIds: [a.id, b.id] });
          made++;
        }
      }
      continue;
    }
    const quantitative = QuantitativeFamily.parse(family);
    const single = SINGLE_OBJECT_FAMILIES.has(quantitative);
    const candidates: SceneObject[][] = single ? located.map((o) => [o]) : pairs;
    let made = 0;
    for (const objects of shuffle([...candidates], rng)) {
      if (made >= perFamily) break;
      if (!nameable(objects)) { dropped.ambiguous++; continue; }
      const list = QUANTITATIVE_QUESTIONS[quantitative];
      let question = fillTemplate(list[pick(list.length)], { A: references.get(objects[0].id), B: objects[1] ? references.get(objects[1].id) : undefined });
      let unit: UnitRequest = parseUnitRequest(question) ?? "auto";
      if (unit === "auto" && quantitative !== "direction" && rng() < imperialShare) {
        unit = "ft-in";
        if (rng() < 0.5) question = `${question} ${UNIT_REQUESTS["ft-in"][pick(UNIT_REQUESTS["ft-in"].length)]}`;
      }
      const query: ParsedQuery = { form: "quantity", family: quantitative, objectIds: objects.map((o) => o.id), unit, question };
      const answer = renderAnswer(graph, query, pick);
      if (answer.type === "text") continue;
      out.push({ question, answer, family, form: "quantity", objectIds: query.objectIds });
      made++;
    }
  }
  return { qa: out, dropped };
}
