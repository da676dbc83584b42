// English question → query program. The noun phrases become selectors (mentions.ts) and are
// replaced by placeholders (@0, @1, …); the words left over (the "cue") say which operation is
// asked, tried in this order, most specific first:
//   why …                                  → premise (is the premise even true?)
//   how many / number of / count           → count (with "are <relation> @k" as a filter)
//   triangle / equilateral                 → triangle
//   fit … between @a and @b, with a length → fit
//   stack / pile / tower                   → stack
//   @a closer to @b than (to) @c           → closer (three objects)
//   what / which … <relation> @k           → list
//   order / rank / sort / arrange … by     → rank
//   which / what … @k (with a pick)        → identify (superlatives, ordinals)
//   is @a on / under / next to / near @b   → relate (contact and proximity)
//   how far … @a … me / the camera         → measure from the camera
// and otherwise, when the phrases need it (ordinals, relative clauses, picks), the cue-based
// families' own intent detection (understand.ts) maps the cue to compare / measure.
import { QUALITATIVE_TEMPLATES } from "../templates/index.js";
import { parseUnitRequest } from "../humanize.js";
import type { SceneGraph } from "../scene-graph.js";
import { detectIntent, knownWords, normalizeText, observerFirst, qualitativeIntent, referenceFirst } from "../understand.js";
import { findMentions, lengthAt, relationAt, SUPERLATIVES, termsFor, type Mention, type MentionContext } from "./mentions.js";
import { tokenizeQuestion, type Token } from "./nlp.js";
import type { Relation } from "../families.js";
import type { FilterRelation, Order, OrderKey, Program, Selector } from "./schema.js";

export interface Parsed {
  program: Program;
  mentions: Mention[];
}

const PUNCTUATION = /^[,;:!?.()"—–-]+$/;

/** Normalised tokens of a question (shared by every parse attempt on it). */
export function questionTokens(question: string): Token[] {
  const text = normalizeText(question)
    .replace(/(\d)([a-z])/g, "$1 $2")
    .replace(/\b(?:in|of|from) (?:the|this) (?:image|picture|photo|photograph|scene|room)\b/g, " ")
    .replace(/\bcan you (?:tell me|say)\b|\bplease\b|\bdo you know\b|\btell me\b|\bi wonder\b/g, " ")
    .replace(/\b(?:in here|over there|here|there)\s*(?=[?.!]*\s*$)/g, " ");
  return tokenizeQuestion(text).map((t) => (PUNCTUATION.test(t.text) ? { text: ",", lemma: ",", pos: "PUNCT" } : t));
}

function cueOf(tokens: Token[], mentions: Mention[]): string {
  const parts: string[] = [];
  let cursor = 0;
  mentions.forEach((m, index) => {
    parts.push(...tokens.slice(cursor, m.start).map((t) => t.text), `@${index}`);
    cursor = m.end;
  });
  parts.push(...tokens.slice(cursor).map((t) => t.text));
  return parts.join(" ").replace(/\s*,\s*/g, " , ").replace(/(?:\s*,)+\s*$/, "").replace(/\s+/g, " ").trim();
}

const REL_WORDS = "(?:to the left of|to the right of|on the left of|on the right of|left of|right of|on top of|on|under|underneath|beneath|below|above|over|next to|beside|by|near|close to|behind|in front of|within [^@]+? (?:of|from))";

function relationFromCue(ctx: MentionContext, words: string): { relation: FilterRelation; distanceM?: number } | null {
  const tokens = words.split(" ").map((text) => ({ text, lemma: text, pos: "X" }));
  const r = relationAt({ ...ctx, tokens }, 0);
  return r && r.length === tokens.length ? { relation: r.relation, ...(r.distanceM ? { distanceM: r.distanceM } : {}) } : null;
}

function withFilter(selector: Selector, relation: FilterRelation, of: Selector, distanceM?: number): Selector {
  if (selector.kind !== "objects") return selector;
  return { ...selector, plural: selector.pick ? false : true, where: [...(selector.where ?? []), { relation, of, ...(distanceM ? { distanceM } : {}) }] };
}

const ALL_OBJECTS: Selector = { kind: "objects", plural: true, text: "objects" };

function asPlural(selector: Selector): Selector {
  return selector.kind === "objects" && !selector.pick ? { ...selector, plural: true } : selector;
}

const KEY_WORDS: Array<[RegExp, OrderKey, Order]> = [
  [/\b(?:height|tall|taller|tallest|short|shortest)\b/, "height", "max"],
  [/\b(?:width|wide|wider|widest|narrow)\b/, "width", "max"],
  [/\b(?:size|volume|big|bigger|biggest|large|larger|largest|small|smallest)\b/, "volume", "max"],
  [/\b(?:distance|far|close|closer|closest|near|nearest|farthest|furthest)\b/, "distance", "min"],
  [/\b(?:left to right|right to left|left|right)\b/, "x", "min"],
  [/\b(?:elevation|high|higher|highest|low|lowest)\b/, "elevation", "max"],
];

function rankOrder(cue: string, key: OrderKey, fallback: Order): Order {
  const from = cue.match(/\bfrom (?:the )?(\w+) to (?:the )?(\w+)/);
  if (from) {
    const first = SUPERLATIVES[from[1]];
    if (first && first.key === key) return first.order;
    if (from[1] === "left") return "min";
    if (from[1] === "right") return "max";
  }
  if (/\b(?:ascending|increasing|smallest first|shortest first|closest first|nearest first|lowest first)\b/.test(cue)) return "min";
  if (/\b(?:descending|decreasing|largest first|biggest first|tallest first|farthest first|furthest first|highest first)\b/.test(cue)) return "max";
  return fallback;
}

const FAMILY_NOUNS: Record<string, "distance" | "gap" | "width" | "height" | "elevation"> = { distance: "distance", gap: "gap", space: "gap", clearance: "gap", width: "width", height: "height", elevation: "elevation" };
const MORE = /^(?:bigger|larger|greater|more|wider|longer|higher|taller|over|above)$/;
const LESS = /^(?:smaller|less|shorter|narrower|lower|under|below)$/;

function thresholdOperation(cue: string, sel: (p: string) => Selector, ctx: MentionContext): Program | null {
  const lengthIn = (words: string) => {
    const tokens = words.split(" ").map((text) => ({ text, lemma: text, pos: "X" }));
    const len = lengthAt({ ...ctx, tokens }, 0);
    return len && len.length === tokens.length ? len.valueM : null;
  };
  let m = cue.match(/^(?:is|are) (?:the )?(distance|gap|space|clearance|width|height|elevation) (?:between|from|of) (@\d+)(?: (?:and|to|from) (@\d+))? (\w+) than (.+)$/);
  if (m && (MORE.test(m[4]) || LESS.test(m[4]))) {
    const thresholdM = lengthIn(m[5]);
    const family = FAMILY_NOUNS[m[1]];
    if (thresholdM !== null) return { op: "threshold", family, a: sel(m[2]), ...(m[3] ? { b: sel(m[3]) } : {}), thresholdM, greater: MORE.test(m[4]) };
  }
  m = cue.match(/^(?:is|are) (@\d+) (more|less|further|farther|closer|nearer) than (.+?) (?:away )?(?:from|to) (@\d+)$/);
  if (m) {
    const thresholdM = lengthIn(m[3]);
    if (thresholdM !== null) return { op: "threshold", family: "distance", a: sel(m[1]), b: sel(m[4]), thresholdM, greater: /^(?:more|further|farther)$/.test(m[2]) };
  }
  m = cue.match(/^(?:is|are) (@\d+) (taller|shorter|higher|lower|wider|narrower) than (.+)$/);
  if (m) {
    const thresholdM = lengthIn(m[3]);
    const family = /^(?:taller|shorter|higher|lower)$/.test(m[2]) ? "height" : "width";
    if (thresholdM !== null) return { op: "threshold", family, a: sel(m[1]), thresholdM, greater: MORE.test(m[2]) };
  }
  return null;
}

/** Which mention a placeholder stands for. */
function mentionOf(mentions: Mention[], placeholder: string): Mention {
  return mentions[Number(placeholder.slice(1))];
}

/** Programs of the operations beyond the six qualitative and eight quantitative families. */
function newOperation(cue: string, mentions: Mention[], ctx: MentionContext, question: string): Program | null {
  const sel = (p: string) => mentionOf(mentions, p).selector;
  const unit = parseUnitRequest(question) ?? "auto";
  let m: RegExpMatchArray | null;

  // "Is the depth of A greater than that of B?", "Is the position of A more distant than that of B?"
  if ((m = cue.match(/^(?:is|are) (?:the )?(depth|height|width|size|volume|distance from the camera|position) of (@\d+) (greater|larger|bigger|higher|more|more distant|further|farther|less|smaller|lower|less distant|closer|nearer) than (?:that of |the \w+ of )?(@\d+)$/))) {
    const more = /^(?:greater|larger|bigger|higher|more|more distant|further|farther)$/.test(m[3]);
    const base: Record<string, [Relation, Relation]> = { depth: ["behind", "in_front"], "distance from the camera": ["behind", "in_front"], position: ["behind", "in_front"], height: ["taller", "shorter"], width: ["wider", "thinner"], size: ["bigger", "smaller"], volume: ["bigger", "smaller"] };
    const [up, down] = base[m[1]];
    if (sel(m[2]).kind === "objects" && sel(m[4]).kind === "objects") return { op: "compare", form: "predicate", relation: more ? up : down, a: sel(m[2]), b: sel(m[4]) };
  }
  if ((m = cue.match(/^(?:is|are) (@\d+) (?:positioned |placed |located |standing )?(before|after) (@\d+)$/)) && sel(m[1]).kind === "objects" && sel(m[3]).kind === "objects") {
    return { op: "compare", form: "predicate", relation: m[2] === "before" ? "in_front" : "behind", a: sel(m[1]), b: sel(m[3]) };
  }
  if ((m = cue.match(/^what is the depth(?: value)? of (@\d+)$|^how deep (?:is|are) (@\d+)(?: from the camera| in the (?:image|scene))?$/)) && sel(m[1] ?? m[2]).kind === "objects") {
    return { op: "measure", family: "distance", a: sel(m[1] ?? m[2]), b: { kind: "camera" }, unit };
  }
  // "Is the gap between A and B bigger than 30 cm?", "Is A more than 2 m from B?", "Is A taller than 1 m?"
  const threshold = thresholdOperation(cue, sel, ctx);
  if (threshold) return threshold;
  if ((m = cue.match(/^why (?:is|are|does|do) (@\d+) (.+?) (@\d+)$/))) {
    const intent = qualitativeIntent(`${m[2]} ${m[3]}`) ?? qualitativeIntent(m[2]);
    if (intent && (sel(m[1]).kind !== "camera") && sel(m[3]).kind !== "camera") return { op: "premise", premise: { relation: intent.relation, a: sel(m[1]), b: sel(m[3]) } };
  }
  if (/\bhow many\b|\bnumber of\b|^count\b|\bcount (?:the|all|how)\b/.test(cue)) {
    // "How many meters apart…" counts no objects: a count needs the thing counted.
    const targetAt = cue.match(/(?:how many|number of|count(?: the| all)?) (?:of (?:the )?)?(@\d+)/);
    if (!targetAt || sel(targetAt[1]).kind === "camera") return null;
    const target = asPlural(sel(targetAt[1]));
    const filter = cue.match(new RegExp(`(?:are|is|sit|stand|lie)? ?(?:there )?(?:located |sitting |standing |placed |lying )?(not )?(${REL_WORDS}) (@\\d+)`));
    if (filter) {
      const rel = relationFromCue(ctx, filter[2]);
      if (rel) return { op: "count", target: withFilter(target, rel.relation, sel(filter[3]), rel.distanceM) };
    }
    return { op: "count", target };
  }
  if (/\btriangle\b|\bequilateral\b/.test(cue)) {
    const target = mentions.find((x) => x.selector.kind === "objects" && (x.selector.plural || x.selector.count));
    return target ? { op: "triangle", target: asPlural(target.selector) } : null;
  }
  if (/\b(?:fit|pass|go|squeeze|get through|slide)\b/.test(cue) && (m = cue.match(/between (@\d+) and (@\d+)/))) {
    const tokens = cue.split(" ");
    for (let k = 0; k < tokens.length; k++) {
      const len = lengthAt({ ...ctx, tokens: tokens.map((text) => ({ text, lemma: text, pos: "X" })) }, k);
      if (len) return { op: "fit", widthM: len.valueM, a: sel(m[1]), b: sel(m[2]), unit };
    }
    return null;
  }
  if ((m = cue.match(/\b(?:stack|pile|tower) of (@\d+)/))) return { op: "stack", target: asPlural(sel(m[1])), unit };
  // "Which is closer to the cup, the red chair or the blue chair?" / "Which is closer, A or B, to C?"
  if ((m = cue.match(/^which(?: one| object)? is (closer|nearer|farther|further)(?: away)? (?:to|from) (@\d+) ,? (@\d+) or (@\d+)$/)) ?? (m = cue.match(/^which(?: one| object)? is (closer|nearer|farther|further)(?: away)? ,? (@\d+) or (@\d+) ,? (?:to|from) (@\d+)$/))) {
    const [ref, b, c] = m[0].indexOf(m[2]) < m[0].indexOf(" or ") && /(?:to|from) @\d+ ,? @\d+ or/.test(m[0]) ? [m[2], m[3], m[4]] : [m[4], m[2], m[3]];
    if ([ref, b, c].every((p) => sel(p).kind === "objects")) return { op: "closer", a: sel(ref), b: sel(b), c: sel(c), farther: m[1] === "farther" || m[1] === "further", choice: true };
  }
  if ((m = cue.match(/^(?:is|are) there (?:any )?(@\d+) ?(not )?(REL) (@\d+)$/.source.replace("REL", REL_WORDS)))) {
    const rel = relationFromCue(ctx, m[3]);
    if (rel && sel(m[1]).kind === "objects") {
      const target = withFilter(asPlural(sel(m[1])), rel.relation, sel(m[4]), rel.distanceM);
      if (m[2] && target.kind === "objects") target.where![target.where!.length - 1].negated = true;
      return { op: "exists", target };
    }
  }
  if ((m = cue.match(/^(?:what|which(?: objects?| things?)?|list|name)(?: is| are)?(?: there)?(?: anything)? (?:located |sitting |standing |placed )?(?:in )?between (@\d+) and (@\d+)$/))) return { op: "between", target: ALL_OBJECTS, a: sel(m[1]), b: sel(m[2]) };
  if ((m = cue.match(/^(?:are|is) (@\d+) (?:(?:about|roughly|approximately) )?(?:the same|equally|as) (height|tall|width|wide|size|big|large|distance from the camera|far from the camera|far away|high|elevation)(?: as each other)?$/)) && sel(m[1]).kind === "objects") {
    const relation = ({ height: "taller", tall: "taller", width: "wider", wide: "wider", size: "bigger", big: "bigger", large: "bigger", high: "above", elevation: "above" } as Record<string, Relation>)[m[2]] ?? "behind";
    return { op: "alike", relation, target: asPlural(sel(m[1])) };
  }
  if ((m = cue.match(/^(?:on )?which side of (@\d+) (?:is|are) (@\d+)(?: on| at| located)?$/))) return { op: "side", a: sel(m[2]), b: sel(m[1]) };
  if ((m = cue.match(/^(?:on )?which side (?:is|are) (@\d+)(?: on| at)? (?:of )?(@\d+)$/))) return { op: "side", a: sel(m[1]), b: sel(m[2]) };
  if ((m = cue.match(/^(?:is|are) (@\d+) (?:on |to )?(?:the )?(?:left or (?:the )?right|right or (?:the )?left)(?: side)? of (@\d+)$/))) return { op: "side", a: sel(m[1]), b: sel(m[2]) };
  if ((m = cue.match(/^how (?:much|many (?:meters|metres|centimeters|centimetres|cm|feet|inches)) (taller|shorter|wider|narrower|higher|lower|farther|further|closer|nearer)(?: is| are)? (@\d+)(?: is| are)? than (@\d+)$/))) {
    const word = m[1];
    const key = word === "taller" || word === "shorter" ? "height" : word === "wider" || word === "narrower" ? "width" : word === "higher" || word === "lower" ? "elevation" : "distance";
    const lesser = ["shorter", "narrower", "lower", "closer", "nearer"].includes(word);
    const [a, b] = lesser ? [sel(m[3]), sel(m[2])] : [sel(m[2]), sel(m[3])];
    if (a.kind === "objects" && b.kind === "objects") return { op: "difference", key, a, b, unit };
  }
  if ((m = cue.match(/(@\d+) (?:is |are )?(?:any |a bit |much |a lot )?(closer|nearer|farther|further)(?: away)? (?:to|from) (@\d+) than (?:it is |they are |is |are )?(?:to |from )?(@\d+)/))) {
    // "closer to the camera than B" is the behind / in-front family, answered by it.
    if ([m[1], m[3], m[4]].every((p) => sel(p).kind === "objects")) return { op: "closer", a: sel(m[1]), b: sel(m[3]), c: sel(m[4]), farther: m[2] === "farther" || m[2] === "further" };
  }
  // Lists: "what is left of the lamp?", "which objects are on the table?", "list the things near the sofa".
  if ((m = cue.match(new RegExp(`^(?:what|which|list|name|show|find)(?: are| is)?(?: all)?(?: the)? ?(@\\d+ )?(?:is |are |sits |sit |stands |lie |lies |can you see |do you see |do i see |is there |are there |there )*(?:located |sitting |standing |placed |lying )?(not )?(${REL_WORDS}) (@\\d+)$`)))) {
    const rel = relationFromCue(ctx, m[3]);
    const targetMention = m[1] ? mentionOf(mentions, m[1].trim()) : undefined;
    if (rel && (!targetMention || targetMention.selector.kind === "objects")) {
      const base = targetMention ? asPlural(targetMention.selector) : ALL_OBJECTS;
      const target = withFilter(base, rel.relation, sel(m[4]), rel.distanceM);
      if (m[2] && target.kind === "objects") target.where![target.where!.length - 1].negated = true;
      return { op: "list", target };
    }
  }
  if (/\b(?:order|rank|sort|arrange|list)\b/.test(cue) && (m = cue.match(/(@\d+)/))) {
    const rest = cue.replace(/@\d+/g, " ");
    for (const [pattern, key, fallback] of KEY_WORDS) {
      if (!pattern.test(rest)) continue;
      const order = rankOrder(cue, key, fallback);
      const target = asPlural(sel(m[1]));
      const refMatch = key === "distance" ? cue.match(/(?:from|to) (@\d+)/) : null;
      const reference = refMatch && sel(refMatch[1]).kind !== "camera" ? sel(refMatch[1]) : undefined;
      return { op: "rank", target, key, order, ...(reference ? { reference } : {}) };
    }
  }
  // "What objects are near the table?" / "Which chair is next to the desk?": a which-phrase with a filter and no pick.
  if ((m = cue.match(/^(@\d+)$/)) && mentionOf(mentions, m[1]).which && sel(m[1]).kind === "objects") {
    const target = sel(m[1]) as Extract<Selector, { kind: "objects" }>;
    if (!target.pick && target.where?.length) return target.plural || !target.noun ? { op: "list", target: { ...target, plural: true } } : { op: "identify", target };
  }
  // "Which chair is closer to the couch, the red one or the blue one?"
  if ((m = cue.match(/^(@\d+) ,? (@\d+) or (@\d+)$/)) && mentionOf(mentions, m[1]).which) {
    const head = sel(m[1]);
    if (head.kind === "objects" && head.pick?.key === "distance" && head.pick.reference && sel(m[2]).kind === "objects" && sel(m[3]).kind === "objects") {
      return { op: "closer", a: head.pick.reference, b: sel(m[2]), c: sel(m[3]), farther: head.pick.order === "max", choice: true };
    }
  }
  // "Are both chairs in front of the tv?", "Are all the cups on the table?"
  if ((m = cue.match(new RegExp(`^(?:are|is) (@\\d+) (?:all |both )?(${REL_WORDS}|in front of|behind|to the left of|to the right of) (@\\d+)$`)))) {
    const target = sel(m[1]);
    const rel = relationFromCue(ctx, m[2]);
    if (rel && target.kind === "objects" && target.plural && sel(m[3]).kind === "objects") return { op: "every", target, filter: { relation: rel.relation, of: sel(m[3]), ...(rel.distanceM ? { distanceM: rel.distanceM } : {}) } };
  }
  // "Is the cup sitting on the table?": the participle clause is the question's predicate.
  if (!ctx.attachBare && (m = cue.match(/^(?:is|are) (@\d+)$/))) {
    const a = sel(m[1]);
    if (a.kind === "objects" && a.where?.length === 1 && !a.pick && !a.where[0].reverse && !a.where[0].negated) {
      const { where: _w, ...rest } = a;
      const f = a.where[0];
      const subject: Selector = { ...rest, plural: false };
      if (["on", "under", "near", "next_to", "within"].includes(f.relation)) return { op: "relate", relation: f.relation, a: subject, b: f.of, ...(f.distanceM ? { distanceM: f.distanceM } : {}) };
      return { op: "compare", form: "predicate", relation: f.relation as Relation, a: subject, b: f.of };
    }
  }
  // "Does the table have a cup on it?"
  if ((m = cue.match(new RegExp(`^(?:does|do) (@\\d+) (?:have|has|hold|carry|support) (@\\d+) (${REL_WORDS}) (?:it|them|top)$`)))) {
    const rel = relationFromCue(ctx, m[3]);
    if (rel && sel(m[2]).kind === "objects") return { op: "exists", target: withFilter(asPlural(sel(m[2])), rel.relation, sel(m[1])) };
  }
  // "If I stand at the cup, where is the tv?": the clock direction from A to B.
  if ((m = cue.match(/^if (?:i|you|we|one) (?:stand|stood|am|are|were|was|sit|sat|wait|waited) (?:at|by|next to|beside|on|in front of) (@\d+) ,? (?:(?:where|in which direction|which way) (?:is|are|would be|will be) (@\d+)|where (?:will|would|do|can|could|should) (?:you|i|we|one) (?:find|see|look for|spot) (@\d+))$/)) && sel(m[1]).kind === "objects" && sel(m[2] ?? m[3]).kind === "objects") {
    return { op: "measure", family: "direction", a: sel(m[1]), b: sel(m[2] ?? m[3]), unit: "auto" };
  }
  // "Where is the cup relative to the table?", "Where is the couch?"
  if ((m = cue.match(/^where (?:is|are) (@\d+)(?: (?:relative to|compared to|with respect to|in relation to|from) (@\d+))?$/)) && sel(m[1]).kind === "objects") {
    return { op: "where", a: sel(m[1]), ...(m[2] && sel(m[2]).kind === "objects" ? { b: sel(m[2]) } : {}) };
  }
  // Superlatives and ordinals: "which car is closest to the camera?", "what is the tallest object?".
  const picked = mentions.find((x) => x.selector.kind === "objects" && x.selector.pick);
  if (picked && (m = cue.match(/^(?:(?:which|what|who|where|find|show|point to|identify)(?: one| object| thing)?(?: is| are| one is)?(?: the)? ?)?(@\d+)(?: is| are)?(?: the)?(?: one)?$/))) {
    return { op: "identify", target: sel(m[1]) };
  }
  if ((m = cue.match(/^(?:is|are) (@\d+) (?:the |really the |actually the )?(@\d+)$/)) && sel(m[2]).kind === "objects" && (sel(m[2]) as { pick?: unknown }).pick) {
    return { op: "same", a: sel(m[1]), b: sel(m[2]) };
  }
  if ((m = cue.match(/^(?:is|are) (@\d+) (?:located |sitting |standing |placed |lying |resting |parked )?(on|under|underneath|beneath|next to|beside|near|close to|by|within [^@]+? (?:of|from)) (@\d+)$/))) {
    const rel = relationFromCue(ctx, m[2]);
    if (rel && sel(m[1]).kind === "objects" && sel(m[3]).kind === "objects") return { op: "relate", relation: rel.relation, a: sel(m[1]), b: sel(m[3]), ...(rel.distanceM ? { distanceM: rel.distanceM } : {}) };
  }
  const camera = mentions.findIndex((x) => x.selector.kind === "camera");
  const objects = mentions.filter((x) => x.selector.kind === "objects");
  if (objects.length === 1 && (/\bhow (?:far|close|near|distant)\b|\bdistance\b/.test(cue)) && (camera >= 0 || /\bhow far away (?:is|are) @\d+ ?$/.test(cue))) {
    return { op: "measure", family: "distance", a: objects[0].selector, b: { kind: "camera" }, unit };
  }
  return null;
}

/** compare / measure for cues the families know, with the rich selectors of these mentions. */
function familyOperation(rawCue: string, allMentions: Mention[], question: string): Program | null {
  // "closer to me than the desk": the families read the camera as words, not as an object.
  const mentions = allMentions.filter((x) => x.selector.kind === "objects");
  let cue = rawCue.replace(/@(\d+)/g, (_, k: string) => (allMentions[Number(k)].selector.kind === "camera" ? "the camera" : `@${k}`));
  let next = 0;
  const renumber = new Map(allMentions.map((x, k) => [k, x.selector.kind === "camera" ? -1 : next++]));
  cue = cue.replace(/@(\d+)/g, (_, k: string) => `@${renumber.get(Number(k))}`);
  const objects = mentions;
  if (objects.length === 0) return null;
  const intent = detectIntent(cue, objects.reduce((n, x) => n + (x.selector.kind === "objects" && x.selector.plural ? 2 : 1), 0));
  if (!intent) return null;
  if (intent.form === "quantity") {
    const unit = parseUnitRequest(question) ?? "auto";
    if (intent.family === "width" || intent.family === "height" || intent.family === "elevation") return objects.length === 1 ? { op: "measure", family: intent.family, a: objects[0].selector, unit } : null;
    if (objects.length !== 2) return null;
    const [a, b] = intent.family === "direction" && !observerFirst(cue, 0, 1) ? [objects[1], objects[0]] : [objects[0], objects[1]];
    return { op: "measure", family: intent.family, a: a.selector, b: b.selector, unit };
  }
  if (objects.length !== 2) return null;
  const [a, b] = referenceFirst(cue) ? [objects[1], objects[0]] : [objects[0], objects[1]];
  return { op: "compare", form: intent.form, relation: intent.relation, a: a.selector, b: b.selector };
}

let knownCache: Set<string> | null = null;
/** Words our templates and cues use: a noun outside them after a determiner may name an object. */
export function knownVocabulary(): Set<string> {
  if (knownCache) return knownCache;
  knownCache = new Set(knownWords());
  // Words of the families' own templates never name objects.
  for (const t of Object.values(QUALITATIVE_TEMPLATES)) for (const s of [...t.yes, ...t.no]) for (const w of s.toLowerCase().match(/[a-z]+/g) ?? []) knownCache.add(w);
  for (const w of ["equilateral", "roughly", "form", "order", "rank", "sort", "arrange", "many", "fit", "stack", "pile", "why", "list", "count", "box"]) knownCache.add(w);
  knownCache.delete("box");
  return knownCache;
}

export type ParseMode = "operations" | "families";

/**
 * Parses a question into a program. `operations`: only the operations beyond the cue-based
 * families (counting, superlatives, lists, …); `families`: also compare / measure, for questions
 * whose noun phrases the cue-based understanding could not resolve (ordinals, relative clauses).
 * Returns null when the language cannot express the question.
 * Example: `parseProgram("How many chairs are there?", graph, "operations")` → `{ program: { op: "count", … } }`.
 */
export function parseProgram(question: string, graph: SceneGraph, mode: ParseMode, tokens = questionTokens(question)): Parsed | null {
  const terms = termsFor(graph);
  for (const attachBare of [false, true]) {
    const ctx: MentionContext = { tokens, terms, attachBare, known: knownVocabulary() };
    const mentions = findMentions(ctx);
    if (mentions.length === 0) continue;
    const cue = cueOf(tokens, mentions);
    const program = newOperation(cue, mentions, ctx, question) ?? (mode === "families" ? familyOperation(cue, mentions, question) : null);
    if (program) return { program, mentions };
  }
  return null;
}
