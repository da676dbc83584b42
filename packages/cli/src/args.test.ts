import { describe, expect, it } from "vitest";
import { parseIntrinsics, parsePositive, UsageError } from "./args.js";

describe("CLI argument parsing", () => {
  it("parses intrinsics", () => {
    expect(parseIntrinsics("518.8579, 519.47,325.58,253.74")).toEqual({ fx: 518.8579, fy: 519.47, cx: 325.58, cy: 253.74 });
  });

  it.each(["NaN,1,2,3", "1,2,3", "1,2,3,4,5", "a,b,c,d", "1,,2,3", "Infinity,1,1,1", "0,1,1,1", "-5,1,1,1"])("refuses intrinsics %j with one clear line", (text) => {
    expect(() => parseIntrinsics(text)).toThrow(UsageError);
    try { parseIntrinsics(text); } catch (e) { expect((e as Error).message).not.toMatch(/\n/); expect((e as Error).message).toMatch(/--intrinsics/); }
  });

  it("parses positive numbers and refuses others", () => {
    expect(parsePositive("--depth-scale", "5000")).toBe(5000);
    for (const bad of ["0", "-1", "x", "", "NaN", "Infinity"]) expect(() => parsePositive("--depth-scale", bad)).toThrow(/--depth-scale needs a positive number/);
  });
});
