import { describe, expect, it } from "vitest";
import { formatClockHour, formatLength, humanizeLength, parseUnitRequest } from "./humanize.js";

describe("formatLength, metric auto", () => {
  it.each([
    [0, "0 centimeters"],
    [0.004, "0 centimeters"],
    [0.012, "1 centimeter"],
    [0.07, "7 centimeters"],
    [0.094, "9 centimeters"],
    [0.096, "10 centimeters"],
    [0.123, "10 centimeters"],
    [0.13, "15 centimeters"],
    [0.44, "45 centimeters"],
    [0.97, "95 centimeters"],
    [0.98, "1 meter"],
    [1.04, "1 meter"],
    [1.27, "1.3 meters"],
    [2.0, "2 meters"],
    [2.96, "3 meters"],
    [9.94, "9.9 meters"],
    [9.96, "10 meters"],
    [12.4, "12 meters"],
    [143, "140 meters"],
  ])("%f m → %s", (valueM, text) => {
    expect(formatLength(valueM)).toBe(text);
  });

  it("clamps negative input to zero and rejects non-finite values", () => {
    expect(formatLength(-0.5)).toBe("0 centimeters");
    expect(() => formatLength(Number.NaN)).toThrow(RangeError);
  });

  it("reports the unit used and the rounded value in metres", () => {
    expect(humanizeLength(0.44)).toEqual({ text: "45 centimeters", unit: "cm", roundedM: 0.45 });
    expect(humanizeLength(1.27)).toEqual({ text: "1.3 meters", unit: "m", roundedM: 1.3 });
  });
});

describe("formatLength, explicit units", () => {
  it.each([
    [0.2, "ft-in", "8 inches"],
    [0.0254, "ft-in", "1 inch"],
    [0.3, "ft-in", "1 foot"],
    [0.36, "ft-in", "1 foot 2 inches"],
    [1.6, "ft-in", "5 feet 3 inches"],
    [1.83, "ft-in", "6 feet"],
    [4.3, "ft-in", "14 feet"],
    [1.7, "ft", "5.5 feet"],
    [1.6, "ft", "5 feet"],
    [0.1, "ft", "0.3 feet"],
    [0.3048, "ft", "1 foot"],
    [4.3, "ft", "14 feet"],
    [0.2, "in", "8 inches"],
    [3.0, "in", "120 inches"],
    [0.44, "m", "0.45 meters"],
    [0.07, "m", "0.07 meters"],
    [1.27, "m", "1.3 meters"],
    [1.27, "cm", "125 centimeters"],
    [4.26, "cm", "430 centimeters"],
    [0.07, "cm", "7 centimeters"],
  ] as const)("%f m in %s → %s", (valueM, unit, text) => {
    expect(formatLength(valueM, unit)).toBe(text);
  });

  it("rounded values are back in metres", () => {
    expect(humanizeLength(1.6, "ft-in").roundedM).toBeCloseTo(63 * 0.0254, 9);
    expect(humanizeLength(0.2, "ft-in").unit).toBe("in");
    expect(humanizeLength(1.6, "ft-in").unit).toBe("ft-in");
  });
});

describe("parseUnitRequest", () => {
  it.each([
    ["How tall is the lamp in feet?", "ft"],
    ["how many feet tall is it", "ft"],
    ["Answer in feet and inches.", "ft-in"],
    ["How wide is it in inches?", "in"],
    ["how many inches wide", "in"],
    ["How far apart, in centimeters?", "cm"],
    ["how many centimetres", "cm"],
    ["distance in cm", "cm"],
    ["in millimeters please", "cm"],
    ["How far in meters?", "m"],
    ["how many metres", "m"],
    ["give it in imperial units", "ft-in"],
    ["How far is the chair from the table?", null],
    ["How far is the parking meter from the car?", null],
    ["Is the chair to the left of the table?", null],
  ] as const)("%s → %s", (text, unit) => {
    expect(parseUnitRequest(text)).toBe(unit);
  });
});

describe("formatClockHour", () => {
  it("says o'clock and rejects hours outside 1..12", () => {
    expect(formatClockHour(3)).toBe("3 o'clock");
    expect(formatClockHour(12)).toBe("12 o'clock");
    expect(() => formatClockHour(0)).toThrow(RangeError);
    expect(() => formatClockHour(2.5)).toThrow(RangeError);
  });
});
