import { describe, expect, it } from "vitest";
import { office } from "../spatial/qa-fixtures.js";
import { checkSteps, checkVlmReply, contradictionNote } from "./vlm-check.js";

// office(): chair obj-0 at (-1.5, 3.0, 0.45) and chair obj-2 at (1.6, 3.1, 0.45), 0.5 m wide boxes:
// centres 3.10 m apart, gap 2.60 m, obj-0 left of obj-2.
describe("checkVlmReply", () => {
  it("agrees with a reply whose lengths and relation match the measurements, in any unit and rounding", () => {
    const graph = office();
    for (const reply of [
      "The chair [obj-0] is about 3 m from the chair [obj-2], and it is to the left of it.",
      "The black chair [obj-0] is left of the chair [obj-2]; they are roughly 10 feet apart.",
      "The gap between [obj-0] and [obj-2] is 260 cm.",
    ]) {
      const checks = checkVlmReply(reply, graph);
      expect(checks.length, reply).toBeGreaterThan(0);
      expect(checks.every((c) => c.consistent), JSON.stringify(checks)).toBe(true);
      expect(contradictionNote(checks)).toBe("");
    }
  });

  it("flags a length no measurement bears out and a relation the wrong way round, naming what was measured", () => {
    const graph = office();
    const checks = checkVlmReply("The chair [obj-0] is right of the chair [obj-2]. They are 1.2 meters apart.", graph);
    expect(checks.map((c) => [c.claim, c.consistent])).toEqual([["right of", false], ["1.2 meters", false]]);
    expect(checks[0].measured).toBe("obj-0 is left of obj-2");
    expect(checks[1].measured).toMatch(/centres 3\.10 m apart|gap 2\.60 m/);
    const note = contradictionNote(checks);
    expect(note).toMatch(/^\(Checked against the measurements, this disagrees: "right of" for obj-0 and obj-2, measured obj-0 is left of obj-2; "1\.2 meters"/);
    expect(checkSteps(checks).map((s) => s.op)).toEqual(["check", "check"]);
    expect(checkSteps(checks)[1].detail).toMatch(/contradicts the measurements/);
  });

  it("checks one object's lengths against its distance from the camera and its size; feet and inches add up", () => {
    const graph = office();
    const chair = graph.objects[0];
    const fromCameraM = Math.hypot(...chair.centerCam);
    const ok = checkVlmReply(`The chair [obj-0] is ${fromCameraM.toFixed(1)} m from you.`, graph);
    expect(ok.map((c) => c.consistent)).toEqual([true]);
    const height = chair.box.heightM / 0.0254;
    const feet = Math.floor(height / 12), inches = Math.round(height - 12 * feet);
    expect(checkVlmReply(`[obj-0] stands ${feet} feet ${inches} inches tall.`, graph).map((c) => c.consistent)).toEqual([true]);
    expect(checkVlmReply("[obj-0] is 25 m away.", graph).map((c) => c.consistent)).toEqual([false]);
    // The words after a length say what it is of: the chair's height is not its distance.
    const heightM = chair.box.heightM;
    expect(checkVlmReply(`[obj-0] is ${heightM.toFixed(2)} m away.`, graph).map((c) => c.consistent)).toEqual([false]);
    expect(checkVlmReply(`[obj-0] is ${fromCameraM.toFixed(1)} m tall.`, graph).map((c) => [c.consistent, c.measured])).toEqual([[false, `obj-0 ${heightM.toFixed(2)} m tall`]]);
  });

  it("leaves alone what it cannot hold to a measurement: no object cited, a negated or too-close relation, unknown ids", () => {
    const graph = office();
    expect(checkVlmReply("The room is about 5 m wide.", graph)).toEqual([]);
    expect(checkVlmReply("The chair [obj-0] is not right of [obj-2].", graph)).toEqual([]);
    expect(checkVlmReply("[obj-99] is 40 m from [obj-98].", graph)).toEqual([]);
    expect(checkVlmReply("There are 2 in the corner near [obj-0].", graph)).toEqual([]);
    // Three objects cited: which pair a length is of is not said.
    expect(checkVlmReply("[obj-0] is 9 m from [obj-2] and 12 m from [obj-1].", graph)).toEqual([]);
    // A length to an object named without its id is not held to the cited one's measurements.
    expect(checkVlmReply("The chair [obj-0] is 40 cm from the laptop.", graph)).toEqual([]);
    expect(checkVlmReply("The chair [obj-0] is 10 m from the wall.", graph).map((c) => c.consistent)).toEqual([false]);
  });
});
