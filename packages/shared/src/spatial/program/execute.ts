// Executes a query program on a scene graph: the selectors run first (select.ts), then the one
// operation, each appending trace steps. The sentence of every answer is rendered from its
// structured value (bool / choice / count / value_m / items) in render.ts or by the family
// templates, never composed separately, so the two cannot disagree.
import type { Answer } from "../answer.js";
import type { SceneGraph } from "../scene-graph.js";
import type { Context } from "./context.js";
import * as pairs from "./ops-pairs.js";
import * as sets from "./ops-sets.js";
import { MAX_TRACE_STEPS, type Program, type TraceStep } from "./schema.js";

export { EQUILATERAL_TOLERANCE } from "./ops-sets.js";

/**
 * Executes a program. `question` picks the family templates' wording (the same question always
 * reads the same). Example: `execute(graph, { op: "count", target: { kind: "objects", noun: { term: "chair", concept: "chair" }, plural: true, text: "chairs" } }, "How many chairs?")`
 * → `{ type: "number", count: 3, text: "There are 3 chairs.", trace: [...] }`.
 */
export function execute(graph: SceneGraph, program: Program, question: string): Answer {
  const answer = run(graph, program, question);
  return answer.trace ? { ...answer, trace: boundTrace(answer.trace) } : answer;
}

const MAX_DETAIL_CHARS = 2000;

/** Keeps a trace within the wire schema's bounds (a ranking of hundreds of objects lists them all in one step). */
export function boundTrace(trace: TraceStep[]): TraceStep[] {
  const steps = trace.length > MAX_TRACE_STEPS ? [...trace.slice(0, MAX_TRACE_STEPS - 1), { op: "more", detail: `${trace.length - MAX_TRACE_STEPS + 1} more steps left out`, objectIds: [] }] : trace;
  return steps.map((s) => (s.detail.length > MAX_DETAIL_CHARS ? { ...s, detail: `${s.detail.slice(0, MAX_DETAIL_CHARS - 1)}…` } : s));
}

function run(graph: SceneGraph, program: Program, question: string): Answer {
  const ctx: Context = { graph, question, trace: [] };
  switch (program.op) {
    case "compare": return pairs.compare(ctx, program);
    case "measure": return pairs.measureOp(ctx, program);
    case "count": return sets.count(ctx, program);
    case "list": return sets.list(ctx, program);
    case "identify": return sets.identify(ctx, program);
    case "rank": return sets.rank(ctx, program);
    case "relate": return pairs.relate(ctx, program);
    case "closer": return pairs.closer(ctx, program);
    case "triangle": return sets.triangle(ctx, program);
    case "fit": return pairs.fit(ctx, program);
    case "stack": return sets.stack(ctx, program);
    case "premise": return pairs.premise(ctx, program);
    case "exists": return sets.exists(ctx, program);
    case "side": return pairs.side(ctx, program);
    case "same": return pairs.same(ctx, program);
    case "difference": return pairs.difference(ctx, program);
    case "alike": return sets.alike(ctx, program);
    case "threshold": return pairs.threshold(ctx, program);
    case "every": return sets.every(ctx, program);
    case "where": return pairs.where(ctx, program);
    case "between": return sets.between(ctx, program);
  }
}
