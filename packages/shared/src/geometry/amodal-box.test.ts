import { describe, expect, it } from "vitest";
import { boxFromPrior, completeUprightBox, turnedFootprint, type ObjectSizePrior } from "./amodal-box.js";
import type { UprightBox } from "./types.js";

const CAR: ObjectSizePrior = { widthM: 1.8, lengthM: 4.3, heightM: 1.55, restsOnGround: true };
const camera: [number, number, number] = [0, 0, 1.65];
const ctx = { cameraWorld: camera, groundKnown: true, bottomHidden: false, freeSpaceToM: Infinity };

describe("completeUprightBox", () => {
  it("a car seen end-on: the rear face is measured, its length is completed away from the camera, its box reaches the ground", () => {
    // Rear face 1.7 wide and 0.4 deep (a sliver of the sides), 10–10.4 m ahead, lidar from 0.3 to 1.4 m.
    const visible: UprightBox = { center: [0, 10.2, 0.85], widthM: 1.7, lengthM: 0.4, heightM: 1.1, yawRad: 0 };
    const { box, extentSource } = completeUprightBox(visible, "rectangle", CAR, ctx);
    expect(extentSource).toEqual({ width: "measured", length: "completed_from_priors", height: "ground_contact" });
    expect(box.widthM).toBeCloseTo(1.7);
    expect(box.lengthM).toBeCloseTo(4.3);
    expect(box.center[1]).toBeCloseTo(10 + 4.3 / 2); // near face stays where it was seen
    expect(box.center[2] - box.heightM / 2).toBeCloseTo(0);
    expect(box.center[2] + box.heightM / 2).toBeCloseTo(1.4);
  });

  it("a car seen side-on: the side is measured, its width is completed behind it", () => {
    const visible: UprightBox = { center: [0, 12.1, 0.8], widthM: 4.2, lengthM: 0.2, heightM: 1.3, yawRad: 0 };
    const { box, extentSource } = completeUprightBox(visible, "rectangle", CAR, ctx);
    expect(extentSource.length).toBe("completed_from_priors");
    expect(box.widthM).toBeCloseTo(4.2);
    expect(box.lengthM).toBeCloseTo(1.8);
    expect(box.center[1]).toBeCloseTo(12 + 0.9);
  });

  it("never completes past the free space the depth shows behind the object", () => {
    const visible: UprightBox = { center: [0, 10.2, 0.85], widthM: 1.7, lengthM: 0.4, heightM: 1.1, yawRad: 0 };
    const { box } = completeUprightBox(visible, "rectangle", CAR, { ...ctx, freeSpaceToM: 12 });
    expect(box.lengthM).toBeCloseTo(2);
    expect(box.center[1] + box.lengthM / 2).toBeCloseTo(12);
  });

  it("leaves a fully seen object, a floating one and a round one as measured", () => {
    const seen: UprightBox = { center: [0, 10, 0.78], widthM: 1.8, lengthM: 4.1, heightM: 1.55, yawRad: 0 };
    const kept = completeUprightBox(seen, "rectangle", CAR, ctx);
    expect(kept.extentSource).toEqual({ width: "measured", length: "measured", height: "measured" });
    for (const k of ["widthM", "lengthM", "heightM", "yawRad"] as const) expect(kept.box[k]).toBeCloseTo(seen[k], 9);
    kept.box.center.forEach((v, a) => expect(v).toBeCloseTo(seen.center[a], 9));
    const cup: ObjectSizePrior = { widthM: 0.08, lengthM: 0.08, heightM: 0.1, restsOnGround: false };
    const onTable: UprightBox = { center: [0, 2, 0.8], widthM: 0.08, lengthM: 0.08, heightM: 0.1, yawRad: 0 };
    expect(completeUprightBox(onTable, "circle", cup, ctx).extentSource.height).toBe("measured");
    const barrel: UprightBox = { center: [0, 3, 0.6], widthM: 0.5, lengthM: 0.5, heightM: 1.0, yawRad: 0 };
    expect(completeUprightBox(barrel, "circle", { widthM: 0.6, lengthM: 0.6, heightM: 1, restsOnGround: true }, ctx).box.widthM).toBe(0.5);
  });

  it("without a support plane there is no ground to reach", () => {
    const visible: UprightBox = { center: [0, 10.2, 0.85], widthM: 1.7, lengthM: 0.4, heightM: 1.1, yawRad: 0 };
    expect(completeUprightBox(visible, "rectangle", CAR, { ...ctx, groundKnown: false }).extentSource.height).toBe("measured");
  });

  it("a sheet (no relief) is turned so its footprint projects to the apparent width", () => {
    const sheet: UprightBox = { center: [0, 20, 0.75], widthM: 2.95, lengthM: 0, heightM: 1.5, yawRad: 0 };
    const { box, extentSource } = completeUprightBox(sheet, "rectangle", CAR, ctx);
    expect(extentSource.width).toBe("completed_from_priors");
    expect(Math.min(box.widthM, box.lengthM)).toBeCloseTo(1.8);
    const turned = turnedFootprint(CAR, 2.95);
    expect(1.8 * Math.cos(turned.turnRad) + 4.3 * Math.sin(turned.turnRad)).toBeCloseTo(2.95, 6);
    expect(box.center[1]).toBeCloseTo(20 + turned.depthM / 2);
  });

  it("of the two turns that match a sheet's apparent width, takes the one nearer the world axes (a car along the road, off to the left)", () => {
    // A car 15 m left and 38 m ahead, heading along the road (world y): seen 21.5° off axis, its
    // footprint projects to 1.8 cos 21.5° + 4.3 sin 21.5° across the line of sight.
    const off = Math.atan2(15, 38);
    const apparent = 1.8 * Math.cos(off) + 4.3 * Math.sin(off);
    const sheet: UprightBox = { center: [-15, 38, 0.75], widthM: apparent, lengthM: 0, heightM: 1.5, yawRad: off }; // across the line of sight
    const { box } = completeUprightBox(sheet, "rectangle", CAR, ctx);
    expect(box.yawRad).toBeCloseTo(0, 6);
    expect(box.widthM).toBeCloseTo(1.8, 6);
    expect(box.lengthM).toBeCloseTo(4.3, 6);
  });
});

describe("an object cut by the image border", () => {
  const CHAIR: ObjectSizePrior = { widthM: 0.5, lengthM: 0.55, heightM: 0.9, restsOnGround: true };
  // A chair 3 m ahead whose left part is outside the picture: 6 cm of it seen across the view (x), 50 cm deep (y).
  const sliver: UprightBox = { center: [1.0, 3.0, 0.45], widthM: 0.06, lengthM: 0.5, heightM: 0.9, yawRad: 0 };
  it("grows the cut side to the typical one, out of the picture, and says so", () => {
    const { box, extentSource } = completeUprightBox(sliver, "rectangle", CHAIR, { ...ctx, cutTowardWorld: [1, 0] });
    expect(box.widthM).toBeCloseTo(0.55, 6);
    expect(box.lengthM).toBe(0.5);
    // The seen part stays where it was: the box grew towards the border (+x), its near edge did not move.
    expect(box.center[0] - box.widthM / 2).toBeCloseTo(sliver.center[0] - sliver.widthM / 2, 6);
    expect(box.center[1]).toBe(3.0);
    expect(extentSource).toMatchObject({ width: "completed_from_priors", length: "measured" });
  });
  it("keeps what the picture shows in full, and objects not cut", () => {
    const whole: UprightBox = { ...sliver, widthM: 0.5 };
    expect(completeUprightBox(whole, "rectangle", CHAIR, { ...ctx, cutTowardWorld: [1, 0] }).box.widthM).toBe(0.5);
    expect(completeUprightBox(sliver, "rectangle", CHAIR, ctx).box.widthM).toBe(0.06);
    // The cut runs along the box's length when the box is turned a quarter.
    const turned = completeUprightBox({ ...sliver, widthM: 0.5, lengthM: 0.06, yawRad: Math.PI / 2 }, "rectangle", CHAIR, { ...ctx, cutTowardWorld: [-1, 0] });
    expect(turned.box.lengthM).toBeCloseTo(0.55, 6);
    expect(turned.box.center[0]).toBeLessThan(sliver.center[0]);
  });
});

describe("boxFromPrior", () => {
  it("puts the class's box behind the measured near point, on the ground, turned to the apparent width", () => {
    const { box, extentSource } = boxFromPrior(CAR, { nearPointWorld: [0, 38, 0.7], apparentWidthM: 1.8, cameraWorld: camera, groundKnown: true });
    expect(extentSource).toEqual({ width: "completed_from_priors", length: "completed_from_priors", height: "completed_from_priors" });
    expect(box.center[1]).toBeCloseTo(38 + 4.3 / 2);
    expect(box.center[2]).toBeCloseTo(1.55 / 2);
    expect(box.widthM).toBeCloseTo(1.8);
    expect(box.lengthM).toBeCloseTo(4.3);
  });
});
