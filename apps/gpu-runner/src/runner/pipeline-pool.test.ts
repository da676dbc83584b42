import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../image/errors.js";
import { fixturePath, requireRgbdFixtures } from "../testing/fixtures.js";
import type { Stage } from "../pipeline/perception.js";
import { WorkerPipelinePool } from "./pipeline-pool.js";

requireRgbdFixtures();
const pool = new WorkerPipelinePool({}, 2);
const image = readFileSync(fixturePath("nyu_00000", "rgb.jpg"));
const depth = { input: readFileSync(fixturePath("nyu_00000", "depth.png")), unitsPerMetre: 1000 };
afterAll(() => pool.dispose());

describe("WorkerPipelinePool", () => {
  it("runs the real pipeline in a thread, handing each stage's results to the listener in order", async () => {
    const seen: { stage: Stage; keys: string[] }[] = [];
    const result = await pool.perceive({ image, depth }, async (stage, _ms, partial) => {
      seen.push({ stage, keys: Object.keys(partial).sort() });
    });
    expect(seen.map((s) => s.stage)).toEqual(["decode", "detect", "depth", "segment", "lift"]);
    // Each stage hands over what it produced, not everything so far.
    expect(seen.map((s) => s.keys)).toEqual([["image"], ["detections"], ["depth"], ["observations"], ["graph", "pointsWorld"]]);
    expect(result.graph.depth.source).toBe("input");
    expect(result.graph.objects.length).toBeGreaterThan(0);
    expect(result.depth.data).toBeInstanceOf(Uint16Array);
    expect(result.pointsWorld).toBeInstanceOf(Map);
  }, 60_000);

  it("stops between stages when the listener throws, rejects with its error, and stays usable", async () => {
    const stop = new Error("cancelled by the client");
    const stages: Stage[] = [];
    await expect(pool.perceive({ image, depth }, (stage) => { stages.push(stage); if (stage === "detect") throw stop; })).rejects.toBe(stop);
    expect(stages).toEqual(["decode", "detect"]);
    await expect(pool.perceive({ image, depth })).resolves.toMatchObject({ graph: { depth: { source: "input" } } });
  }, 60_000);

  it("passes input errors back as InputError with their code", async () => {
    const error = await pool.perceive({ image: Buffer.from("not an image at all") }).catch((e) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.code).toBe("image_unsupported_format");
  }, 60_000);

  it("asks the main thread for the caller's objects once the image size is known", async () => {
    let askedWith: { width: number; height: number } | undefined;
    const result = await pool.perceive({ image, depth, objects: async (size) => { askedWith = size; return [{ label: "refrigerator", score: 1, box2d: [20, 20, 200, 400] }]; } });
    expect(askedWith).toMatchObject({ width: 640, height: 480 });
    expect(result.graph.objects.map((o) => o.label)).toEqual(["refrigerator"]);
  }, 60_000);

  it("runs two jobs at once on two threads", async () => {
    const [a, b] = await Promise.all([pool.perceive({ image, depth }), pool.perceive({ image })]);
    expect(a.graph.depth.source).toBe("input");
    expect(b.graph.depth.source).toBe("priors");
  }, 60_000);
});
