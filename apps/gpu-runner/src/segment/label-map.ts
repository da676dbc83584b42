// Per-object masks from a closed-set semantic map: a detection's mask is the pixels inside its box
// that the segmenter gave the detection's class. COCO and PASCAL VOC share 20 classes under
// different names; detections of the other 60 COCO classes get no mask here (depth or box fallback).
import { boxPixelRange, type Detection } from "../detect/detection.js";
import type { SemanticSegmentation } from "./deeplab.js";

/** COCO label (lower case, with spaces) → PASCAL VOC label. */
export const COCO_TO_VOC: Readonly<Record<string, string>> = {
  person: "person",
  bicycle: "bicycle",
  car: "car",
  motorcycle: "motorbike",
  airplane: "aeroplane",
  bus: "bus",
  train: "train",
  boat: "boat",
  bird: "bird",
  cat: "cat",
  dog: "dog",
  horse: "horse",
  sheep: "sheep",
  cow: "cow",
  bottle: "bottle",
  chair: "chair",
  couch: "sofa",
  "potted plant": "pottedplant",
  "dining table": "diningtable",
  tv: "tvmonitor",
};

/**
 * VOC classes a VOC segmenter confuses with each other (DeepLabV3-MobileNetV2 calls a patterned
 * sofa "chair"): when a box holds too little of its own class, these count too.
 */
export const VOC_CONFUSABLE: Readonly<Record<string, readonly string[]>> = {
  sofa: ["chair"],
  chair: ["sofa"],
};

/** The VOC class for a COCO label, or null when VOC has none. Example: `vocLabelFor("couch")` = "sofa". */
export function vocLabelFor(cocoLabel: string): string | null {
  return COCO_TO_VOC[cocoLabel.toLowerCase()] ?? null;
}

export interface SemanticMaskOptions {
  /** Below this fraction of the box's pixels, the segmenter did not really see the object: null. Default 0.05. */
  minBoxFraction?: number;
}

/**
 * For each detection, a full-image mask (1 = object) of the pixels inside its box whose semantic
 * class is the detection's VOC class; null when the label has no VOC class or when fewer than
 * `minBoxFraction` (5%) of the box's pixels have that class — the segmenter missed it, and a box or
 * depth mask is the better guess. Before giving up, the class's `VOC_CONFUSABLE` classes are
 * counted with it. Two overlapping detections of one class can share pixels.
 */
export function masksFromSemantic(detections: readonly Detection[], semantic: SemanticSegmentation, options: SemanticMaskOptions = {}): (Uint8Array | null)[] {
  const { minBoxFraction = 0.05 } = options;
  const { width, height, classIndex, labels } = semantic;
  return detections.map((d) => {
    const voc = vocLabelFor(d.label);
    const cls = voc === null ? -1 : labels.indexOf(voc);
    if (voc === null || cls < 0) return null;
    const { u0, u1, v0, v1 } = boxPixelRange(d.box2d, width, height);
    const boxPixels = Math.max(0, u1 - u0 + 1) * Math.max(0, v1 - v0 + 1);
    if (boxPixels === 0) return null;
    const confusable = (VOC_CONFUSABLE[voc] ?? []).map((l) => labels.indexOf(l)).filter((c) => c >= 0);
    for (const classes of confusable.length ? [[cls], [cls, ...confusable]] : [[cls]]) {
      const mask = new Uint8Array(width * height);
      let count = 0;
      for (let v = v0; v <= v1; v++) {
        for (let i = v * width + u0, end = v * width + u1; i <= end; i++) {
          if (classes.includes(classIndex[i])) {
            mask[i] = 1;
            count++;
          }
        }
      }
      if (count > 0 && count >= minBoxFraction * boxPixels) return mask;
    }
    return null;
  });
}
