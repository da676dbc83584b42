import { describe, expect, it } from "vitest";
import { livingRoom, makeGraph, office, street } from "../spatial/qa-fixtures.js";
import { groundingFacts, MAX_GROUNDED_OBJECTS } from "./grounding.js";

describe("groundingFacts", () => {
  it("lists every located object with its distance from the camera and size, and every pair of a small scene", () => {
    const graph = office();
    const facts = groundingFacts(graph);
    for (const o of graph.objects) expect(facts).toContain(`${o.id}: ${o.attributes.color ? `${o.attributes.color.name} ` : ""}${o.label}; centre ${Math.hypot(...o.centerCam).toFixed(2)} m from the camera`);
    // 8 objects: all 28 pairs.
    expect(facts.split("\n").filter((l) => /^obj-\d+–obj-\d+:/.test(l))).toHaveLength(28);
    // Chair 0 at (-1.5, 3.0, 0.45), chair 2 at (1.6, 3.1, 0.45): 3.10 m apart, 2.60 m between their 0.5 m
    // wide boxes; left of, 0.1 m nearer (over the 5 cm margin: in front of), level (neither above nor below).
    expect(facts).toContain("obj-0–obj-2: centres 3.10 m apart, gap 2.60 m; obj-0 is left of, in front of obj-2");
    expect(facts).toMatch(/depth from the caller's depth map; up is the floor's normal/);
  });

  it("says when up is assumed, when depth came from priors, and lists objects it could not place without numbers", () => {
    expect(groundingFacts(street())).toMatch(/no floor was found: up assumes the camera is level/);
    const priors = { ...office(), depth: { source: "priors" } };
    expect(groundingFacts(priors)).toMatch(/estimated from typical object sizes .*rough/);
    const room = livingRoom();
    const plant = room.objects.find((o) => o.label === "potted plant")!;
    const facts = groundingFacts(room);
    expect(facts).toContain(`Seen but not placed in 3D (no measurements): ${plant.id}: potted plant`);
    expect(facts).not.toContain(`${plant.id}: green potted plant; centre`);
  });

  it("a large scene: at most MAX_GROUNDED_OBJECTS objects and only each one's nearest neighbours", () => {
    const many = makeGraph(Array.from({ length: 60 }, (_, i) => ({ label: "box", center: [i * 0.5, 4, 0.2] as [number, number, number], size: [0.3, 0.3, 0.4] as [number, number, number] })));
    const lines = groundingFacts(many).split("\n");
    expect(lines.filter((l) => /^obj-\d+: box;/.test(l))).toHaveLength(MAX_GROUNDED_OBJECTS);
    expect(lines).toContain(`(${60 - MAX_GROUNDED_OBJECTS} more objects not listed)`);
    const pairs = lines.filter((l) => /^obj-\d+–obj-\d+:/.test(l));
    expect(pairs.length).toBeLessThanOrEqual(3 * MAX_GROUNDED_OBJECTS);
    expect(pairs.length).toBeGreaterThanOrEqual(MAX_GROUNDED_OBJECTS);
    // Neighbours on a line 0.5 m apart: obj-0's nearest are obj-1..obj-3, never obj-30.
    expect(pairs.some((l) => l.startsWith("obj-0–obj-1: centres 0.50 m apart"))).toBe(true);
    expect(pairs.some((l) => l.startsWith("obj-0–obj-30:"))).toBe(false);
  });
});
