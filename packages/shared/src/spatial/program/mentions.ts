// Noun phrases of a question → Selectors. Tokens, lemmas and parts of speech come from wink-nlp
// (nlp.ts); the phrase grammar is ours:
//   [det] [colour | shade | ordinal | superlative | number | all]* NOUN [post-modifier]*
// post-modifiers: "on the left", "in the middle", "at the back", "third … from the left",
// "closest to the camera / to <phrase>", "furthest to the right", relative clauses
// ("(that is | sitting)? on / under / next to / near / behind / left of … <phrase>",
// "within 2 m of <phrase>") and "with a <phrase> on it". A bare prepositional clause with no
// relativiser ("the mug on the shelf") attaches only when the caller asks (`attachBare`): in
// "Is the mug on the shelf?" the same words are the question's predicate.
import { colorWord, termTable, type TermEntry } from "../lexicon.js";
import type { SceneGraph } from "../scene-graph.js";
import type { Token } from "./nlp.js";
import type { Filter, FilterRelation, OrderKey, Order, Pick, Selector } from "./schema.js";

export interface Mention {
  start: number;
  end: number;
  selector: Selector;
  /** Uses something the cue-based families cannot express: a pick, a filter, a count, the camera. */
  rich: boolean;
  /** Introduced by "which": the question picks among this set. */
  which: boolean;
}

type Terms = ReturnType<typeof termTable>;

export interface MentionContext {
  tokens: Token[];
  terms: Terms;
  attachBare: boolean;
  /** Known vocabulary: a NOUN outside it after a determiner is taken for an object's name. */
  known: Set<string>;
}

const DETERMINERS = new Set(["the", "a", "an", "this", "that", "these", "those", "my", "your", "any", "some", "its"]);
const ALL_WORDS = new Set(["all", "every", "each", "both"]);
const SHADES = new Set(["light", "dark", "bright", "pale", "deep"]);
const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, both: 2 };
const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9, "10th": 10, last: -1,
};
/** Superlative adjectives: the key they order by and which end they pick. */
export const SUPERLATIVES: Record<string, { key: OrderKey; order: Order }> = {
  closest: { key: "distance", order: "min" }, nearest: { key: "distance", order: "min" },
  farthest: { key: "distance", order: "max" }, furthest: { key: "distance", order: "max" },
  tallest: { key: "height", order: "max" }, shortest: { key: "height", order: "min" },
  widest: { key: "width", order: "max" }, broadest: { key: "width", order: "max" },
  narrowest: { key: "width", order: "min" }, thinnest: { key: "width", order: "min" }, skinniest: { key: "width", order: "min" },
  biggest: { key: "volume", order: "max" }, largest: { key: "volume", order: "max" }, smallest: { key: "volume", order: "min" }, tiniest: { key: "volume", order: "min" },
  leftmost: { key: "x", order: "min" }, rightmost: { key: "x", order: "max" },
  highest: { key: "elevation", order: "max" }, topmost: { key: "elevation", order: "max" }, uppermost: { key: "elevation", order: "max" }, lowest: { key: "elevation", order: "min" },
  frontmost: { key: "depth", order: "min" }, foremost: { key: "depth", order: "min" }, rearmost: { key: "depth", order: "max" }, backmost: { key: "depth", order: "max" },
};
/** Comparatives that act as superlatives in "which X is closer to Y?". */
const COMPARATIVES: Record<string, { key: OrderKey; order: Order }> = {
  closer: { key: "distance", order: "min" }, nearer: { key: "distance", order: "min" }, farther: { key: "distance", order: "max" }, further: { key: "distance", order: "max" },
};
const GENERIC: Record<string, boolean> = { object: false, objects: true, thing: false, things: true, item: false, items: true, everything: true, anything: true, one: false, ones: true };
const CAMERA_WORDS = new Set(["camera", "viewer", "photographer", "lens"]);
const CAMERA_PRONOUNS = new Set(["me", "us", "you"]);
const PREPOSITIONS = new Set(["from", "to", "of", "near", "behind", "than", "toward", "towards", "beside", "by", "between"]);
const PARTICIPLES = new Set(["sitting", "standing", "lying", "placed", "resting", "located", "hanging", "parked", "positioned", "kept", "put", "set", "stored", "seated", "lying"]);
/** Nouns that are never objects in a spatial question (measures, parts of the picture, grammar). */
const NON_OBJECTS = new Set([
  "distance", "height", "width", "length", "size", "diameter", "radius", "gap", "space", "room", "clearance", "depth", "elevation", "volume", "area",
  "side", "left", "right", "middle", "center", "centre", "front", "back", "rear", "top", "bottom", "foreground", "background", "edge",
  "camera", "image", "picture", "photo", "scene", "view", "viewpoint", "perspective", "frame", "floor", "ground", "way", "order", "number", "count",
  "triangle", "stack", "pile", "tower", "row", "line", "group", "set", "pair", "meter", "meters", "metre", "metres", "cm", "centimeter", "centimeters",
  "mm", "inch", "inches", "foot", "feet", "ft", "yard", "yards", "unit", "units", "position", "direction", "oclock", "clock", "time", "degree", "degrees",
  "angle", "point", "premise", "answer", "question", "lot", "kind", "type", "one", "ones", "other", "others", "rest", "end", "part", "half", "terms",
  "estimation", "estimate", "measurement", "value", "idea", "sense", "guess", "approximation", "location", "spot", "place", "relation", "relationship",
]);

/** Length units as words, in metres (questions and the VLM check read the same units). */
export const UNITS_M: Record<string, number> = {
  m: 1, meter: 1, meters: 1, metre: 1, metres: 1, cm: 0.01, centimeter: 0.01, centimeters: 0.01, centimetre: 0.01, centimetres: 0.01,
  mm: 0.001, millimeter: 0.001, millimeters: 0.001, millimetre: 0.001, millimetres: 0.001, ft: 0.3048, foot: 0.3048, feet: 0.3048,
  in: 0.0254, inch: 0.0254, inches: 0.0254, yard: 0.9144, yards: 0.9144, km: 1000,
};

const at = (ctx: MentionContext, k: number): string | undefined => ctx.tokens[k]?.text;

/** A number: digits ("1.5"), words ("two"), "half a". */
export function numberAt(ctx: MentionContext, k: number): { value: number; length: number } | null {
  const t = at(ctx, k);
  if (t === undefined) return null;
  if (/^\d+(?:\.\d+)?$/.test(t)) return { value: Number(t), length: 1 };
  if (t === "half" && (at(ctx, k + 1) === "a" || at(ctx, k + 1) === "an")) return { value: 0.5, length: 2 };
  if (t === "a" || t === "an") return { value: 1, length: 1 };
  if (t in NUMBER_WORDS && t !== "both" && t !== "one") return { value: NUMBER_WORDS[t], length: 1 };
  if (t === "one") return { value: 1, length: 1 };
  return null;
}

/** A length in any unit: "60 cm", "2 meters", "5 feet 3 inches", "half a meter". */
export function lengthAt(ctx: MentionContext, k: number): { valueM: number; length: number } | null {
  const n = numberAt(ctx, k);
  if (!n) return null;
  const unit = at(ctx, k + n.length);
  if (unit === undefined || !(unit in UNITS_M)) return null;
  let valueM = n.value * UNITS_M[unit];
  let length = n.length + 1;
  if (unit === "feet" || unit === "foot" || unit === "ft") {
    const more = numberAt(ctx, k + length);
    const inch = more ? at(ctx, k + length + more.length) : undefined;
    if (more && (inch === "inches" || inch === "inch" || inch === "in")) {
      valueM += more.value * 0.0254;
      length += more.length + 1;
    }
  }
  return { valueM, length };
}

/** A relation phrase at k ("to the left of", "on top of", "within 2 m of"), as the filter it makes. */
export function relationAt(ctx: MentionContext, k: number): { relation: FilterRelation; length: number; distanceM?: number } | null {
  const w = (i: number) => at(ctx, k + i);
  const phrase = (...words: string[]) => words.every((word, i) => w(i) === word);
  if (phrase("on", "top", "of")) return { relation: "on", length: 3 };
  if (phrase("to", "the", "left", "of") || phrase("on", "the", "left", "of")) return { relation: "left", length: 4 };
  if (phrase("to", "the", "right", "of") || phrase("on", "the", "right", "of")) return { relation: "right", length: 4 };
  if (phrase("on", "the", "left", "side", "of")) return { relation: "left", length: 5 };
  if (phrase("on", "the", "right", "side", "of")) return { relation: "right", length: 5 };
  if (phrase("left", "of")) return { relation: "left", length: 2 };
  if (phrase("right", "of")) return { relation: "right", length: 2 };
  if (phrase("in", "front", "of")) return { relation: "in_front", length: 3 };
  if (phrase("next", "to") || phrase("close", "to") || phrase("near", "to") || phrase("adjacent", "to")) return { relation: w(0) === "next" || w(0) === "adjacent" ? "next_to" : "near", length: 2 };
  if (w(0) === "within" || phrase("less", "than") || phrase("no", "more", "than") || phrase("closer", "than")) {
    const skip = w(0) === "within" ? 1 : w(0) === "no" ? 3 : 2;
    const len = lengthAt(ctx, k + skip);
    if (!len) return null;
    let n = skip + len.length;
    if (w(n) === "away") n++;
    if (w(n) === "of" || w(n) === "from" || w(n) === "to") return { relation: "within", length: n + 1, distanceM: len.valueM };
    return null;
  }
  const single: Record<string, FilterRelation> = {
    on: "on", onto: "on", atop: "on", under: "under", underneath: "under", beneath: "under", below: "below", above: "above", over: "above",
    beside: "next_to", besides: "next_to", alongside: "next_to", by: "next_to", near: "near", nearby: "near", behind: "behind",
  };
  const relation = single[w(0) ?? ""];
  return relation ? { relation, length: 1 } : null;
}

interface NounHit {
  noun?: { term: string; concept: string };
  plural: boolean;
  camera: boolean;
  length: number;
}

function matchTerm(ctx: MentionContext, i: number): { entry: TermEntry; length: number } | null {
  for (let n = Math.min(ctx.terms.maxWords, ctx.tokens.length - i); n >= 1; n--) {
    const entry = ctx.terms.terms.get(ctx.tokens.slice(i, i + n).map((t) => t.text).join(" "));
    if (entry) return { entry, length: n };
  }
  return null;
}

function nounAt(ctx: MentionContext, i: number, afterDeterminer: boolean): NounHit | null {
  const t = at(ctx, i);
  if (t === undefined) return null;
  if (CAMERA_WORDS.has(t)) return { camera: true, plural: false, length: 1 };
  const term = matchTerm(ctx, i);
  if (term) {
    const e = term.entry;
    // "the orange chair": a colour, not the fruit.
    if (e.concept === "orange" && matchTerm(ctx, i + term.length)) return null;
    if (e.concept === "clock" && /^(position|direction|hour|face|wise|terms|hand)/.test(at(ctx, i + 1) ?? "")) return null;
    return { noun: { term: e.term, concept: e.concept }, plural: e.plural, camera: false, length: term.length };
  }
  if (t in GENERIC && (t !== "one" && t !== "ones" ? true : afterDeterminer)) return { plural: GENERIC[t], camera: false, length: 1 };
  const tok = ctx.tokens[i];
  if (afterDeterminer && (tok.pos === "NOUN" || tok.pos === "PROPN") && /^[a-z]+$/.test(t) && !NON_OBJECTS.has(t) && !NON_OBJECTS.has(tok.lemma) && !ctx.known.has(t)) {
    return { noun: { term: tok.lemma, concept: `label:${tok.lemma}` }, plural: tok.lemma !== t, camera: false, length: 1 };
  }
  return null;
}

interface Pre {
  color?: string;
  ordinal?: number;
  superlative?: { key: OrderKey; order: Order };
  count?: number;
  all: boolean;
  position?: "left" | "right" | "center";
  determiner: boolean;
  which: boolean;
}

/** Parses one noun phrase starting exactly at `i`, or null. */
export function mentionAt(ctx: MentionContext, i: number, depth = 0): Mention | null {
  if (depth > 3) return null;
  const pre: Pre = { all: false, determiner: false, which: false };
  let k = i;
  const t0 = at(ctx, k);
  if (t0 === "which" || t0 === "what") {
    pre.which = true;
    k++;
    // "What is closest to the couch?": the superlative stands for "the object".
    if ((at(ctx, k) === "is" || at(ctx, k) === "are") && (at(ctx, k + 1) ?? "") in SUPERLATIVES) k++;
  }
  if (CAMERA_PRONOUNS.has(t0 ?? "") && PREPOSITIONS.has(at(ctx, i - 1) ?? "")) {
    if (t0 !== "you" || at(ctx, i - 1) === "from" || at(ctx, i - 1) === "to") return { start: i, end: i + 1, selector: { kind: "camera" }, rich: true, which: false };
  }
  if (ALL_WORDS.has(at(ctx, k) ?? "")) { pre.all = true; if (at(ctx, k) === "both") pre.count = 2; k++; if (at(ctx, k) === "of") k++; }
  if (DETERMINERS.has(at(ctx, k) ?? "")) { pre.determiner = true; k++; }
  for (let guard = 0; guard < 6; guard++) {
    const t = at(ctx, k);
    if (t === undefined) break;
    const c = colorWord(t);
    if (c && !pre.color && !(t === "orange" && !nounAt(ctx, k + 1, true))) { pre.color = c; k++; continue; }
    if (SHADES.has(t) && colorWord(at(ctx, k + 1) ?? "")) { k++; continue; }
    if (t in ORDINALS && pre.ordinal === undefined) { pre.ordinal = ORDINALS[t]; k++; continue; }
    if (t in SUPERLATIVES && !pre.superlative) { pre.superlative = SUPERLATIVES[t]; k++; continue; }
    if (t === "most" && (at(ctx, k + 1) === "left" || at(ctx, k + 1) === "right")) { pre.superlative = { key: "x", order: at(ctx, k + 1) === "left" ? "min" : "max" }; k += 2; continue; }
    if ((t in NUMBER_WORDS || /^\d+$/.test(t)) && pre.count === undefined && t !== "one" && !(at(ctx, k + 1) ?? "").match(/^(m|cm|mm|meters?|metres?|feet|foot|ft|inch|inches|in)$/)) {
      pre.count = t in NUMBER_WORDS ? NUMBER_WORDS[t] : Number(t);
      k++;
      continue;
    }
    if ((t === "left" || t === "right" || t === "middle" || t === "center" || t === "central") && pre.determiner && !pre.position) {
      const next = nounAt(ctx, k + 1, true);
      if (next && !next.camera) { pre.position = t === "left" ? "left" : t === "right" ? "right" : "center"; k++; continue; }
    }
    break;
  }
  const previous = at(ctx, i - 1);
  let noun = nounAt(ctx, k, pre.determiner || pre.which || pre.all || pre.color !== undefined || pre.count !== undefined || previous === "of" || previous === "many");
  if (!noun) {
    // "the tallest", "the third from the left": a superlative or ordinal with no noun means any object.
    const next = ctx.tokens[k];
    if ((pre.superlative || pre.ordinal) && (pre.determiner || pre.which) && !(next && next.pos === "NOUN")) noun = { plural: false, camera: false, length: 0 };
    else return null;
  }
  if (noun.camera) {
    if (pre.color || pre.superlative || pre.ordinal || pre.count) return null;
    return { start: i, end: k + noun.length, selector: { kind: "camera" }, rich: true, which: false };
  }
  let end = k + noun.length;
  const where: Filter[] = [];
  let pick: Pick | undefined = undefined;
  let position = pre.position;
  let rich = Boolean(pre.ordinal || pre.all || (pre.count && pre.count > 2));
  if (pre.superlative) {
    pick = { ...pre.superlative, rank: pre.ordinal && pre.ordinal > 0 ? pre.ordinal : 1 };
    // "the closest chair to the table"
    if (pre.superlative.key === "distance" && (at(ctx, end) === "to" || at(ctx, end) === "from")) {
      const ref = referenceAt(ctx, end + 1, depth);
      if (ref) { pick.reference = ref.selector; end = ref.end; }
    }
  }
  const post = postModifiers(ctx, end, depth, pre, pick, position, where, i);
  end = post.end; pick = post.pick; position = post.position;
  if (pre.ordinal !== undefined && !pick) {
    // "the third chair" with no direction: counted from the left, as one reads.
    pick = pre.ordinal === -1 ? { key: "x", order: "max", rank: 1 } : { key: "x", order: "min", rank: pre.ordinal };
  }
  if (pick && pick.rank < 1) pick.rank = 1;
  if (pick && !(pick.key === "distance" && !pick.reference && pick.rank === 1) && pick.key !== "x") rich = true;
  if (pick?.reference || where.length > 0 || pre.which) rich = rich || where.length > 0 || Boolean(pick?.reference);
  const plural = (noun.plural || pre.all || (pre.count !== undefined && pre.count > 1)) && !pick;
  const text = ctx.tokens.slice(pre.which ? i + 1 : i, end).map((t) => t.text).join(" ");
  const selector: Selector = {
    kind: "objects",
    ...(noun.noun ? { noun: noun.noun } : {}),
    plural: plural || (pre.which && !pick && noun.plural),
    ...(pre.count !== undefined && pre.count > 1 ? { count: pre.count } : {}),
    ...(pre.color ? { color: pre.color } : {}),
    ...(position ? { position } : {}),
    ...(where.length ? { where } : {}),
    ...(pick ? { pick } : {}),
    text,
  };
  return { start: i, end, selector, rich, which: pre.which };
}

/** The phrase a superlative or filter refers to: the camera ("me", "the camera") or another mention. */
function referenceAt(ctx: MentionContext, k: number, depth: number): { selector: Selector; end: number } | null {
  const t = at(ctx, k);
  if (t === "me" || t === "us" || t === "you") return { selector: { kind: "camera" }, end: k + 1 };
  const m = mentionAt(ctx, k, depth + 1);
  return m ? { selector: m.selector, end: m.end } : null;
}

/** Words after which a phrase is the object of a relation or comparison, never a subject a bare clause could describe. */
const OBJECT_OF = new Set(["on", "under", "of", "to", "near", "behind", "above", "below", "beside", "by", "from", "than", "between", "and", "with", "over", "in", "onto", "underneath", "beneath", "or"]);

function postModifiers(ctx: MentionContext, start: number, depth: number, pre: Pre, pick: Pick | undefined, position: Pre["position"], where: Filter[], start0: number) {
  let end = start;
  for (let guard = 0; guard < 4; guard++) {
    let k = end;
    let relativised = false;
    if ((at(ctx, k) === "that" || at(ctx, k) === "which" || at(ctx, k) === "who") && ["is", "are", "sits", "stands", "lies", "sit", "stand", "lie"].includes(at(ctx, k + 1) ?? "")) { k += 2; relativised = true; }
    else if ((at(ctx, k) === "is" || at(ctx, k) === "are") && pre.which) { k += 1; relativised = true; }
    if (PARTICIPLES.has(at(ctx, k) ?? "")) { k++; relativised = true; }
    const w = (i: number) => at(ctx, k + i);
    // Position phrases: "on the left", "in the middle", "at the back".
    if ((w(0) === "on" || w(0) === "to" || w(0) === "at") && w(1) === "the" && (w(2) === "left" || w(2) === "right")) {
      const side = w(3) === "side" ? 1 : 0;
      if (w(3 + side) !== "of" && !(w(3 + side) === "or")) {
        if (pre.ordinal !== undefined && w(0) !== "to") { /* "the second car on the left" = second from the left */ pick = { key: "x", order: w(2) === "left" ? "min" : "max", rank: Math.max(1, pre.ordinal) }; }
        else position = w(2) as "left" | "right";
        end = k + 3 + side; continue;
      }
    }
    if ((w(0) === "in" || w(0) === "at") && w(1) === "the" && ["middle", "center", "centre"].includes(w(2) ?? "") && w(3) !== "of") { position = "center"; end = k + 3; continue; }
    if ((w(0) === "in" || w(0) === "at") && (w(1) === "front" || w(1) === "back") && w(2) !== "of") {
      pick = { key: "distance", order: w(1) === "front" ? "min" : "max", rank: pre.ordinal && pre.ordinal > 0 ? pre.ordinal : 1 };
      end = k + 2; continue;
    }
    if ((w(0) === "in" || w(0) === "at") && w(1) === "the" && ["front", "foreground", "back", "background", "rear"].includes(w(2) ?? "") && w(3) !== "of") {
      pick = { key: "distance", order: w(2) === "front" || w(2) === "foreground" ? "min" : "max", rank: pre.ordinal && pre.ordinal > 0 ? pre.ordinal : 1 };
      end = k + 3; continue;
    }
    if (w(0) === "from" && w(1) === "the" && ["left", "right", "front", "back"].includes(w(2) ?? "") && (pre.ordinal !== undefined || pick)) {
      const key: OrderKey = w(2) === "left" || w(2) === "right" ? "x" : "distance";
      const order: Order = w(2) === "left" || w(2) === "front" ? "min" : "max";
      pick = { key, order, rank: pre.ordinal !== undefined && pre.ordinal > 0 ? pre.ordinal : 1 };
      end = k + 3; continue;
    }
    // "closest to the camera", "furthest to the right", "the farthest from the table", "(is) the tallest".
    let s = k;
    // "Which chair is nearer to the couch?": with "which", a comparative with a reference picks like a superlative.
    const comparative = COMPARATIVES[w(0) ?? ""];
    if (pre.which && comparative && (w(1) === "to" || w(1) === "from")) {
      const ref = referenceAt(ctx, k + 2, depth);
      if (ref) { pick = { ...comparative, rank: 1, ...(ref.selector.kind === "camera" ? {} : { reference: ref.selector }) }; end = ref.end; continue; }
    }
    if (w(0) === "the" && (w(1) ?? "") in SUPERLATIVES) s = k + 1;
    const sup = SUPERLATIVES[at(ctx, s) ?? ""];
    if (sup && (relativised || at(ctx, s + 1) === "to" || at(ctx, s + 1) === "from" || pre.which)) {
      const rank = pre.ordinal && pre.ordinal > 0 ? pre.ordinal : 1;
      if (at(ctx, s + 1) === "one") s++;
      const after = at(ctx, s + 1), after2 = at(ctx, s + 2), after3 = at(ctx, s + 3);
      if (sup.key === "distance" && after === "to" && after2 === "the" && (after3 === "left" || after3 === "right")) { pick = { key: "x", order: after3 === "left" ? "min" : "max", rank }; end = s + 4; continue; }
      if (sup.key === "distance" && (after === "back" || after === "away")) { pick = { key: "distance", order: "max", rank }; end = s + 2; continue; }
      if (sup.key === "distance" && (after === "to" || after === "from")) {
        const ref = referenceAt(ctx, s + 2, depth);
        if (ref) { pick = { ...sup, rank, ...(ref.selector.kind === "camera" ? {} : { reference: ref.selector }) }; end = ref.end; continue; }
      }
      pick = { ...sup, rank };
      end = s + 1; continue;
    }
    if (w(0) === "most" && (w(1) === "to") && w(2) === "the" && (w(3) === "left" || w(3) === "right")) { pick = { key: "x", order: w(3) === "left" ? "min" : "max", rank: 1 }; end = k + 4; continue; }
    // "with a laptop on it"
    if (w(0) === "with" || w(0) === "holding" || w(0) === "having") {
      const m = mentionAt(ctx, k + 1, depth + 1);
      if (m) {
        const rel = relationAt(ctx, m.end);
        if (rel && ["it", "them", "top"].includes(at(ctx, m.end + rel.length) ?? "")) {
          where.push({ relation: rel.relation, of: m.selector, reverse: true, ...(rel.distanceM ? { distanceM: rel.distanceM } : {}) });
          end = m.end + rel.length + 1; continue;
        }
        if (w(0) === "with" && at(ctx, m.end) === "on" && at(ctx, m.end + 1) === "top") { where.push({ relation: "on", of: m.selector, reverse: true }); end = m.end + 2; continue; }
      }
    }
    // Relative clauses: "(that is)? on the shelf", "sitting under the table", "within 2 m of the door".
    const negated = w(0) === "not";
    const rel = relationAt(ctx, k + (negated ? 1 : 0));
    if (rel && (relativised || (ctx.attachBare && depth === 0 && !OBJECT_OF.has(at(ctx, start0 - 1) ?? "")))) {
      const ref = referenceAt(ctx, k + (negated ? 1 : 0) + rel.length, depth);
      // A bare clause followed by another relation ("the cup on the table to the left of the couch")
      // could attach either way: it is left to the question, which then names too many objects.
      if (ref && !relativised && relationAt(ctx, ref.end)) break;
      if (ref) {
        where.push({ relation: rel.relation, of: ref.selector, ...(rel.distanceM ? { distanceM: rel.distanceM } : {}), ...(negated ? { negated } : {}) });
        end = ref.end; continue;
      }
    }
    break;
  }
  return { end, pick, position };
}

/** Every mention of the question, left to right, not overlapping. */
export function findMentions(ctx: MentionContext): Mention[] {
  const out: Mention[] = [];
  for (let i = 0; i < ctx.tokens.length; i++) {
    const m = mentionAt(ctx, i);
    if (!m) continue;
    // "the one in front", "the blue one": the noun of the previous mention.
    const previous = out.find((x) => x.which && x.selector.kind === "objects" && x.selector.noun) ?? [...out].reverse().find((x) => x.selector.kind === "objects" && x.selector.noun);
    if (m.selector.kind === "objects" && !m.selector.noun && /\bones?\b/.test(m.selector.text) && previous && previous.selector.kind === "objects") {
      m.selector = { ...m.selector, noun: previous.selector.noun };
    }
    out.push(m);
    i = m.end - 1;
  }
  return out;
}

/** The term table of a graph: located labels, labels seen without 3D (`unlocated`) and the lexicon. */
export function termsFor(graph: SceneGraph): Terms {
  return termTable([...graph.objects.map((o) => o.label), ...(graph.unlocated ?? []).map((u) => u.label)]);
}
