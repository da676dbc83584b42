// The structured value and the sentence of an answer can never disagree, whatever order a question
// names its objects in. The sentence is read back by our own parser: every fact it states
// ("the couch is wider than the blue chair") must be true of the graph, its yes/no word must match
// `bool`, and a choice must name the chosen object first.
import { describe, expect, it } from "vitest";
import { QualitativeFamily, RELATIONS_OF, type Relation } from "../families.js";
import { livingRoom } from "../qa-fixtures.js";
import { relationHolds } from "../relations.js";
import { nameOf } from "../answer.js";
import { RELATION_WORDS } from "../templates/words.js";
import { answerQuestion, isUnanswerable, understandQuestion } from "../understand.js";

const L = livingRoom();
const located = L.objects.filter((o) => o.pointCount > 0);
const byId = new Map(L.objects.map((o) => [o.id, o]));
const YES = /^(?:yes|correct|that's right|indeed|it is)\b/i;
const NO = /^(?:no|not really|actually no|that's not|incorrect)\b/i;

/** Question phrasings: [text, A is the subject]. */
function phrasings(a: string, b: string, relation: Relation): Array<{ q: string; form: "predicate" | "choice"; subject: "a" | "b" }> {
  const w = RELATION_WORDS[relation];
  return [
    { q: `Is ${a} ${w.rel} ${b}?`, form: "predicate", subject: "a" },
    { q: `Relative to ${b}, is ${a} ${w.cmp}?`, form: "predicate", subject: "a" },
    { q: `Compared with ${b}, is ${a} ${w.adv}?`, form: "predicate", subject: "a" },
    { q: `Which is ${w.cmp}, ${a} or ${b}?`, form: "choice", subject: "a" },
    { q: `Which is ${w.cmp}, ${b} or ${a}?`, form: "choice", subject: "a" },
  ];
}

/** Reads a sentence's stated fact back with the parser; null when it states none we can read. */
function statedFact(sentence: string): { holds: boolean } | null {
  const fact = sentence.replace(/^(?:yes|no|correct|indeed|incorrect|that's right|that's not the case|actually no|not really|it is|it's)\W*/i, "").replace(/[.;].*$/, "");
  const negated = /\bnot\b/.test(fact);
  const parsed = understandQuestion(`Is ${fact.replace(/\bnot /, "").replace(/^(\S.*?) is /, "$1 is ")}?`.replace(/^Is (.*?) is /, "Is $1 "), L);
  if (isUnanswerable(parsed) || parsed.form !== "predicate") return null;
  const [x, y] = parsed.objectIds.map((id) => byId.get(id)!);
  const truth = relationHolds(L, parsed.relation, x, y);
  if (truth === null) return null;
  return { holds: negated ? !truth : truth };
}

describe("the sentence is rendered from the structured value", () => {
  it.each(QualitativeFamily.options)("%s: every phrasing order, both relations, every pair", (family) => {
    let factsChecked = 0;
    for (const relation of RELATIONS_OF[family]) {
      for (const A of located) {
        for (const B of located) {
          if (A === B) continue;
          const truth = relationHolds(L, relation, A, B);
          for (const { q, form } of phrasings(nameOf(L, A), nameOf(L, B), relation)) {
            const answer = answerQuestion(q, L);
            if (truth === null) {
              expect(answer.type, q).toBe("text");
              continue;
            }
            if (form === "predicate") {
              expect(answer.type, q).toBe("bool");
              expect(answer.bool, `${q} → ${answer.text}`).toBe(truth);
              expect(answer.text, q).toMatch(truth ? YES : NO);
            } else {
              const chosen = truth ? A : B;
              const other = truth ? B : A;
              expect(answer.type, q).toBe("choice");
              expect(answer.objectIds[0], `${q} → ${answer.text}`).toBe(chosen.id);
              expect(answer.choice).toBe(chosen.label);
              const at = (o: typeof A) => answer.text.toLowerCase().indexOf(nameOf(L, o).toLowerCase());
              expect(at(chosen), `${q} → ${answer.text}`).toBeGreaterThanOrEqual(0);
              if (at(other) >= 0) expect(at(chosen), `${q} → ${answer.text}`).toBeLessThan(at(other));
            }
            const fact = statedFact(answer.text);
            if (fact) {
              factsChecked++;
              expect(fact.holds, `${q} → ${answer.text}`).toBe(true);
            }
          }
        }
      }
    }
    expect(factsChecked).toBeGreaterThan(20);
  });

  it("the program operations: yes/no words follow bool, counts state their number", () => {
    const cases = [
      "Is the cup on the dining table?", "Is the dining table on the cup?", "Is the cup under the dining table?", "Is the red chair near the couch?",
      "Is the red chair next to the dining table?", "Is the cup closer to the red chair than to the blue chair?", "Is the cup closer to the blue chair than to the red chair?",
      "Is the cup farther from the tv than from the couch?", "Would a 2 m sofa fit between the red chair and the blue chair?", "Would a 50 cm box fit between the red chair and the blue chair?",
      "Is the gap between the red chair and the couch bigger than 50 cm?", "Is the gap between the red chair and the couch smaller than 50 cm?", "Is the tv more than 3 m from the red chair?",
      "Are both chairs in front of the tv?", "Are both chairs left of the cup?", "Is the couch the biggest object?", "Is the cup the biggest object?",
      "Are the chairs the same height?", "Is there anything on the dining table?", "Is there anything under the cup?", "Do the three chairs form a roughly equilateral triangle?",
    ];
    const seen = new Set<boolean>();
    for (const q of cases) {
      const a = answerQuestion(q, L);
      if (q.includes("three chairs")) { expect(a.type).toBe("text"); continue; }
      seen.add(a.bool!);
      expect(a.type, q).toBe("bool");
      expect(a.text, q).toMatch(a.bool ? YES : NO);
    }
    expect(seen).toEqual(new Set([true, false]));
    for (const [q, n] of [["How many chairs are there?", 2], ["How many objects are on the dining table?", 1], ["How many tvs are there?", 1], ["How many giraffes are there?", 0]] as const) {
      const a = answerQuestion(q, L);
      expect(a.count, q).toBe(n);
      expect(a.text, q).toMatch(n === 0 ? /\bno\b/ : new RegExp(`\\b${n}\\b`));
    }
  });
});
