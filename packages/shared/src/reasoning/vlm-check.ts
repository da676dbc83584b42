// Checks a VLM's reply against the measurements it was grounded in. The prompt asks the model to
// stay consistent with the scene facts; this verifies it did, claim by claim, so a reply that
// contradicts a measurement says so instead of passing for one. Checked, per sentence, against the
// objects the sentence cites by id (the prompt asks for "[obj-N]"):
// - lengths ("1.5 m", "about 60 cm", "5 feet 3 inches"): with two objects cited, the pair's centre
//   distance, gap and each one's size; with one, its distance from the camera and its size; the
//   words after the length narrow it ("… tall": a height, "… wide / long": a horizontal side,
//   "… apart / away / from": a distance);
// - positional relations between two cited objects ("[obj-0] is left of [obj-1]"): the same rule
//   (relationSign) the query programs use; a relation too close to call is not a contradiction.
// A length agrees when it is within LENGTH_TOLERANCE of some candidate measurement (models round:
// "about 1.5 m" for 1.38 m is fair). A sentence that cites none but opens with a pronoun ("They are
// 2 m apart") is about the previous sentence's objects; other lengths citing no object are left
// unchecked: there is nothing to hold them to.
import { measure } from "../spatial/measurements.js";
import { relationSign } from "../spatial/relations.js";
import type { Relation } from "../spatial/families.js";
import type { SceneGraph, SceneObject } from "../spatial/scene-graph.js";
import type { TraceStep } from "../spatial/program/schema.js";
import { UNITS_M } from "../spatial/program/mentions.js";

/** A claimed length agrees with a measurement within 20 % of it, or 5 cm for small things. */
const LENGTH_TOLERANCE = { relative: 0.2, absoluteM: 0.05 };

// Units as questions take them (UNITS_M); "in" is left out: "2 in the corner" is not two inches.
const LENGTH_RE = /(\d+(?:\.\d+)?)\s*(meters?|metres?|m|centimeters?|centimetres?|cm|millimeters?|millimetres?|mm|feet|foot|ft|inches|inch|yards?)\b(?:\s+(?:and\s+)?(\d+(?:\.\d+)?)\s*(?:inches|inch)\b)?/gi;

const RELATION_PHRASES: Array<[RegExp, Relation]> = [
  [/\b(?:to the )?left of\b/i, "left"],
  [/\b(?:to the )?right of\b/i, "right"],
  [/\bin front of\b|\bcloser to the camera than\b|\bnearer (?:to )?the camera than\b/i, "in_front"],
  [/\bbehind\b|\bfarther (?:from|away from) the camera than\b|\bfurther (?:from|away from) the camera than\b/i, "behind"],
  [/\babove\b|\bhigher than\b|\bon top of\b/i, "above"],
  [/\bbelow\b|\bbeneath\b|\bunder\b|\blower than\b/i, "below"],
];

/** A sentence that starts by referring back ("They are…", "It is…"). */
const PRONOUN_START = /^(?:they|it|them|these|those|both|the two|this|that|its|their)\b/i;

const RELATION_WORDS: Partial<Record<Relation, string>> = { left: "left of", right: "right of", in_front: "in front of", behind: "behind", above: "above", below: "below" };
const OPPOSITE: Partial<Record<Relation, Relation>> = { left: "right", right: "left", in_front: "behind", behind: "in_front", above: "below", below: "above" };

export interface ClaimCheck {
  /** The claim as written ("1.5 m", "left of"). */
  claim: string;
  objectIds: string[];
  consistent: boolean;
  /** What was measured, in words ("centres 1.38 m apart, gap 0.92 m"). */
  measured: string;
}

const m = (x: number) => `${x.toFixed(2)} m`;


/** What a stated length is of, from the words right after it ("2 m apart", "90 cm tall"). */
type LengthKind = "distance" | "height" | "horizontal" | "any";
const KIND_CUES: Array<[RegExp, LengthKind]> = [
  [/^\W*(?:\w+\W+){0,2}?(?:tall|high|in height)\b/i, "height"],
  [/^\W*(?:\w+\W+){0,2}?(?:wide|across|long|deep|in width|in length|in depth)\b/i, "horizontal"],
  [/^\W*(?:\w+\W+){0,2}?(?:apart|away|from|between|to|off|behind|in front|left|right|above|below|closer|farther|further|nearer)\b/i, "distance"],
];

function kindAfter(rest: string): LengthKind {
  return KIND_CUES.find(([re]) => re.test(rest))?.[1] ?? "any";
}

interface LengthFact { valueM: number; words: string; kind: Exclude<LengthKind, "any">; main?: true }

/** Candidate measurements a length stated about these objects may mean, with their words. */
function lengthFacts(graph: SceneGraph, objects: readonly SceneObject[]): LengthFact[] {
  const facts: LengthFact[] = [];
  const size = (o: SceneObject) => {
    facts.push(
      { valueM: o.box.widthM, words: `${o.id} ${m(o.box.widthM)} wide`, kind: "horizontal" },
      { valueM: o.box.heightM, words: `${o.id} ${m(o.box.heightM)} tall`, kind: "height" },
      { valueM: o.box.lengthM, words: `${o.id} ${m(o.box.lengthM)} deep`, kind: "horizontal" },
    );
  };
  if (objects.length >= 2) {
    const [a, b] = objects;
    for (const family of ["distance", "gap"] as const) {
      const result = measure(graph, family, a, b);
      if ("valueM" in result) facts.push({ valueM: result.valueM, words: family === "distance" ? `centres ${m(result.valueM)} apart` : `gap ${m(result.valueM)}`, kind: "distance", main: true });
    }
    size(a);
    size(b);
  } else if (objects.length === 1) {
    const [o] = objects;
    const fromCameraM = Math.hypot(o.centerCam[0], o.centerCam[1], o.centerCam[2]);
    facts.push({ valueM: fromCameraM, words: `${o.id} ${m(fromCameraM)} from the camera`, kind: "distance", main: true });
    size(o);
  }
  return facts;
}

/** The sentence names (by label, singular or plural) an object of the scene with another label than `cited`'s. */
function namesAnotherObject(sentence: string, graph: SceneGraph, cited: SceneObject): boolean {
  const words = sentence.toLowerCase();
  return graph.objects.some((o) => o.label !== cited.label && new RegExp(`\\b${o.label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}s?\\b`).test(words));
}

function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?;])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
}

/** Every checkable claim of the reply, each with whether the measurements bear it out. */
export function checkVlmReply(text: string, graph: SceneGraph): ClaimCheck[] {
  const byId = new Map(graph.objects.filter((o) => o.pointCount > 0).map((o) => [o.id, o]));
  const checks: ClaimCheck[] = [];
  let previous: SceneObject[] = [];
  for (const sentence of sentencesOf(text)) {
    let cited = [...new Set([...sentence.matchAll(/\bobj-\d+\b/g)].map((x) => x[0]))].map((id) => byId.get(id)).filter((o): o is SceneObject => !!o);
    // "They are 1.2 m apart." refers back to the objects of the sentence before.
    if (cited.length === 0 && PRONOUN_START.test(sentence)) cited = previous;
    if (cited.length === 0) continue;
    previous = cited;
    const objectIds = cited.slice(0, 2).map((o) => o.id);
    const facts = lengthFacts(graph, cited.slice(0, 2));
    // One object cited but another named without its id ("[obj-3] is 40 cm from the laptop"): the
    // length may be to that one, which the sentence does not identify. Not checked.
    // More than two cited: which pair a length is of is not said. Not checked either.
    const lengthsCheckable = cited.length === 2 || (cited.length === 1 && !namesAnotherObject(sentence, graph, cited[0]));
    for (const match of lengthsCheckable ? sentence.matchAll(LENGTH_RE) : []) {
      const claimedM = Number(match[1]) * UNITS_M[match[2].toLowerCase()] + (match[3] ? Number(match[3]) * UNITS_M.inches : 0);
      if (!Number.isFinite(claimedM)) continue;
      const kind = kindAfter(sentence.slice(match.index! + match[0].length));
      const candidates = kind === "any" ? facts : facts.filter((f) => f.kind === kind);
      const agreeing = candidates.find((f) => Math.abs(claimedM - f.valueM) <= Math.max(LENGTH_TOLERANCE.absoluteM, LENGTH_TOLERANCE.relative * f.valueM));
      // Agreeing: the measurement it matches. Not: what it was held to (the main ones when it could be anything).
      const measured = agreeing ? agreeing.words : (kind === "any" ? facts.filter((f) => f.main) : candidates).map((f) => f.words).join(", ");
      checks.push({ claim: match[0], objectIds, consistent: !!agreeing, measured });
    }
    if (cited.length === 2) {
      // The relation between the two ids: the phrase must sit between them ("[obj-0] is left of [obj-1]").
      // (Whole ids: obj-1 is not the start of obj-10.)
      const indexOfId = (id: string, from: number) => { const k = sentence.slice(from).search(new RegExp(`\\b${id}\\b`)); return k < 0 ? -1 : from + k; };
      const first = indexOfId(cited[0].id, 0), second = first < 0 ? -1 : indexOfId(cited[1].id, first + 1);
      const between = second > first ? sentence.slice(first + cited[0].id.length, second) : "";
      const found = RELATION_PHRASES.find(([re]) => re.test(between));
      if (found && !/\bnot\b|n't\b/i.test(between)) {
        const [re, relation] = found;
        const sign = relationSign(relation, cited[0], cited[1]);
        if (sign !== 0) {
          const holds = sign > 0;
          checks.push({ claim: between.match(re)![0], objectIds, consistent: holds, measured: `${cited[0].id} is ${RELATION_WORDS[holds ? relation : OPPOSITE[relation]!]} ${cited[1].id}` });
        }
      }
    }
  }
  return checks;
}

/** The checks as trace steps, one per claim. */
export function checkSteps(checks: readonly ClaimCheck[]): TraceStep[] {
  return checks.map((c) => ({
    op: "check",
    detail: `"${c.claim}" (${c.objectIds.join("–")}): ${c.consistent ? "agrees with" : "contradicts"} the measurements (${c.measured})`.slice(0, 2000),
    objectIds: c.objectIds,
  }));
}

/** A sentence to append to a reply that contradicts the measurements; empty when none does. */
export function contradictionNote(checks: readonly ClaimCheck[]): string {
  const wrong = checks.filter((c) => !c.consistent);
  if (wrong.length === 0) return "";
  return `(Checked against the measurements, this disagrees: ${wrong.map((c) => `"${c.claim}" for ${c.objectIds.join(" and ")}, measured ${c.measured}`).join("; ")}.)`;
}
