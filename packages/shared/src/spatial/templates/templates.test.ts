import { describe, expect, it } from "vitest";
import { QualitativeFamily, QuantitativeFamily, RELATIONS_OF } from "../families.js";
import {
  fillTemplate, LEFTOVER_SLOT, LEVEL_ANSWERS, ON_FLOOR_ANSWERS, QUALITATIVE_TEMPLATES, QUANTITATIVE_ANSWERS, QUANTITATIVE_QUESTIONS,
  RELATION_WORDS, SLOT_KEYS, STACKED_ANSWERS, TOUCHING_ANSWERS, UNIT_REQUESTS,
} from "./index.js";

const slots = { A: "the red chair", B: "the table", X: "1.3 meters" };

describe("template counts", () => {
  it.each(QualitativeFamily.options)("%s: ≥20 predicate and ≥20 choice questions, ≥10 yes, ≥10 no, ≥10 choice answers", (family) => {
    const t = QUALITATIVE_TEMPLATES[family];
    expect(t.predicate.length).toBeGreaterThanOrEqual(20);
    expect(t.choice.length).toBeGreaterThanOrEqual(20);
    expect(t.yes.length).toBeGreaterThanOrEqual(10);
    expect(t.no.length).toBeGreaterThanOrEqual(10);
    expect(t.choiceAnswers.length).toBeGreaterThanOrEqual(10);
  });

  it.each(QuantitativeFamily.options)("%s: ≥20 questions and ≥10 answers", (family) => {
    expect(QUANTITATIVE_QUESTIONS[family].length).toBeGreaterThanOrEqual(20);
    expect(QUANTITATIVE_ANSWERS[family].length).toBeGreaterThanOrEqual(10);
  });

  it("has no duplicate template within a list", () => {
    const lists = [
      ...Object.values(QUALITATIVE_TEMPLATES).flatMap((t) => [t.predicate, t.choice, t.yes, t.no, t.choiceAnswers, t.hedges]),
      ...Object.values(QUANTITATIVE_QUESTIONS), ...Object.values(QUANTITATIVE_ANSWERS),
    ];
    for (const list of lists) expect(new Set(list).size).toBe(list.length);
  });
});

describe("rendering", () => {
  it("every relation defines every slot form", () => {
    for (const words of Object.values(RELATION_WORDS)) for (const key of SLOT_KEYS) expect(words[key].length).toBeGreaterThan(0);
  });

  it.each(QualitativeFamily.options)("%s: every template renders with no leftover slot for both relations", (family) => {
    const t = QUALITATIVE_TEMPLATES[family];
    for (const relation of RELATIONS_OF[family]) {
      for (const template of [...t.predicate, ...t.choice, ...t.yes, ...t.no, ...t.choiceAnswers, ...t.hedges]) {
        const text = fillTemplate(template, { ...slots, relation });
        expect(text, template).not.toMatch(LEFTOVER_SLOT);
        expect(text).not.toMatch(/\s{2}|\s[,.?!]/);
        expect(text.charAt(0)).toBe(text.charAt(0).toUpperCase());
      }
    }
  });

  it("quantitative templates and special answers render with no leftover slot", () => {
    const all = [
      ...Object.values(QUANTITATIVE_QUESTIONS).flat(), ...Object.values(QUANTITATIVE_ANSWERS).flat(),
      ...TOUCHING_ANSWERS, ...ON_FLOOR_ANSWERS, ...LEVEL_ANSWERS, ...STACKED_ANSWERS, ...Object.values(UNIT_REQUESTS).flat(),
    ];
    for (const template of all) expect(fillTemplate(template, slots), template).not.toMatch(LEFTOVER_SLOT);
  });

  it("fills the relation and its opposite and capitalises", () => {
    expect(fillTemplate("[A] is {rel} [B].", { A: "the cup", B: "the laptop", relation: "left" })).toBe("The cup is to the left of the laptop.");
    expect(fillTemplate("No — [A] is {orel} [B].", { A: "the cup", B: "the laptop", relation: "in_front" })).toBe("No — the cup is behind the laptop.");
    expect(fillTemplate("Which is {cmp}, [A] or [B]?", { A: "the cup", B: "the laptop", relation: "below" })).toBe("Which is lower down, the cup or the laptop?");
    expect(fillTemplate("Does [A] take up {word} space than [B]?", { A: "the cup", B: "the sofa", relation: "smaller" })).toBe("Does the cup take up less space than the sofa?");
  });

  it("does not modify a template without slots of that kind", () => {
    expect(fillTemplate("About [X].", { X: "5 feet 3 inches" })).toBe("About 5 feet 3 inches.");
    expect(fillTemplate("Is [A] {rel} [B]?", {})).toBe("Is [A] {rel} [B]?");
  });
});
