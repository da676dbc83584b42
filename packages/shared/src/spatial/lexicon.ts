// Words for objects and colours in questions. Each concept is one COCO class (its COCO name is the
// concept id) with the PASCAL VOC name and everyday synonyms as further terms, so "couch", "sofa" and
// a graph label "sofa" meet, as do "tv", "tvmonitor", "television" and "monitor". Labels a graph
// carries that the lexicon does not know (open-vocabulary detections: "lamp", "trash can") become
// terms of their own at question time.
import { BASIC_COLORS } from "./color-name.js";

/** COCO's 80 classes, first term = COCO name; VOC's 20 names appear among the terms. */
const CONCEPTS: ReadonlyArray<readonly string[]> = [
  ["person", "man", "woman", "human", "guy", "lady", "boy", "girl", "child", "kid", "pedestrian", "people"],
  ["bicycle", "bike", "pushbike"],
  ["car", "automobile", "sedan"],
  ["motorcycle", "motorbike", "motor bike"],
  ["airplane", "aeroplane", "plane", "aircraft", "airliner", "jet"],
  ["bus"],
  ["train", "locomotive"],
  ["truck", "lorry", "pickup truck"],
  ["boat", "ship"],
  ["traffic light", "traffic signal", "stoplight", "stop light"],
  ["fire hydrant", "hydrant"],
  ["stop sign"],
  ["parking meter"],
  ["bench"],
  ["bird"],
  ["cat", "kitten"],
  ["dog", "puppy"],
  ["horse"],
  ["sheep", "lamb"],
  ["cow", "cattle"],
  ["elephant"],
  ["bear"],
  ["zebra"],
  ["giraffe"],
  ["backpack", "rucksack", "back pack"],
  ["umbrella"],
  ["handbag", "purse", "hand bag", "bag"],
  ["tie", "necktie"],
  ["suitcase", "luggage"],
  ["frisbee"],
  ["skis", "ski"],
  ["snowboard"],
  ["sports ball", "ball"],
  ["kite"],
  ["baseball bat", "bat"],
  ["baseball glove", "glove", "mitt"],
  ["skateboard"],
  ["surfboard"],
  ["tennis racket", "racket", "racquet"],
  ["bottle"],
  ["wine glass", "wineglass", "glass"],
  ["cup", "mug", "coffee cup", "teacup", "coffee mug"],
  ["fork"],
  ["knife"],
  ["spoon"],
  ["bowl"],
  ["banana"],
  ["apple"],
  ["sandwich"],
  ["orange"],
  ["broccoli"],
  ["carrot"],
  ["hot dog", "hotdog"],
  ["pizza"],
  ["donut", "doughnut"],
  ["cake"],
  ["chair"],
  ["couch", "sofa", "settee"],
  ["potted plant", "pottedplant", "plant", "houseplant", "house plant", "pot plant"],
  ["bed"],
  ["dining table", "diningtable", "table", "dinner table", "kitchen table"],
  ["toilet"],
  ["tv", "tvmonitor", "tv monitor", "television", "television set", "tv set", "monitor"],
  ["laptop", "notebook computer"],
  ["mouse", "computer mouse"],
  ["remote", "remote control", "tv remote"],
  ["keyboard"],
  ["cell phone", "cellphone", "phone", "mobile phone", "smartphone"],
  ["microwave", "microwave oven"],
  ["oven"],
  ["toaster"],
  ["sink"],
  ["refrigerator", "fridge"],
  ["book"],
  ["clock"],
  ["vase"],
  ["scissors"],
  ["teddy bear", "teddy", "stuffed animal"],
  ["hair drier", "hair dryer", "hairdryer", "blow dryer"],
  ["toothbrush"],
];

/** VOC spellings shown to people in their spaced form. */
const DISPLAY: Record<string, string> = { diningtable: "dining table", pottedplant: "potted plant", tvmonitor: "tv monitor" };

/** Words that never name an object in a question, even if a graph carries them as labels. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  "camera", "viewer", "floor", "ground", "image", "picture", "photo", "scene", "meter", "meters", "inch", "inches", "foot", "feet",
]);

const IRREGULAR_PLURALS: Record<string, string> = {
  person: "people", man: "men", woman: "women", child: "children", mouse: "mice", knife: "knives", sheep: "sheep",
  skis: "skis", scissors: "scissors", luggage: "luggage", cattle: "cattle", people: "people", broccoli: "broccoli",
  shelf: "shelves", leaf: "leaves", potato: "potatoes", tomato: "tomatoes", lady: "ladies", puppy: "puppies",
};

export function pluralOf(term: string): string {
  const words = term.split(" ");
  const last = words[words.length - 1];
  let plural: string;
  if (IRREGULAR_PLURALS[last]) plural = IRREGULAR_PLURALS[last];
  else if (/(s|x|z|ch|sh)$/.test(last)) plural = `${last}es`;
  else if (/[^aeiou]y$/.test(last)) plural = `${last.slice(0, -1)}ies`;
  else plural = `${last}s`;
  return [...words.slice(0, -1), plural].join(" ");
}

/** Lower case, separators as spaces: "Dining_Table" → "dining table". */
export function normalizeLabel(label: string): string {
  return label.toLowerCase().replace(/[_\-]+/g, " ").replace(/\s+/g, " ").trim();
}

/** How a label is written for people: "diningtable" → "dining table". */
export function displayLabel(label: string): string {
  const norm = normalizeLabel(label);
  return DISPLAY[norm] ?? norm;
}

export interface TermEntry {
  /** The singular term ("chair", "cell phone"). */
  term: string;
  /** Concept id (the COCO name), or `label:<label>` for a label the lexicon does not know. */
  concept: string;
  plural: boolean;
}

const STATIC_TERMS: Map<string, TermEntry> = (() => {
  const map = new Map<string, TermEntry>();
  for (const terms of CONCEPTS) {
    for (const term of terms) {
      // "people" is already a plural; the others get theirs generated.
      if (term === "people") { map.set(term, { term: "person", concept: terms[0], plural: true }); continue; }
      if (term === "cattle") { map.set(term, { term: "cow", concept: terms[0], plural: true }); continue; }
      map.set(term, { term, concept: terms[0], plural: false });
      const p = pluralOf(term);
      if (!map.has(p)) map.set(p, { term, concept: terms[0], plural: true });
    }
  }
  return map;
})();

/**
 * The concept of a singular term or label, or null when the lexicon does not know it. A label that
 * only matches a plural ("glasses") is its own concept: detector labels are singular nouns.
 */
export function conceptOf(termOrLabel: string): string | null {
  for (const form of [displayLabel(termOrLabel), normalizeLabel(termOrLabel)]) {
    const entry = STATIC_TERMS.get(form);
    if (entry && !entry.plural) return entry.concept;
  }
  return null;
}

/** Every COCO concept id (the 80 COCO class names). */
export const COCO_LABELS: readonly string[] = CONCEPTS.map((c) => c[0]);

/**
 * Term table for one graph: the static lexicon plus the graph's own labels (and their plurals),
 * keyed by the surface form. The longest term has `maxWords` words.
 */
export function termTable(labels: Iterable<string>): { terms: Map<string, TermEntry>; maxWords: number } {
  const terms = new Map(STATIC_TERMS);
  for (const label of labels) {
    for (const form of new Set([normalizeLabel(label), displayLabel(label)])) {
      if (RESERVED_WORDS.has(form)) continue;
      const known = STATIC_TERMS.get(form);
      if (known && !known.plural) continue;
      const concept = `label:${form}`;
      terms.set(form, { term: form, concept, plural: false });
      const p = pluralOf(form);
      if (!terms.has(p) || terms.get(p)!.concept !== concept) terms.set(p, { term: form, concept, plural: true });
    }
  }
  let maxWords = 1;
  for (const key of terms.keys()) maxWords = Math.max(maxWords, key.split(" ").length);
  return { terms, maxWords };
}

/** Colour words a question may use, mapped to the basic names of `color-name.ts`. */
const COLOR_SYNONYMS: Record<string, string> = {
  grey: "gray", silver: "gray", violet: "purple", navy: "blue", teal: "cyan", turquoise: "cyan", gold: "yellow",
  golden: "yellow", beige: "brown", tan: "brown", maroon: "red", magenta: "pink",
};

/** The basic colour a word names, or null. Example: `colorWord("grey")` → "gray". */
export function colorWord(word: string): string | null {
  if ((BASIC_COLORS as readonly string[]).includes(word)) return word;
  return COLOR_SYNONYMS[word] ?? null;
}

/** Normalised colour name of an object attribute, for comparison with `colorWord`. */
export function normalizeColor(name: string): string {
  const n = name.toLowerCase().trim();
  return colorWord(n) ?? n;
}

/** "a chair", "an umbrella". */
export function withIndefiniteArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;
}
