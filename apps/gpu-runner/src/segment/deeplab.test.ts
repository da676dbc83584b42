import { afterAll, describe, expect, it } from "vitest";
import { boxPixelRange } from "../detect/detection.js";
import { fixtureImage, realModel } from "../testing/fixtures.js";
import { YoloxDetector } from "../detect/yolox.js";
import { classIndexFromLogits, DeeplabSegmenter, type LogitsGrid } from "./deeplab.js";
import { masksFromSemantic } from "./label-map.js";

describe("classIndexFromLogits", () => {
  // A 2×2 grid over a 2×2 input, 3 classes: the left column is class 1, the right column class 2.
  const nhwc = new Float32Array([0, 5, 0, /**/ 0, 0, 5, /**/ 0, 5, 0, /**/ 0, 0, 5]);
  const grid: LogitsGrid = { data: nhwc, dims: [1, 2, 2, 3], numClasses: 3, scaleX: 0.5, scaleY: 0.5, inputWidth: 2, inputHeight: 2 };

  it("resamples to the original size: a 4×4 image splits into halves", () => {
    const out = classIndexFromLogits(grid, 4, 4);
    expect(Array.from(out)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]);
  });

  it("reads NCHW logits the same way", () => {
    const nchw = new Float32Array(12);
    for (let cell = 0; cell < 4; cell++) for (let c = 0; c < 3; c++) nchw[c * 4 + cell] = nhwc[cell * 3 + c];
    expect(classIndexFromLogits({ ...grid, data: nchw, dims: [1, 3, 2, 2] }, 4, 4)).toEqual(classIndexFromLogits(grid, 4, 4));
  });

  it("blends logits between cells: the border moves to where the blended logits cross", () => {
    // Left cell: class 1 at 10 vs class 2 at 0; right cell: class 2 at 1 vs class 1 at 0. Sampled at
    // 8 pixels across: sx = (x + 0.5)/4 - 0.5, and class 1 wins while 10(1 - t) > t, i.e. t < 10/11.
    const data = new Float32Array([0, 10, 0, 0, 0, 1]);
    const out = classIndexFromLogits({ data, dims: [1, 1, 2, 3], numClasses: 3, scaleX: 0.25, scaleY: 1, inputWidth: 2, inputHeight: 1 }, 8, 1);
    expect(Array.from(out)).toEqual([1, 1, 1, 1, 1, 1, 2, 2]);
  });

  it("rejects logits with no class axis", () => {
    expect(() => classIndexFromLogits({ ...grid, dims: [1, 2, 2, 4] }, 4, 4)).toThrow(/no axis of 3 classes/);
  });
});

describe("DeeplabSegmenter on the real DeepLabV3-MobileNetV2", () => {
  // Loaded by the first test that needs them, so a missing model file fails each test by name.
  let loaded: Promise<{ segmenter: DeeplabSegmenter; detector: YoloxDetector }> | undefined;
  const load = () => (loaded ??= Promise.resolve().then(async () => {
    const d = realModel("deeplabv3-mnv2-voc"), y = realModel("yolox-nano-coco");
    return { segmenter: await DeeplabSegmenter.load(d.path, d.entry), detector: await YoloxDetector.load(y.path, y.entry) };
  }));
  afterAll(async () => {
    const models = await loaded?.catch(() => null);
    await models?.segmenter.dispose();
    await models?.detector.dispose();
  });

  it("labels the KITTI cars, and each detected car's mask covers much of its box", async () => {
    const { segmenter, detector } = await load();
    const image = await fixtureImage("kitti_000008/rgb.png");
    const semantic = await segmenter.segment(image);
    expect([semantic.width, semantic.height]).toEqual([image.width, image.height]);
    expect(semantic.classIndex).toHaveLength(image.width * image.height);
    const carClass = semantic.labels.indexOf("car");
    expect(semantic.classIndex.filter((c) => c === carClass).length / semantic.classIndex.length).toBeGreaterThan(0.05);

    const cars = (await detector.detect(image)).filter((d) => d.label === "car" && d.score >= 0.5);
    const masks = masksFromSemantic(cars, semantic);
    // The near cars are segmented well (measured: 87%, 70%, 99% of their boxes); distant ones, a few
    // dozen pixels across after the 257² resize, partly or not at all.
    const near = cars.map((d, i) => ({ d, mask: masks[i] })).filter(({ d }) => (d.box2d[2] - d.box2d[0]) * (d.box2d[3] - d.box2d[1]) > 30_000);
    expect(near.length).toBeGreaterThanOrEqual(2);
    for (const { d, mask } of near) {
      expect(mask).not.toBeNull();
      const { u0, u1, v0, v1 } = boxPixelRange(d.box2d, image.width, image.height);
      const inBox = mask!.reduce((n, m) => n + m, 0);
      expect(inBox / ((u1 - u0 + 1) * (v1 - v0 + 1))).toBeGreaterThan(0.6);
    }
  });

  it("masks the living room's couches (which this model labels mostly 'chair')", async () => {
    const { segmenter, detector } = await load();
    const image = await fixtureImage("unidepth_demo/rgb.png");
    const semantic = await segmenter.segment(image);
    const seating = [semantic.labels.indexOf("sofa"), semantic.labels.indexOf("chair")];
    expect(semantic.classIndex.filter((c) => seating.includes(c)).length / semantic.classIndex.length).toBeGreaterThan(0.15);
    const couches = (await detector.detect(image)).filter((d) => d.label === "couch");
    expect(couches.length).toBeGreaterThanOrEqual(1);
    for (const mask of masksFromSemantic(couches, semantic)) expect(mask).not.toBeNull();
  });
});
