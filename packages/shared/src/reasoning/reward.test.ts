import { describe, expect, it } from "vitest";
import { createRng } from "../geometry/random.js";
import { buildSceneGraph } from "../spatial/build-scene.js";
import type { SceneGraph } from "../spatial/scene-graph.js";
import { maskOf, renderScene, type CameraSpec, type ObjectSpec } from "../testing/index.js";
import { annotateRewards, parseRewardTask, RewardTask } from "./reward.js";

const camera: CameraSpec = { position: [0, 0, 1.2], yawRad: 0, pitchRad: 0.55, focalPx: 400, width: 320, height: 240 };
const can: ObjectSpec = { kind: "cylinder", id: "can", label: "can", color: [220, 30, 30], center: [0.3, 2.0, 0.15], radiusM: 0.1, heightM: 0.3 };
const block = (x: number, z = 0.1): ObjectSpec => ({ kind: "box", id: "block", label: "block", color: [30, 60, 220], center: [x, 2.0, z], widthM: 0.2, lengthM: 0.2, heightM: 0.2, yawRad: 0 });

/** Lifts one rendered frame with the real pipeline; `noiseM` adds per-pixel depth noise (uniform ±noiseM). */
function frame(objects: ObjectSpec[], noiseM = 0, seed = 1): SceneGraph {
  const r = renderScene({ camera, objects });
  const rng = createRng(seed);
  const depth = Float32Array.from(r.depthM, (d) => (d > 0 && noiseM > 0 ? d + (rng() * 2 - 1) * noiseM : d));
  return buildSceneGraph({
    width: r.width, height: r.height, rgb: r.rgb, depth: { width: r.width, height: r.height, data: depth, unitsPerMetre: 1 }, intrinsics: { ...r.intrinsics, source: "input" }, depthSource: "input",
    objects: r.objects.filter((o) => o.box2d).map((o) => ({ label: o.label, score: 1, box2d: o.box2d!, mask: maskOf(r, o.index) })),
  }).graph;
}

// The block slides towards the can: its right face from x = -0.45 (gap 0.65 m) to touching (x = 0.1 + … = gap 0) in 10 steps, then stays.
const STEPS = 10;
const xs = [...Array.from({ length: STEPS + 1 }, (_, i) => -0.55 + (0.65 * i) / STEPS), 0.1, 0.1];
const truthGaps = xs.map((x) => Math.max(0, 0.3 - 0.1 - (x + 0.1)));
const approach: RewardTask = { kind: "approach", subject: "block", target: "can" };

describe("reward annotation over rendered frames", () => {
  it("the reward rises monotonically as the block approaches, and success flips once, at the contact frame", () => {
    const rewards = annotateRewards(xs.map((x) => frame([can, block(x)])), approach);
    expect(rewards[0].reward).toBe(0);
    for (let i = 1; i < rewards.length; i++) expect(rewards[i].reward, `frame ${i}`).toBeGreaterThanOrEqual(rewards[i - 1].reward - 1e-3);
    expect(rewards[STEPS].reward).toBeGreaterThan(0.95);
    rewards.forEach((r, i) => expect(Math.abs(r.measuredM! - truthGaps[i]), `frame ${i}`).toBeLessThan(0.02));
    const firstSuccess = truthGaps.findIndex((g) => g <= 0.03);
    expect(rewards.map((r) => r.success)).toEqual(truthGaps.map((_, i) => i >= firstSuccess));
    expect(new Set(rewards.map((r) => r.subjectId)).size).toBe(1);
  });

  it("jittered depth near the threshold does not make success flicker", () => {
    // After contact the block backs off to gaps of 3–4.5 cm, around the success threshold (3 cm) but within the hysteresis (+3 cm).
    const wobble = [...xs, 0.06, 0.07, 0.055, 0.065, 0.06, 0.07];
    const rewards = annotateRewards(wobble.map((x, i) => frame([can, block(x)], 0.01, 100 + i)), approach);
    const flips = rewards.filter((r, i) => i > 0 && r.success !== rewards[i - 1].success).length;
    expect(flips).toBe(1);
    expect(rewards.at(-1)!.success).toBe(true);
  });

  it("follows the same object when another of its label appears, and measures lifts", () => {
    const decoy: ObjectSpec = { ...block(-0.9), id: "decoy", color: [30, 170, 50] };
    const rewards = annotateRewards(xs.slice(0, 6).map((x) => frame([can, block(x), decoy])), approach);
    expect(rewards.map((r) => r.measuredM! < rewards[0].measuredM! + 1e-6)).toEqual(rewards.map(() => true));
    expect(rewards.at(-1)!.measuredM!).toBeLessThan(rewards[0].measuredM! - 0.2);
    const lifts = [0.1, 0.13, 0.16, 0.2, 0.25].map((z) => frame([can, block(-0.5, z)]));
    const lift = annotateRewards(lifts, { kind: "lift", subject: "block", heightM: 0.1 });
    // Rise 0, 3, 6, 10, 15 cm: success from 7 cm (3 cm short of the goal) on.
    expect(lift.map((r) => r.success)).toEqual([false, false, false, true, true]);
    expect(lift[2].reward).toBeCloseTo(0.6, 1);
  });

  it("reads tasks from words", () => {
    const labels = ["gripper", "coke can", "apple", "bowl", "cup", "plate", "block"];
    expect(parseRewardTask("Move the gripper to the coke can", labels)).toEqual({ kind: "approach", subject: "gripper", target: "coke can" });
    expect(parseRewardTask("put the apple in the bowl", labels)).toEqual({ kind: "place", subject: "apple", target: "bowl" });
    expect(parseRewardTask("Put the cup left of the plate", labels)).toEqual({ kind: "relation", subject: "cup", target: "plate", relation: "left" });
    expect(parseRewardTask("lift the block 10 cm", labels)).toEqual({ kind: "lift", subject: "block", heightM: 0.1 });
    expect(parseRewardTask("dance", labels)).toBeNull();
  });
});
