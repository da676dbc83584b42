import { describe, expect, it } from "vitest";
import type { Detection } from "../detect/detection.js";
import type { SemanticSegmentation } from "./deeplab.js";
import { COCO_TO_VOC, masksFromSemantic, vocLabelFor } from "./label-map.js";

const VOC = ["background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor"];

describe("vocLabelFor", () => {
  it("maps the 20 shared classes, renamed ones included, and nothing else", () => {
    expect(vocLabelFor("couch")).toBe("sofa");
    expect(vocLabelFor("dining table")).toBe("diningtable");
    expect(vocLabelFor("tv")).toBe("tvmonitor");
    expect(vocLabelFor("motorcycle")).toBe("motorbike");
    expect(vocLabelFor("airplane")).toBe("aeroplane");
    expect(vocLabelFor("potted plant")).toBe("pottedplant");
    expect(vocLabelFor("refrigerator")).toBeNull();
    expect(Object.keys(COCO_TO_VOC)).toHaveLength(20);
    for (const voc of Object.values(COCO_TO_VOC)) expect(VOC).toContain(voc);
  });
});

describe("masksFromSemantic", () => {
  // 10×10 image: a car (class 7) fills columns 2..5 of rows 2..7; a sofa pixel at (9, 9).
  const classIndex = new Uint8Array(100);
  for (let v = 2; v <= 7; v++) for (let u = 2; u <= 5; u++) classIndex[v * 10 + u] = 7;
  classIndex[99] = 18;
  const semantic: SemanticSegmentation = { width: 10, height: 10, classIndex, labels: VOC };

  it("keeps the box's pixels of the mapped class only, and returns null for unmapped labels and tiny overlaps", () => {
    const dets: Detection[] = [
      { label: "car", score: 0.9, box2d: [0, 0, 4, 10] }, // pixels 0..3 in x: the car's columns 2, 3
      { label: "refrigerator", score: 0.9, box2d: [0, 0, 10, 10] },
      { label: "couch", score: 0.9, box2d: [0, 0, 10, 10] }, // 1 pixel of 100 < 5%
      { label: "couch", score: 0.9, box2d: [8, 8, 10, 10] }, // 1 of 4
    ];
    const [car, fridge, sofaBig, sofaSmall] = masksFromSemantic(dets, semantic);
    expect(car).not.toBeNull();
    const on = [...car!.keys()].filter((i) => car![i] === 1);
    expect(on).toEqual([22, 23, 32, 33, 42, 43, 52, 53, 62, 63, 72, 73]);
    expect(fridge).toBeNull();
    expect(sofaBig).toBeNull();
    expect(Array.from(sofaSmall!.keys()).filter((i) => sofaSmall![i])).toEqual([99]);
  });

  it("counts a confusable class (chair for a couch) only when the own class is too scarce", () => {
    const ci = new Uint8Array(100);
    for (let i = 0; i < 30; i++) ci[i] = 9; // chair: rows 0..2
    const sem: SemanticSegmentation = { width: 10, height: 10, classIndex: ci, labels: VOC };
    const [couch] = masksFromSemantic([{ label: "couch", score: 1, box2d: [0, 0, 10, 10] }], sem);
    expect(couch!.reduce((n, m) => n + m, 0)).toBe(30);
    ci[99] = 18; ci[98] = 18; ci[97] = 18; ci[96] = 18; ci[95] = 18; // 5 sofa pixels = 5%: the sofa alone wins
    const [sofaOnly] = masksFromSemantic([{ label: "couch", score: 1, box2d: [0, 0, 10, 10] }], sem);
    expect(sofaOnly!.reduce((n, m) => n + m, 0)).toBe(5);
  });

  it("respects a custom minimum fraction and treats a box outside the image as empty", () => {
    const couch: Detection = { label: "couch", score: 0.5, box2d: [0, 0, 10, 10] };
    expect(masksFromSemantic([couch], semantic, { minBoxFraction: 0.01 })[0]).not.toBeNull();
    expect(masksFromSemantic([{ label: "car", score: 1, box2d: [10, 10, 10, 10] }], semantic)[0]).toBeNull();
  });
});
