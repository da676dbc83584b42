// What a spatial question asks, once understood: a family, a form and the objects it names. Both
// the question understanding (free text → ParsedQuery) and the data engine (graph → ParsedQuery →
// question text) produce these, and `answerQuery` evaluates them.
import { z } from "zod";
import { QualitativeFamily, QuantitativeFamily, Relation } from "./families.js";
import { UnitRequest } from "./humanize.js";

export const QaFamily = z.enum([...QualitativeFamily.options, ...QuantitativeFamily.options]);
export type QaFamily = z.infer<typeof QaFamily>;

/** predicate: yes/no; choice: one of two objects; quantity: a length or a clock hour. */
export const QaForm = z.enum(["predicate", "choice", "quantity"]);
export type QaForm = z.infer<typeof QaForm>;

const QualitativeQuery = {
  family: QualitativeFamily,
  relation: Relation,
  /** [A, B] in the order the question names them: "Is A left of B?". */
  objectIds: z.tuple([z.string(), z.string()]),
  question: z.string(),
};

export const ParsedQuery = z.discriminatedUnion("form", [
  z.object({ form: z.literal("predicate"), ...QualitativeQuery }),
  z.object({ form: z.literal("choice"), ...QualitativeQuery }),
  z.object({
    form: z.literal("quantity"),
    family: QuantitativeFamily,
    /** One object for width/height/elevation; [observer, target] for direction; else [A, B]. */
    objectIds: z.array(z.string()).min(1).max(2),
    /** The unit the question asks for; "auto" (metric, humanized) when it names none. */
    unit: UnitRequest.default("auto"),
    question: z.string(),
  }),
]);
export type ParsedQuery = z.infer<typeof ParsedQuery>;

export const UnanswerableReason = z.enum(["unmapped", "not_found", "ambiguous", "needs_objects", "too_many_objects", "same_object"]);
export type UnanswerableReason = z.infer<typeof UnanswerableReason>;

/** A question we will not guess at, with the honest reply to give instead. */
export const Unanswerable = z.object({
  unanswerable: z.literal(true),
  reason: UnanswerableReason,
  /** The reply, e.g. "I could not find a giraffe in this image." */
  message: z.string(),
  /** Objects the question did name unambiguously (may be empty). */
  objectIds: z.array(z.string()),
  question: z.string(),
});
export type Unanswerable = z.infer<typeof Unanswerable>;

export function isUnanswerable(q: ParsedQuery | Unanswerable): q is Unanswerable {
  return "unanswerable" in q;
}

/** Families whose answer depends on which way is "up" (not synthesized when up is only assumed). */
export const NEEDS_UP: ReadonlySet<QaFamily> = new Set<QaFamily>(["above_below", "taller_shorter", "elevation", "vertical_distance", "height", "horizontal_distance"]);
