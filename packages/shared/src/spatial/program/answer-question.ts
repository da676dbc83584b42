// Answering a free-form question by program: the operations beyond the cue-based families are
// parsed first (their cues — "how many", "closest", "what is left of" — would otherwise be read
// as a family's); then the cue-based understanding (understand.ts), whose result becomes a
// compare / measure program over the objects it resolved; then, when that could not resolve the
// noun phrases (ordinals, relative clauses, several cars "on the left"), the same families over
// the richer selectors. Every answer carries its trace. What none of these can express gets an
// honest reply saying what can be asked, never a guess.
import type { Answer } from "../answer.js";
import { nameOf } from "../answer.js";
import { isUnanswerable, type ParsedQuery, type UnanswerableReason } from "../query.js";
import type { SceneGraph } from "../scene-graph.js";
import { understandQuestion } from "../understand.js";
import { execute } from "./execute.js";
import { findMentions, termsFor } from "./mentions.js";
import { knownVocabulary, parseProgram, questionTokens } from "./parse.js";
import type { Program, Selector } from "./schema.js";
import { missingMessage } from "./select.js";

export { CAPABILITIES } from "./capabilities.js";

function idsSelector(graph: SceneGraph, id: string): Selector {
  const o = graph.objects.find((x) => x.id === id);
  return { kind: "ids", ids: [id], description: o ? nameOf(graph, o) : id };
}

/** A cue-based family query as a program over the objects it resolved. */
export function programOfQuery(graph: SceneGraph, query: ParsedQuery): Program {
  if (query.form === "quantity") {
    const [a, b] = query.objectIds;
    return { op: "measure", family: query.family, a: idsSelector(graph, a), ...(b ? { b: idsSelector(graph, b) } : {}), unit: query.unit };
  }
  return { op: "compare", form: query.form, relation: query.relation, a: idsSelector(graph, query.objectIds[0]), b: idsSelector(graph, query.objectIds[1]) };
}

export interface ProgramAnswer {
  answer: Answer;
  /** The program that was executed; absent when the question could not be expressed. */
  program?: Program;
  /**
   * Why there is no program, when there is none. "unmapped": the language cannot express the
   * question at all (the reply lists what it can answer); the others are about the objects named.
   */
  unanswerable?: UnanswerableReason | "unlocated";
}

/** Every object noun a question's phrases name, nested references included ("the mug on the shelf" → mug, shelf). */
export function programNounsIn(question: string, graph: SceneGraph): string[] {
  const out: string[] = [];
  const visit = (selector: Selector | undefined) => {
    if (!selector || selector.kind !== "objects") return;
    if (selector.noun) out.push(selector.noun.term);
    for (const f of selector.where ?? []) visit(f.of);
    visit(selector.pick?.reference);
  };
  const tokens = questionTokens(withoutPreamble(question, graph));
  for (const m of findMentions({ tokens, terms: termsFor(graph), attachBare: true, known: knownVocabulary() })) visit(m.selector);
  return [...new Set(out)];
}

/** A label the question names that the graph saw without reliable 3D, when no located object has it. */
function unlocatedReply(question: string, graph: SceneGraph): string | null {
  if (!graph.unlocated?.length) return null;
  const mentions = findMentions({ tokens: questionTokens(question), terms: termsFor(graph), attachBare: false, known: new Set() });
  for (const m of mentions) {
    if (m.selector.kind !== "objects" || !m.selector.noun) continue;
    const { term, concept } = m.selector.noun;
    const located = graph.objects.some((o) => o.label === term);
    if (located) continue;
    const missing = missingMessage(graph, term, concept, m.selector.plural);
    if (missing.reason === "unlocated") return missing.message;
  }
  return null;
}

/**
 * "Considering the relative positions of A and B in the image provided, is A left of B?": a
 * leading clause that only restates what the question is about is left out before parsing.
 */
export function withoutPreamble(question: string, graph: SceneGraph): string {
  const m = question.match(/^\s*((?:considering|given|regarding|looking at|with regard to|as for|in terms of)\b[^,?]*),\s*(.+)$/i);
  if (!m) return question;
  // Only when the rest names the objects itself ("Looking at A and B, which is bigger?" needs its preamble).
  const named = (text: string) => findMentions({ tokens: questionTokens(text), terms: termsFor(graph), attachBare: false, known: new Set() }).filter((x) => x.selector.kind !== "objects" || x.selector.noun).length;
  return named(m[2]) >= named(m[1]) && named(m[2]) > 0 ? m[2] : question;
}

/** Answers a question with its program and trace. */
export function answerByProgram(asked: string, graph: SceneGraph): ProgramAnswer {
  const question = withoutPreamble(asked, graph);
  const tokens = questionTokens(question);
  const operation = parseProgram(question, graph, "operations", tokens);
  if (operation) return { answer: execute(graph, operation.program, question), program: operation.program };
  const understood = understandQuestion(question, graph);
  if (!isUnanswerable(understood)) {
    const program = programOfQuery(graph, understood);
    return { answer: execute(graph, program, question), program };
  }
  if (understood.reason !== "same_object") {
    const rich = parseProgram(question, graph, "families", tokens);
    if (rich) {
      const answer = execute(graph, rich.program, question);
      // Keep the richer reading when it got somewhere, or when it fails for a better reason.
      if (answer.type !== "text" || understood.reason === "ambiguous" || understood.reason === "too_many_objects" || understood.reason === "needs_objects") return { answer, program: rich.program };
    }
  }
  const unlocated = unlocatedReply(question, graph);
  const message = unlocated ?? understood.message;
  return {
    answer: { text: message, type: "text", objectIds: understood.objectIds, trace: [{ op: "parse", detail: unlocated ? "object seen without reliable 3D" : `not answerable: ${understood.reason}`, objectIds: understood.objectIds }] },
    unanswerable: unlocated ? "unlocated" : understood.reason,
  };
}
