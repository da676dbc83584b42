import { describe, expect, it } from "vitest";
import { CATALOGUE, PALETTE, randomScene } from "./random-scene.js";
import { renderScene } from "./render-scene.js";

describe("randomScene", () => {
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
  const scenes = seeds.map((seed) => randomScene(seed));

  it("is deterministic for a seed and differs between seeds", () => {
    const again = randomScene(7);
    expect(again.scene).toEqual(scenes[6].scene);
    // Byte comparison: vitest's deep equality is slow on million-element arrays.
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(again.render.depthM).equals(bytes(scenes[6].render.depthM))).toBe(true);
    expect(bytes(again.render.instance).equals(bytes(scenes[6].render.instance))).toBe(true);
    expect(bytes(again.render.rgb).equals(bytes(scenes[6].render.rgb))).toBe(true);
    expect(randomScene(8).scene).not.toEqual(again.scene);
  });

  it("draws 2–5 objects with distinct palette colours, catalogue labels and sizes of 0.2–1.5 m", () => {
    const labels = new Set(CATALOGUE.map((e) => e.label));
    const colours = new Map(PALETTE.map((p) => [p.name, p.rgb]));
    for (const { scene, render } of scenes) {
      expect(scene.objects.length).toBeGreaterThanOrEqual(2);
      expect(scene.objects.length).toBeLessThanOrEqual(5);
      expect(new Set(scene.objects.map((o) => o.colorName)).size).toBe(scene.objects.length);
      for (const o of scene.objects) {
        expect(labels.has(o.label)).toBe(true);
        expect(o.color).toEqual(colours.get(o.colorName!));
      }
      for (const o of render.objects) {
        for (const size of [o.boxWorld.widthM, o.boxWorld.lengthM, o.boxWorld.heightM]) {
          expect(size).toBeGreaterThanOrEqual(0.2);
          expect(size).toBeLessThanOrEqual(1.5);
        }
      }
    }
  });

  it("poses the camera 1–2 m high, 10–40° down, with a 50–90° horizontal field of view", () => {
    for (const { scene, hfovDeg } of scenes) {
      const c = scene.camera;
      expect([c.width, c.height]).toEqual([640, 480]);
      expect(c.position[2]).toBeGreaterThanOrEqual(1);
      expect(c.position[2]).toBeLessThanOrEqual(2);
      expect((c.pitchRad * 180) / Math.PI).toBeGreaterThanOrEqual(10);
      expect((c.pitchRad * 180) / Math.PI).toBeLessThanOrEqual(40);
      expect(hfovDeg).toBeGreaterThanOrEqual(50);
      expect(hfovDeg).toBeLessThanOrEqual(90);
      expect((2 * Math.atan(320 / c.focalPx) * 180) / Math.PI).toBeCloseTo(hfovDeg, 9);
    }
  });

  it("stands objects on the floor or on a table, without overlapping footprints, all in front of the camera", () => {
    for (const { scene, restsOn, render } of scenes) {
      const floorObjects = render.objects.filter((_, i) => restsOn[i] === null);
      for (const o of floorObjects) expect(o.boxWorld.center[2] - o.boxWorld.heightM / 2).toBeCloseTo(0, 9);
      for (const [i, a] of floorObjects.entries()) {
        for (const b of floorObjects.slice(i + 1)) {
          const apart = Math.hypot(a.centerWorld[0] - b.centerWorld[0], a.centerWorld[1] - b.centerWorld[1]);
          expect(apart).toBeGreaterThan(Math.hypot(a.boxWorld.widthM, a.boxWorld.lengthM) / 2 + Math.hypot(b.boxWorld.widthM, b.boxWorld.lengthM) / 2);
        }
      }
      for (const o of render.objects) expect(o.centerCanonical[1]).toBeGreaterThan(0);
      expect(scene.objects.map((o) => o.id)).toEqual(render.objects.map((o) => o.id));
    }
  });

  it("puts some cups on tables, resting on the top and within it", () => {
    const stacked = Array.from({ length: 20 }, (_, i) => randomScene(100 + i, { minObjects: 3 })).flatMap(({ restsOn, render }) =>
      restsOn.flatMap((supportId, i) => (supportId === null ? [] : [{ cup: render.objects[i], table: render.objects.find((o) => o.id === supportId)! }])),
    );
    expect(stacked.length).toBeGreaterThan(0);
    for (const { cup, table } of stacked) {
      expect(cup.label).toBe("cup");
      expect(table.label).toBe("table");
      expect(cup.boxWorld.center[2] - cup.boxWorld.heightM / 2).toBeCloseTo(table.boxWorld.heightM, 9);
      const dx = cup.centerWorld[0] - table.centerWorld[0], dy = cup.centerWorld[1] - table.centerWorld[1];
      const c = Math.cos(table.boxWorld.yawRad), s = Math.sin(table.boxWorld.yawRad);
      expect(Math.abs(c * dx + s * dy)).toBeLessThan(table.boxWorld.widthM / 2);
      expect(Math.abs(-s * dx + c * dy)).toBeLessThan(table.boxWorld.lengthM / 2);
    }
  });

  it("makes every object at least partly visible and records its visible fraction", () => {
    for (const { render } of scenes) {
      for (const o of render.objects) {
        expect(o.visiblePixels).toBeGreaterThanOrEqual(30);
        expect(o.visibleFraction).toBeGreaterThan(0);
        expect(o.visibleFraction).toBeLessThanOrEqual(1);
        expect(o.visibleFraction).toBeCloseTo(o.visiblePixels / o.unoccludedPixels, 12);
      }
    }
  });

  it("honours size, object count and back-wall options, and rejects impossible counts", () => {
    const small = randomScene(3, { width: 160, height: 120, minObjects: 3, maxObjects: 3, backWall: true, minVisiblePixels: 5 });
    expect(small.render.depthM.length).toBe(160 * 120);
    expect(small.scene.objects.length).toBe(3);
    expect(small.scene.walls).toHaveLength(1);
    expect(() => randomScene(1, { minObjects: 3, maxObjects: 2 })).toThrow(RangeError);
    expect(() => randomScene(1, { maxObjects: PALETTE.length + 1 })).toThrow(RangeError);
  });
});
