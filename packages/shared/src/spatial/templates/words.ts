// The slot scheme of every template.
//   [A], [B]  object references ("the red chair"). In choice answers [A] is the chosen object.
//   [X]       a measured value, already humanized ("1.3 meters", "5 feet 3 inches", "3 o'clock").
//   {key}     a grammatical form of the question's relation, {okey} the same form of its opposite.
// One template serves both relations of a pair because each form has the same grammar for both:
//   {rel}   predicate phrase taking [B]:      "to the left of" / "to the right of", "taller than"
//   {alt}   a second predicate phrase:        "on the left side of", "farther from the camera than"
//   {cmp}   comparative standing alone:       "more to the left", "higher up", "closer to the camera"
//   {adv}   comparative that takes "than":    "further left", "higher", "further forward", "broader"
//   {word}  one word for "the {word} side", "further {word}", "a {word} height", "{word} space"
//   {same}  how the pair looks when neither holds: "at about the same level"
// Templates of one family only use the keys that read naturally for that family's pair.
import type { Relation } from "../families.js";
import { OPPOSITE } from "../families.js";

export const SLOT_KEYS = ["rel", "alt", "cmp", "adv", "word", "same"] as const;
export type SlotKey = (typeof SLOT_KEYS)[number];
export type RelationWords = Record<SlotKey, string>;

export const RELATION_WORDS: Record<Relation, RelationWords> = {
  left: { rel: "to the left of", alt: "on the left side of", cmp: "more to the left", adv: "further left", word: "left", same: "about even from left to right" },
  right: { rel: "to the right of", alt: "on the right side of", cmp: "more to the right", adv: "further right", word: "right", same: "about even from left to right" },
  above: { rel: "above", alt: "higher than", cmp: "higher up", adv: "higher", word: "up", same: "at about the same level" },
  below: { rel: "below", alt: "lower than", cmp: "lower down", adv: "lower", word: "down", same: "at about the same level" },
  behind: { rel: "behind", alt: "farther from the camera than", cmp: "farther from the camera", adv: "farther back", word: "back", same: "about the same distance from the camera" },
  in_front: { rel: "in front of", alt: "closer to the camera than", cmp: "closer to the camera", adv: "further forward", word: "front", same: "about the same distance from the camera" },
  taller: { rel: "taller than", alt: "greater in height than", cmp: "taller", adv: "taller", word: "greater", same: "about equally tall" },
  shorter: { rel: "shorter than", alt: "lesser in height than", cmp: "shorter", adv: "shorter", word: "smaller", same: "about equally tall" },
  wider: { rel: "wider than", alt: "broader than", cmp: "wider", adv: "broader", word: "greater", same: "about equally wide" },
  thinner: { rel: "thinner than", alt: "narrower than", cmp: "thinner", adv: "narrower", word: "smaller", same: "about equally wide" },
  bigger: { rel: "bigger than", alt: "larger in size than", cmp: "bigger", adv: "larger", word: "more", same: "about the same size" },
  smaller: { rel: "smaller than", alt: "smaller in size than", cmp: "smaller", adv: "more compact", word: "less", same: "about the same size" },
};

export interface TemplateSlots {
  A?: string;
  B?: string;
  X?: string;
  relation?: Relation;
}

const RELATION_SLOT = /\{(o?)(rel|alt|cmp|adv|word|same)\}/g;

/** Any slot left unfilled: "[A]", "{rel}"… */
export const LEFTOVER_SLOT = /\[[A-Z]\]|\{o?[a-z]+\}/;

/**
 * Fills a template and capitalises the first letter.
 * Example: `fillTemplate("Is [A] {rel} [B]?", { A: "the cup", B: "the laptop", relation: "left" })`
 * → "Is the cup to the left of the laptop?"
 */
export function fillTemplate(template: string, slots: TemplateSlots): string {
  let text = template;
  if (slots.relation) {
    const own = RELATION_WORDS[slots.relation];
    const opposite = RELATION_WORDS[OPPOSITE[slots.relation]];
    text = text.replace(RELATION_SLOT, (_m, o: string, key: SlotKey) => (o ? opposite : own)[key]);
  }
  if (slots.A !== undefined) text = text.replaceAll("[A]", slots.A);
  if (slots.B !== undefined) text = text.replaceAll("[B]", slots.B);
  if (slots.X !== undefined) text = text.replaceAll("[X]", slots.X);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
