// SpatialVLM's question families, named once. Qualitative families come as a pair of opposite
// relations; each is asked as a yes/no predicate ("Is A left of B?") or as a choice ("Which is more
// to the left, A or B?"). Quantitative families return a length in metres, or a clock hour.
import { z } from "zod";

export const QualitativeFamily = z.enum(["left_right", "above_below", "behind_front", "taller_shorter", "wider_thinner", "bigger_smaller"]);
export type QualitativeFamily = z.infer<typeof QualitativeFamily>;

export const Relation = z.enum(["left", "right", "above", "below", "behind", "in_front", "taller", "shorter", "wider", "thinner", "bigger", "smaller"]);
export type Relation = z.infer<typeof Relation>;

export const QuantitativeFamily = z.enum(["distance", "gap", "horizontal_distance", "vertical_distance", "width", "height", "elevation", "direction"]);
export type QuantitativeFamily = z.infer<typeof QuantitativeFamily>;

/** The two relations of each qualitative family, positive first. */
export const RELATIONS_OF: Record<QualitativeFamily, readonly [Relation, Relation]> = {
  left_right: ["left", "right"],
  above_below: ["above", "below"],
  behind_front: ["behind", "in_front"],
  taller_shorter: ["taller", "shorter"],
  wider_thinner: ["wider", "thinner"],
  bigger_smaller: ["bigger", "smaller"],
};

export const OPPOSITE: Record<Relation, Relation> = {
  left: "right", right: "left", above: "below", below: "above", behind: "in_front", in_front: "behind",
  taller: "shorter", shorter: "taller", wider: "thinner", thinner: "wider", bigger: "smaller", smaller: "bigger",
};

export function familyOf(relation: Relation): QualitativeFamily {
  for (const family of QualitativeFamily.options) if (RELATIONS_OF[family].includes(relation)) return family;
  throw new Error(`unknown relation ${relation}`);
}

/** Quantitative families about one object; the others relate two. */
export const SINGLE_OBJECT_FAMILIES: ReadonlySet<QuantitativeFamily> = new Set(["width", "height", "elevation"]);
