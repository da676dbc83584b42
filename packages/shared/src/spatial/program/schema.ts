// The query-program language: a question as a small typed program over the scene graph.
//   select (Selector) → filter (Filter, inside the selector) → one operation (Program.op)
// Selectors name objects by class (lexicon term and concept), colour, image third, ordinal or
// superlative ("the third car from the left", "the chair closest to the camera") and relative
// clauses ("the mug on the shelf"); `camera` is the viewer ("me", "the camera"); `ids` carries
// objects a reference already resolved (the cue-based families hand those over).
// The executor (execute.ts) runs every program the same way whoever wrote it: the English parser,
// the data engine or an LLM planner, whose output is validated against `Program` first, so a
// planner can choose operations but never invent a measurement.
import { z } from "zod";
import { QuantitativeFamily, Relation } from "../families.js";
import { UnitRequest } from "../humanize.js";

/** Relations a filter or a yes/no can test: the six positional ones plus contact and proximity (proximity.ts). */
export const FilterRelation = z.enum(["left", "right", "above", "below", "behind", "in_front", "near", "next_to", "on", "under", "within"]);
export type FilterRelation = z.infer<typeof FilterRelation>;

/** What a superlative or a ranking orders by. `distance` is to `reference` (the camera by default). */
export const OrderKey = z.enum(["distance", "height", "width", "volume", "x", "depth", "elevation"]);
export type OrderKey = z.infer<typeof OrderKey>;

export const Order = z.enum(["max", "min"]);
export type Order = z.infer<typeof Order>;

export interface Filter {
  relation: FilterRelation;
  of: Selector;
  /** For `within`: the bound on the gap between the two objects, metres. */
  distanceM?: number;
  /** "not left of": keep those for which the relation does not hold. */
  negated?: boolean;
  /** The relation runs from the other object to this one: "the table with a laptop on it" keeps tables some laptop is on. */
  reverse?: boolean;
}

export interface Pick {
  key: OrderKey;
  order: Order;
  /** 1 = the most, 2 = the second most, … */
  rank: number;
  /** For key `distance`: to what; absent = the camera. */
  reference?: Selector;
}

export type Selector =
  | { kind: "camera" }
  | { kind: "ids"; ids: string[]; description: string }
  | {
      kind: "objects";
      /** Absent: any object ("what", "objects", "things"). */
      noun?: { term: string; concept: string };
      /** The phrase asks for a set ("the chairs", "all chairs", "three cans"). */
      plural: boolean;
      /** "three cans", "two chairs". */
      count?: number;
      color?: string;
      /** Image third ("on the left"); among several there, the extreme one. */
      position?: "left" | "right" | "center";
      where?: Filter[];
      pick?: Pick;
      /** The words that named it, for messages. */
      text: string;
    };

export const Filter: z.ZodType<Filter> = z.lazy(() =>
  z.object({ relation: FilterRelation, of: Selector, distanceM: z.number().positive().optional(), negated: z.boolean().optional(), reverse: z.boolean().optional() }),
);

export const Pick: z.ZodType<Pick> = z.lazy(() =>
  z.object({ key: OrderKey, order: Order, rank: z.number().int().min(1).max(50), reference: Selector.optional() }),
);

export const Selector: z.ZodType<Selector> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("camera") }),
    z.object({ kind: z.literal("ids"), ids: z.array(z.string()).min(1), description: z.string() }),
    z.object({
      kind: z.literal("objects"),
      noun: z.object({ term: z.string(), concept: z.string() }).optional(),
      plural: z.boolean(),
      count: z.number().int().min(1).max(50).optional(),
      color: z.string().optional(),
      position: z.enum(["left", "right", "center"]).optional(),
      where: z.array(Filter).optional(),
      pick: Pick.optional(),
      text: z.string(),
    }),
  ]),
);

/** One operation over selected objects; every program is exactly one of these. */
export const Program = z.discriminatedUnion("op", [
  /** A qualitative family: yes/no ("Is A left of B?") or which of the two ("Which is taller, A or B?"). */
  z.object({ op: z.literal("compare"), form: z.enum(["predicate", "choice"]), relation: Relation, a: Selector, b: Selector }),
  /** A quantitative family; `b` the camera for "how far is A from me". */
  z.object({ op: z.literal("measure"), family: QuantitativeFamily, a: Selector, b: Selector.optional(), unit: UnitRequest }),
  /** How many objects the selector names. */
  z.object({ op: z.literal("count"), target: Selector }),
  /** Which objects the selector names ("what is left of the lamp?"). */
  z.object({ op: z.literal("list"), target: Selector }),
  /** The one object a selector with a superlative or ordinal names ("which car is closest?"). */
  z.object({ op: z.literal("identify"), target: Selector }),
  /** The selected objects in order ("order the bottles by height"). */
  z.object({ op: z.literal("rank"), target: Selector, key: OrderKey, order: Order, reference: Selector.optional() }),
  /** Yes/no of a contact or proximity relation ("is the cup on the table?", "is A near B?"). */
  z.object({ op: z.literal("relate"), relation: FilterRelation, a: Selector, b: Selector, distanceM: z.number().positive().optional() }),
  /**
   * "Is A closer to B than to C?" (`farther`: "farther from B than from C"); with `choice`,
   * "Which is closer to A, B or C?" — the same two distances, answered with the object.
   */
  z.object({ op: z.literal("closer"), a: Selector, b: Selector, c: Selector, farther: z.boolean(), choice: z.boolean().optional() }),
  /** "Is there anything on the table?": whether the selector names any object. */
  z.object({ op: z.literal("exists"), target: Selector }),
  /** "Which side of the desk is the laptop on?": left or right of B, or neither. */
  z.object({ op: z.literal("side"), a: Selector, b: Selector }),
  /** "Is the clock the largest object?": whether two selectors name the same object. */
  z.object({ op: z.literal("same"), a: Selector, b: Selector }),
  /** "Is the gap between A and B bigger than 30 cm?": a measured family against a length. */
  z.object({ op: z.literal("threshold"), family: QuantitativeFamily.exclude(["direction"]), a: Selector, b: Selector.optional(), thresholdM: z.number().nonnegative(), greater: z.boolean() }),
  /** "Are both chairs in front of the tv?": whether every object of the target satisfies the filter. */
  z.object({ op: z.literal("every"), target: Selector, filter: Filter }),
  /** "Where is the cup relative to the table?": its relations to B, or where it is in view when there is no B. */
  z.object({ op: z.literal("where"), a: Selector, b: Selector.optional() }),
  /** "Are the chairs the same height?": the pair is too close to call for `relation` (relations.ts margins). */
  z.object({ op: z.literal("alike"), relation: Relation, target: Selector }),
  /** "What is between the red chair and the blue chair?" (proximity.ts defines between). */
  z.object({ op: z.literal("between"), target: Selector, a: Selector, b: Selector }),
  /** "How much taller is A than B?": the difference of a measure, A − B. */
  z.object({ op: z.literal("difference"), key: z.enum(["height", "width", "distance", "elevation"]), a: Selector, b: Selector, unit: UnitRequest }),
  /** "Do the three cans form a roughly equilateral triangle?" */
  z.object({ op: z.literal("triangle"), target: Selector }),
  /** "Would a 60 cm box fit between A and B?": the gap against the width. */
  z.object({ op: z.literal("fit"), widthM: z.number().positive(), a: Selector, b: Selector, unit: UnitRequest }),
  /** "How tall is the stack of boxes?" */
  z.object({ op: z.literal("stack"), target: Selector, unit: UnitRequest }),
  /** "Why is A left of B?": the premise is checked before anything is said about it. */
  z.object({ op: z.literal("premise"), premise: z.object({ relation: Relation, a: Selector, b: Selector }) }),
]);
export type Program = z.infer<typeof Program>;

/** One step of an executed program: what it did, the objects it selected, the value it measured. */
export const TraceStep = z.object({
  /** "select", "filter", "pick", "measure", "compare", "count", "rank", … */
  op: z.string().max(40),
  /** One sentence a person can follow ("select chairs → 3 objects"). */
  detail: z.string().max(2000),
  objectIds: z.array(z.string().max(100)).max(1000),
  /** Metres, for a length or distance. */
  valueM: z.number().optional(),
  /** A count, ratio or other plain number. */
  value: z.number().optional(),
});
export type TraceStep = z.infer<typeof TraceStep>;

/** Most steps one answer's trace may carry (a program has a handful; nested selectors add a few each). */
export const MAX_TRACE_STEPS = 100;
