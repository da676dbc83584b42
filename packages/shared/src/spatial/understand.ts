// Free-form spatial questions → ParsedQuery (family, form, objects, unit), or an honest
// Unanswerable. Not a grammar: the question is tokenised, the object mentions (with their colour
// and position words) are found with the lexicon and replaced by placeholders, and the words left
// over are matched against cue patterns in a fixed order:
//   1. a clock / o'clock cue                       → direction
//   2. "which …", "who …", "A or B"                → choice (qualitative)
//   3. "how …", or "what/give/measure … <noun>"    → quantity
//   4. a comparative / relation cue                → predicate (qualitative)
//   5. a measurement noun or "measure"             → quantity
// Within qualitative questions the families are tried most specific first (taller/shorter before
// bigger/smaller before the positional pairs, left/right and above/below before behind/front,
// whose "further" also appears in "further left"); within a pair the relation whose cue comes
// first wins. Reserved words (camera, floor, image…) never name objects (lexicon.ts).
// `answerQuestion` answers through the query-program layer (program/): the operations beyond these
// families are parsed there first, and what this module understands runs as a compare / measure program.
import { type QualitativeFamily, type QuantitativeFamily, type Relation, SINGLE_OBJECT_FAMILIES } from "./families.js";
import { nameOf, type Answer } from "./answer.js";
import { answerByProgram, programNounsIn } from "./program/answer-question.js";
import { CAPABILITIES } from "./program/capabilities.js";
import { parseUnitRequest } from "./humanize.js";
import { colorWord, normalizeColor, termTable, withIndefiniteArticle, type TermEntry } from "./lexicon.js";
import { type ParsedQuery, type Unanswerable, type UnanswerableReason, isUnanswerable } from "./query.js";
import { ambiguityMessage, resolveSpec, type ObjectSpec, type PositionModifier, type Resolution } from "./references.js";
import type { SceneGraph, SceneObject } from "./scene-graph.js";
import { QUALITATIVE_TEMPLATES, QUANTITATIVE_QUESTIONS, RELATION_WORDS } from "./templates/index.js";

export { ParsedQuery, Unanswerable, isUnanswerable } from "./query.js";

// ---------------------------------------------------------------- tokens

export function normalizeText(question: string): string {
  return question
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/\b(what|where|how|it|that|who|which|there|here)'s\b/g, "$1 is")
    .replace(/\b(is|are|does|do|was|were)n't\b/g, "$1 not")
    .replace(/\bo'\s?clock\b/g, "oclock")
    .replace(/([a-z])'s\b/g, "$1 's")
    .replace(/([a-z])s'(?=\s|$)/g, "$1s")
    .replace(/([a-z])[-_/]([a-z])/g, "$1 $2")
    .replace(/([a-z])[-_/]([a-z])/g, "$1 $2")
    .replace(/\b(left|right) hand\b/g, "$1")
    // A round object's diameter is its width (the fitted cylinder's or sphere's 2 × radius).
    .replace(/\bdiameter\b/g, "width");
}

function tokenize(question: string): string[] {
  const raw = normalizeText(question).match(/'s|[a-z]+|[0-9]+(?:\.[0-9]+)?|[,;:!?.()—–"-]/g) ?? [];
  return raw.map((t) => (/^[,;:!?.()—–"-]$/.test(t) ? "," : t));
}

// ---------------------------------------------------------------- mentions

const DETERMINERS = new Set(["the", "a", "an", "this", "that", "these", "those", "my", "your"]);
const QUANTIFIERS = new Set(["two", "both", "2"]);
const SHADES = new Set(["light", "dark", "bright", "pale", "deep"]);
const POSITION_WORDS: Record<string, PositionModifier> = {
  left: "left", right: "right", leftmost: "leftmost", rightmost: "rightmost", middle: "center", center: "center", centre: "center",
  central: "center", nearest: "nearest", nearer: "nearest", closest: "nearest", closer: "nearest", near: "nearest", front: "nearest",
  foremost: "nearest", farthest: "farthest", farther: "farthest", furthest: "farthest", further: "farthest", far: "farthest",
  back: "farthest", rear: "farthest", rearmost: "farthest", backmost: "farthest",
};
const CLOCK_FOLLOWERS = new Set(["position", "positions", "direction", "directions", "hour", "hours", "face", "terms", "heading", "notation", "hand", "hands", "wise", "time", "reading", "dial"]);
const PLANE_PRECEDERS = new Set(["horizontal", "vertical", "image", "ground", "floor", "support", "focal", "same"]);

interface Mention {
  start: number;
  end: number;
  spec: ObjectSpec;
  /** "two chairs", "both chairs". */
  pair: boolean;
}

type Terms = ReturnType<typeof termTable>;

function matchTerm(tokens: string[], i: number, terms: Terms): { entry: TermEntry; length: number } | null {
  for (let n = Math.min(terms.maxWords, tokens.length - i); n >= 1; n--) {
    const entry = terms.terms.get(tokens.slice(i, i + n).join(" "));
    if (entry) return { entry, length: n };
  }
  return null;
}

/** A position phrase after the noun ("the chair on the left", "the cup closest to the camera"), as [modifier, tokens used]. */
function postModifier(tokens: string[], p: number): [PositionModifier, number] | null {
  let q = p;
  if (tokens[q] === "that" || tokens[q] === "which") {
    q++;
    if (["is", "are", "sits", "stands"].includes(tokens[q])) q++;
  }
  const at = (k: number) => tokens[q + k];
  // "to the left of B" is a relation, and so is "to the left or right of B".
  const notOf = (k: number) => at(k) !== "of" && !(at(k) === "or" && (at(k + 1) === "left" || at(k + 1) === "right"));
  if ((at(0) === "on" || at(0) === "to" || at(0) === "at") && at(1) === "the" && (at(2) === "left" || at(2) === "right")) {
    const side = at(3) === "side" ? 1 : 0;
    if (notOf(3 + side)) return [at(2) as PositionModifier, q - p + 3 + side];
  }
  if ((at(0) === "in" || at(0) === "at") && at(1) === "the" && notOf(3)) {
    const word = at(2);
    if (word === "middle" || word === "center" || word === "centre") return ["center", q - p + 3];
    if (word === "front" || word === "foreground") return ["nearest", q - p + 3];
    if (word === "back" || word === "background" || word === "rear") return ["farthest", q - p + 3];
  }
  const near = at(0) === "closest" || at(0) === "nearest";
  const far = at(0) === "farthest" || at(0) === "furthest";
  if (near || far) {
    let k = 1;
    if (at(k) === (near ? "to" : "from")) k++;
    if (at(k) === "the" && (at(k + 1) === "camera" || at(k + 1) === "viewer")) return [near ? "nearest" : "farthest", q - p + k + 2];
    if (at(k) === "us" || at(k) === "me" || at(k) === "you") return [near ? "nearest" : "farthest", q - p + k + 1];
  }
  return null;
}

/** "the blue one", "the one on the left": the noun of the previous mention. */
function anaphora(tokens: string[], i: number, mentions: Mention[], colorOfToken: (t: string | undefined) => string | null): { entry: TermEntry; length: number } | null {
  if (tokens[i] !== "one" || mentions.length === 0) return null;
  const prev = tokens[i - 1];
  if (!(colorOfToken(prev) || POSITION_WORDS[prev] || postModifier(tokens, i + 1))) return null;
  const { term, concept } = mentions[mentions.length - 1].spec;
  return { entry: { term, concept, plural: false }, length: 1 };
}

function findMentions(tokens: string[], graph: SceneGraph): Mention[] {
  const terms = termTable(graph.objects.map((o) => o.label));
  const graphColors = new Set(graph.objects.map((o) => o.attributes.color?.name).filter((c): c is string => Boolean(c)).map(normalizeColor));
  const colorOfToken = (t: string | undefined) => (t === undefined ? null : colorWord(t) ?? (graphColors.has(t) ? t : null));
  const mentions: Mention[] = [];
  let lastEnd = 0;
  for (let i = 0; i < tokens.length; i++) {
    const match = matchTerm(tokens, i, terms) ?? anaphora(tokens, i, mentions, colorOfToken);
    if (!match) continue;
    const { entry, length } = match;
    const next = tokens[i + length], prev = tokens[i - 1];
    if (entry.concept === "clock" && next !== undefined && CLOCK_FOLLOWERS.has(next)) continue;
    if (entry.concept === "bird" && (next === "'s" || entry.plural) && tokens[i + length + (next === "'s" ? 1 : 0)] === "eye") continue;
    if (entry.concept === "airplane" && entry.term === "plane" && prev !== undefined && PLANE_PRECEDERS.has(prev)) continue;
    // "the orange chair": a colour, not the fruit.
    if (entry.concept === "orange" && matchTerm(tokens, i + length, terms)) continue;

    let color: string | undefined, position: PositionModifier | undefined, pair = false;
    let k = i - 1;
    while (k >= lastEnd) {
      const t = tokens[k];
      const c = colorOfToken(t);
      if (c && !color) color = c;
      else if (color && SHADES.has(t)) { /* "light blue": the shade is part of the colour */ }
      else if (POSITION_WORDS[t] && !position) position = POSITION_WORDS[t];
      else if (QUANTIFIERS.has(t)) pair = true;
      else break;
      k--;
    }
    if (k >= lastEnd && DETERMINERS.has(tokens[k])) k--;
    // "Which chair is nearer?": the question picks among all chairs, and what follows is the question.
    const which = tokens[k] === "which";
    let end = i + length;
    const post = which ? null : postModifier(tokens, end);
    if (post) {
      position ??= post[0];
      end += post[1];
    }
    mentions.push({ start: k + 1, end, spec: { term: entry.term, concept: entry.concept, plural: entry.plural || pair || which, color, position }, pair });
    lastEnd = end;
    i = end - 1;
  }
  return mentions;
}

// ---------------------------------------------------------------- cues

const DIRECTION_CUE = /\bclock\b|\boclock\b|\bclockwise\b|\b(?:what|which) direction\b/;
const CHOICE_CUE = /\bwhich\b|\bwho\b|@\d or @\d|\bwhat (?:object|item|thing|one)\b|\bwhat (?:is|sits|stands) (?:more |less )?(?:closer|nearer|farther|further|higher|lower|bigger|larger|smaller|taller|shorter|wider|thinner|narrower|broader|more|less)\b/;
const HOW_CUE = /\bhow\b(?! about)/;
const QUANT_LEAD = /(?:^|, )(?:at |to |by |from )?(?:what|give|estimate|measure|compute|calculate|find|report|tell me the|approximately|roughly|about|determine)\b/;
const MEASURE_WORD = /\b(?:distance|width|height|elevation|gap|clearance|spacing|separation|breadth|size|dimensions?|measure|measures)\b/;

const VERTICAL = /\bvertical(?:ly)?\b|\bhow (?:far|high|much|many \w+) (?:above|below|up|down|higher|lower)\b(?! the (?:floor|ground))|\b(?:above or below|below or above|higher or lower|lower or higher)\b|\bup (?:and|or) down\b|\bup down\b|\bdifference in (?:elevation|altitude)\b|\belevation difference\b/;
const HORIZONTAL = /\bhorizontal(?:ly)?\b|\b(?:along|across|onto|over) the (?:floor|ground)\b|\bfloor plan\b|\bfrom above\b|\btop down\b|\bbird 's eye\b|\bbirds eye\b|\bground distance\b|\b(?:ignoring|disregarding|leaving out|excluding|not counting|without)\b[^@,]*\b(?:height|vertical)\b/;
const FLOOR = /\b(?:off|above|from|over|up from) (?:the )?(?:floor|ground)\b|\b(?:floor|ground) level\b|\belevation\b|\belevated\b|\bhigh up\b|\braised\b|\b(?:clearance|space|room|gap)\b(?: is there)? (?:under|beneath|below|underneath)\b/;
const GAP = /\bgaps?\b|\bspace\b|\broom\b|\bclearance\b|\bclosest\b|\bnearest (?:points|edges|parts|surfaces)\b|\bedges?\b|\bsurfaces?\b|\bempty\b|\bspacing\b|\btouch(?:ing|es)?\b|\bshortest distance\b|\bopening\b/;
const DISTANCE = /\bfar\b|\bdistance\b|\bdistant\b|\bapart\b|\bseparat\w*\b|\bclose\b|\bnear\b|\baway\b|\bbetween\b|@\d (?:is )?from @\d|\bfrom @\d to @\d/;
const HEIGHT = /\btall\b|\bheight\b|\bhigh\b|\btop to bottom\b|\bbottom to top\b|\bvertical (?:size|extent|dimensions?)\b|\b(?:occupy|occupies|take up|takes up|span|spans) vertically\b/;
const WIDTH = /\bwide\b|\bwidth\b|\bbroad\b|\bbreadth\b|\bacross\b|\bside to side\b|\bhorizontal (?:size|extent|dimensions?)\b|\b(?:occupy|occupies|take up|takes up|span|spans) horizontally\b/;

const QUALITATIVE_CUES: ReadonlyArray<[QualitativeFamily, ReadonlyArray<[Relation, RegExp]>]> = [
  ["taller_shorter", [
    ["taller", /\btaller\b|\btallest\b|\b(?:greater|larger|bigger|more) height\b|\bgreater in height\b/],
    ["shorter", /\bshorter\b|\bshortest\b|\b(?:lesser|smaller|less|lower) height\b|\b(?:lesser|less) in height\b|\bless tall\b/],
  ]],
  ["wider_thinner", [
    ["wider", /\bwider\b|\bwidest\b|\bbroader\b|\bbroadest\b|\b(?:greater|larger|bigger|more) width\b/],
    ["thinner", /\bthinner\b|\bthinnest\b|\bnarrower\b|\bnarrowest\b|\bskinnier\b|\bslimmer\b|\bless wide\b|\b(?:smaller|lesser|less) width\b/],
  ]],
  ["bigger_smaller", [
    ["bigger", /\bbigger\b|\bbiggest\b|\blarger\b|\blargest\b|\bbulkier\b|\bmore (?:space|room|volume)\b|\bgreater (?:size|volume)\b|\bmore massive\b/],
    ["smaller", /\bsmaller\b|\bsmallest\b|\btinier\b|\bless (?:space|room|volume|bulky)\b|\bmore compact\b|\blesser size\b/],
  ]],
  ["left_right", [
    ["left", /\bleft(?:most|ward|wards)?\b/],
    ["right", /\bright(?:most|ward|wards)?\b/],
  ]],
  ["above_below", [
    ["above", /\babove\b|\bover\b|\bon top\b|\batop\b|\bhigher\b|\bhighest\b|\bup\b|\bupper\b|\bon @\d/],
    ["below", /\bbelow\b|\bunder\b|\bunderneath\b|\bbeneath\b|\blower\b|\blowest\b|\bdown\b|\b(?:at|on) the bottom\b/],
  ]],
  ["behind_front", [
    ["behind", /\bbehind\b|\b(?:farther|further|furthest|farthest)\b(?! (?:forward|to the (?:left|right|front)|left|right|up|down))|\bback\b|\bmore distant\b|\bdeeper\b|\bbackground\b|\brear\b|\baway from\b/],
    ["in_front", /\bin front\b|\bfront\b|\bcloser\b|\bnearer\b|\bclosest\b|\bnearest\b|\bahead of\b|\bforward\b|\bforeground\b/],
  ]],
];

export function qualitativeIntent(cue: string): { family: QualitativeFamily; relation: Relation } | null {
  for (const [family, relations] of QUALITATIVE_CUES) {
    let best: { relation: Relation; index: number } | null = null;
    for (const [relation, pattern] of relations) {
      const index = cue.search(pattern);
      if (index >= 0 && (best === null || index < best.index)) best = { relation, index };
    }
    if (best) return { family, relation: best.relation };
  }
  return null;
}

function quantitativeFamily(cue: string, objectCount: number): QuantitativeFamily | null {
  if (DIRECTION_CUE.test(cue)) return "direction";
  if (objectCount >= 2) {
    if (VERTICAL.test(cue)) return "vertical_distance";
    if (HORIZONTAL.test(cue)) return "horizontal_distance";
    if (FLOOR.test(cue)) return "elevation";
    if (GAP.test(cue)) return "gap";
    if (DISTANCE.test(cue)) return "distance";
  }
  if (FLOOR.test(cue)) return "elevation";
  if (HEIGHT.test(cue)) return "height";
  if (WIDTH.test(cue)) return "width";
  // One object and a two-object measurement: still mapped, so the reply can say what is missing.
  if (VERTICAL.test(cue)) return "vertical_distance";
  if (HORIZONTAL.test(cue)) return "horizontal_distance";
  if (GAP.test(cue)) return "gap";
  if (DISTANCE.test(cue)) return "distance";
  return null;
}

export type Intent =
  | { form: "predicate" | "choice"; family: QualitativeFamily; relation: Relation }
  | { form: "quantity"; family: QuantitativeFamily };

export function detectIntent(cue: string, objectCount: number): Intent | null {
  if (DIRECTION_CUE.test(cue)) return { form: "quantity", family: "direction" };
  if (CHOICE_CUE.test(cue)) {
    const q = qualitativeIntent(cue);
    return q ? { form: "choice", ...q } : null;
  }
  const quantity = () => {
    const family = quantitativeFamily(cue, objectCount);
    return family ? ({ form: "quantity", family } as const) : null;
  };
  if (HOW_CUE.test(cue)) return quantity();
  if (QUANT_LEAD.test(cue) && MEASURE_WORD.test(cue)) return quantity();
  const q = qualitativeIntent(cue);
  if (q) return { form: "predicate", ...q };
  if (MEASURE_WORD.test(cue)) return quantity();
  return null;
}

/** Direction questions name an observer and a target in either order: "from A … where is B". */
const OBSERVER_BEFORE = /(?:^|\s)(?:at|from|by|beside|next to|near|where|if|relative to|respect to|relation to|compared to|compared with|viewpoint of|perspective of|point of view of|vantage point of|standpoint of|centred on|centered on|around|standing|stand|you are|you were)$/;
const TARGET_BEFORE = /(?:^|\s)(?:of|is|to|toward|towards|find|see|locate|would|does|lies|sits)$/;

export function observerFirst(cue: string, a: number, b: number): boolean {
  if (!cue.includes(`@${a}`) || !cue.includes(`@${b}`)) return true;
  const before = (k: number) => cue.slice(0, cue.indexOf(`@${k}`)).trim();
  const isObserver = [OBSERVER_BEFORE.test(before(a)), OBSERVER_BEFORE.test(before(b))];
  if (isObserver[0] !== isObserver[1]) return isObserver[0];
  const isTarget = [TARGET_BEFORE.test(before(a)), TARGET_BEFORE.test(before(b))];
  if (isTarget[0] !== isTarget[1]) return isTarget[1];
  return true;
}

// ---------------------------------------------------------------- unknown nouns

let vocabulary: Set<string> | null = null;

/** Words our own templates and cues use: a word outside it after "the" is probably an object's name. */
export function knownWords(): Set<string> {
  if (vocabulary) return vocabulary;
  const texts: string[] = [];
  for (const t of Object.values(QUALITATIVE_TEMPLATES)) texts.push(...t.predicate, ...t.choice);
  for (const list of Object.values(QUANTITATIVE_QUESTIONS)) texts.push(...list);
  for (const words of Object.values(RELATION_WORDS)) texts.push(...Object.values(words));
  texts.push(
    "camera viewer image picture photo scene floor ground wall room table surface left right middle center centre front back top bottom side",
    "same other one ones two both each it its they them their there here is are was were be been do does did can could would will should",
    "a an the this that these those of to in on at by for with from into onto over under near far between and or but not no yes",
    "up down out off than then so as if me you us we i my your our what which who where when how why whether please tell give show",
    "object objects thing things item items position place spot way direction view distance gap width height elevation size",
    "closest nearest nearer closer farther further farthest furthest leftmost rightmost highest lowest biggest smallest tallest widest",
    "largest shortest narrowest thinnest tiniest topmost frontmost diameter",
    "estimation estimate measurement value idea guess approximation provided considering relative positions sizes dimensions determine occupy horizontally vertically",
    "meter meters metre metres centimeter centimeters inch inches foot feet cm mm m ft number value roughly about approximately exactly",
  );
  vocabulary = new Set(texts.join(" ").toLowerCase().match(/[a-z]+/g) ?? []);
  return vocabulary;
}

function unknownNoun(tokens: string[], mentions: Mention[]): string | null {
  const inMention = (i: number) => mentions.some((m) => i >= m.start && i < m.end);
  const known = knownWords();
  for (let i = 0; i < tokens.length - 1; i++) {
    if (!DETERMINERS.has(tokens[i]) || inMention(i)) continue;
    let k = i + 1;
    while (k < tokens.length && (colorWord(tokens[k]) || POSITION_WORDS[tokens[k]] || SHADES.has(tokens[k]))) k++;
    const words: string[] = [];
    while (k < tokens.length && words.length < 3 && /^[a-z]+$/.test(tokens[k]) && !known.has(tokens[k]) && !inMention(k)) words.push(tokens[k++]);
    if (words.length > 0) return words.join(" ");
  }
  return null;
}

// ---------------------------------------------------------------- understanding

const UNMAPPED_MESSAGE = `I can't tell what spatial relation you are asking about. ${CAPABILITIES}`;

function unanswerable(question: string, reason: UnanswerableReason, message: string, objectIds: string[] = []): Unanswerable {
  return { unanswerable: true, reason, message, objectIds, question };
}

interface Named {
  mention: Mention;
  resolution: Resolution;
}

/** Turns the mentions into the objects the question is about, expanding "the two chairs" into a pair. */
function objectsNamed(named: Named[], needed: number): Array<SceneObject | Named> {
  const out: Array<SceneObject | Named> = [];
  for (const n of named) {
    const r = n.resolution;
    if (r.kind === "one") out.push(r.object);
    else if (r.kind === "many" && r.objects.length === 1) out.push(r.objects[0]);
    else if (r.kind === "many" && r.objects.length === 2 && needed === 2 && named.length === 1) {
      out.push(...[...r.objects].sort((a, b) => a.box2d[0] + a.box2d[2] - (b.box2d[0] + b.box2d[2])));
    } else out.push(n);
  }
  return out;
}

function isObject(x: SceneObject | Named): x is SceneObject {
  return "id" in x;
}

/**
 * Maps a free-form question to what it asks about this graph, or says honestly why it cannot.
 * Example: `understandQuestion("Is the couch closer to the camera than the tv?", graph)`
 * → `{ form: "predicate", family: "behind_front", relation: "in_front", objectIds: ["obj-2", "obj-0"], … }`.
 */
export function understandQuestion(question: string, graph: SceneGraph): ParsedQuery | Unanswerable {
  const tokens = tokenize(question);
  const mentions = findMentions(tokens, graph);
  const named: Named[] = mentions.map((mention) => ({ mention, resolution: resolveSpec(graph, mention.spec) }));

  const missing = named.find((n) => n.resolution.kind === "none");
  if (missing && missing.resolution.kind === "none") return unanswerable(question, "not_found", missing.resolution.message);

  const cueTokens: string[] = [];
  let cursor = 0;
  mentions.forEach((m, index) => {
    cueTokens.push(...tokens.slice(cursor, m.start), `@${index}`);
    cursor = m.end;
  });
  cueTokens.push(...tokens.slice(cursor));
  const cue = cueTokens.join(" ")
    .replace(/(?:^|,)\s*right(?:\s*,)*\s*$/, "")
    .replace(/^\s*right\s*,/, "")
    .replace(/\byes or no\b/g, "")
    .replace(/\s+/g, " ")
    .trim();

  const objectCount = named.reduce((n, x) => n + (x.mention.spec.plural ? 2 : 1), 0);
  const intent = detectIntent(cue, objectCount);
  if (!intent) {
    // "Where is the piano?": that there is no piano is the more useful honest answer. Only a
    // definite reference presupposes the object ("tell me a joke" names no object).
    const noun = unknownNoun(tokens, mentions);
    if (noun && ` ${tokens.join(" ")} `.includes(` the ${noun} `)) return unanswerable(question, "not_found", `I could not find ${withIndefiniteArticle(noun)} in this image.`);
    return unanswerable(question, "unmapped", UNMAPPED_MESSAGE);
  }

  const needed = intent.form === "quantity" && SINGLE_OBJECT_FAMILIES.has(intent.family) ? 1 : 2;
  const objects = objectsNamed(named, needed);
  const only = named.length === 1 ? named[0] : null;
  if (needed === 2 && only && only.resolution.kind === "many" && only.resolution.objects.length > 2) {
    const noun = [only.mention.spec.color, only.mention.spec.term].filter(Boolean).join(" ");
    return unanswerable(question, "ambiguous", ambiguityMessage(only.resolution.objects, noun, "two"));
  }
  if (objects.length < needed) {
    const noun = unknownNoun(tokens, mentions);
    if (noun) return unanswerable(question, "not_found", `I could not find ${withIndefiniteArticle(noun)} in this image.`);
    const found = objects.filter(isObject);
    const what = needed === 2 ? "two objects" : "an object";
    const message = found.length > 0
      ? `That question needs ${what}, but I only recognised ${nameOf(graph, found[0])} in it.`
      : `That question needs ${what} in the image, and I could not tell which you mean. Please name ${needed === 2 ? "them" : "it"}, e.g. "the chair".`;
    return unanswerable(question, "needs_objects", message, found.map((o) => o.id));
  }
  if (needed === 2 && objects.length > 2) {
    const names = objects.map((o) => (isObject(o) ? nameOf(graph, o) : `the ${o.mention.spec.term}`));
    return unanswerable(question, "too_many_objects", `Your question names ${objects.length} objects (${names.join(", ")}); I can only relate two at a time.`);
  }
  const used = objects.slice(0, needed);
  for (const o of used) {
    if (isObject(o)) continue;
    const r = o.resolution;
    const objectsOfIt = r.kind === "many" || r.kind === "ambiguous" ? r.objects : [];
    const noun = [o.mention.spec.color, o.mention.spec.term].filter(Boolean).join(" ");
    const message = r.kind === "ambiguous" ? r.message : ambiguityMessage(objectsOfIt, noun);
    return unanswerable(question, "ambiguous", message, used.filter(isObject).map((x) => x.id));
  }
  const [a, b] = used as SceneObject[];
  if (b && a.id === b.id) return unanswerable(question, "same_object", `Both names point to ${nameOf(graph, a)}; I need two different objects.`, [a.id]);

  if (intent.form === "quantity") {
    const unit = parseUnitRequest(question) ?? "auto";
    if (needed === 1) return { form: "quantity", family: intent.family, objectIds: [a.id], unit, question };
    const ids: [string, string] = intent.family === "direction" && !observerFirst(cue, 0, 1) ? [b.id, a.id] : [a.id, b.id];
    return { form: "quantity", family: intent.family, objectIds: ids, unit, question };
  }
  // "Relative to B, is A wider?" names the reference first: the question is about (A, B).
  const [first, second] = referenceFirst(cue) ? [b, a] : [a, b];
  return { form: intent.form, family: intent.family, relation: intent.relation, objectIds: [first.id, second.id], question };
}

/** True when the cue opens with the reference object: "relative to @0, is @1 wider?". */
export function referenceFirst(cue: string): boolean {
  return /^(?:relative to|compared (?:to|with)|in comparison (?:to|with)|with respect to|in relation to|against|versus|vs) @0\b/.test(cue);
}

/**
 * Understands and answers a question as a query program (program/answer-question.ts), with its
 * trace; unanswerable questions get their honest reply as a "text" answer.
 */
export function answerQuestion(question: string, graph: SceneGraph): Answer {
  return answerByProgram(question, graph).answer;
}

const NO_OBJECTS: SceneGraph = {
  version: 1, image: { width: 1, height: 1 }, intrinsics: { fx: 1, fy: 1, cx: 0, cy: 0, source: "fov-estimate" }, depth: { source: "priors" },
  frame: { canonicalized: false, upSource: "camera", worldFromCam: { rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: [0, 0, 0] }, cameraHeightM: 0 },
  objects: [],
};

/**
 * The object names a question mentions, before any scene exists: lexicon terms ("couch", "cell
 * phone") and an unknown noun after a determiner ("the piano"). These are the text queries for an
 * open-vocabulary detector. Example: objectNamesIn("Is the red mug left of the piano?") → ["mug", "piano"].
 */
export function objectNamesIn(question: string): string[] {
  const tokens = tokenize(normalizeText(question));
  const mentions = findMentions(tokens, NO_OBJECTS);
  const names = mentions.map((m) => m.spec.term);
  // The program parser's noun phrases add what the cue-based reading misses ("how many cans",
  // "the stack of boxes", "the mug on the shelf"); its unknown nouns come from parts of speech.
  const phrases = programNounsIn(question, NO_OBJECTS);
  names.push(...phrases);
  const unknown = unknownNoun(tokens, mentions);
  if (unknown && phrases.length === 0) names.push(unknown);
  return [...new Set(names)];
}
