import { describe, expect, it } from "vitest";
import { createRng, randomInt } from "./random.js";

describe("createRng", () => {
  it("is mulberry32: the reference first outputs for seed 42", () => {
    const rng = createRng(42);
    expect([rng(), rng(), rng()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it("repeats for a seed and differs between seeds", () => {
    const a = createRng(7), b = createRng(7), c = createRng(8);
    const seqA = Array.from({ length: 50 }, a);
    expect(Array.from({ length: 50 }, b)).toEqual(seqA);
    expect(Array.from({ length: 50 }, c)).not.toEqual(seqA);
  });

  it("stays in [0, 1) and is roughly uniform", () => {
    const rng = createRng(123);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const v = rng();
      expect(v >= 0 && v < 1).toBe(true);
      bins[Math.floor(v * 10)]++;
    }
    for (const count of bins) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });
});

describe("randomInt", () => {
  it("covers [0, n) and nothing else", () => {
    const rng = createRng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = randomInt(rng, 7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
    expect(randomInt(() => 0.9999999999, 3)).toBe(2);
  });

  it("refuses a bound that is not a positive integer", () => {
    const rng = createRng(1);
    for (const n of [0, -1, 2.5, NaN, Infinity]) expect(() => randomInt(rng, n)).toThrow(RangeError);
  });
});
