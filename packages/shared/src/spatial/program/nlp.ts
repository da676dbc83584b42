// Tokens, lemmas and parts of speech from wink-nlp's English model (runs offline in Workers, Node
// and the browser). The model loads once, on first use (~60 ms); a question then takes well under a
// millisecond. The spatial grammar on top (parse.ts) is ours.
import winkNLP from "wink-nlp";
import model from "wink-eng-lite-web-model";

export interface Token {
  /** Lower-case surface form. */
  text: string;
  lemma: string;
  /** Universal POS tag: NOUN, ADJ, ADP, NUM, VERB, … */
  pos: string;
}

let nlp: ReturnType<typeof winkNLP> | null = null;

export function tokenizeQuestion(text: string): Token[] {
  nlp ??= winkNLP(model);
  const doc = nlp.readDoc(text);
  const its = nlp.its;
  const words = doc.tokens().out() as string[];
  const lemmas = doc.tokens().out(its.lemma as Parameters<ReturnType<typeof doc.tokens>["out"]>[0]) as string[];
  const pos = doc.tokens().out(its.pos) as string[];
  return words.map((w, i) => ({ text: w.toLowerCase(), lemma: (lemmas[i] ?? w).toLowerCase(), pos: pos[i] ?? "X" }));
}
