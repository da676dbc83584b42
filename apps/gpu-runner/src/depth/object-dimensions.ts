// Typical whole-object dimensions by detector label, for amodal completion in the scene graph
// (packages/shared/src/geometry/amodal-box.ts): the hidden back of an object seen from one side,
// and a box for a far object with only a handful of depth points. Metres; widthM ≤ lengthM are the
// two horizontal sides, heightM the vertical one (the same height size-priors.ts uses for depth).
//
// Sources: the class means of the driving datasets for road users (KITTI and nuScenes publish
// them: cars ~1.6–1.95 × 3.9–4.6 × 1.5–1.7 m, pedestrians ~0.65 × 0.75–0.85 × 1.75 m, their
// stride included) and furniture catalogue sizes for rooms. Typical, not exact: completion only
// fills what the camera could not see, and the output marks it `completed_from_priors`.
import type { ObjectSizePrior } from "@spatial/shared/geometry";
import { COCO_SIZE_PRIORS, sizePriorFor } from "./size-priors.js";

/** Footprint [widthM, lengthM] by COCO (or common open-vocabulary) label. */
const FOOTPRINTS_M: Readonly<Record<string, readonly [number, number]>> = {
  person: [0.65, 0.8],
  bicycle: [0.6, 1.75],
  car: [1.8, 4.3],
  motorcycle: [0.8, 2.1],
  bus: [2.55, 11],
  truck: [2.5, 7],
  "fire hydrant": [0.3, 0.3],
  "parking meter": [0.3, 0.3],
  bench: [0.6, 1.5],
  cat: [0.2, 0.45],
  dog: [0.3, 0.8],
  horse: [0.6, 2.2],
  sheep: [0.45, 1.2],
  cow: [0.7, 2.2],
  elephant: [1.5, 5],
  bear: [0.8, 1.8],
  zebra: [0.6, 2.2],
  giraffe: [1, 3],
  backpack: [0.2, 0.3],
  handbag: [0.15, 0.3],
  suitcase: [0.25, 0.45],
  bottle: [0.07, 0.07],
  "wine glass": [0.08, 0.08],
  cup: [0.08, 0.08],
  chair: [0.5, 0.55],
  couch: [0.9, 2.0],
  bed: [1.6, 2.1],
  "dining table": [0.9, 1.5],
  toilet: [0.4, 0.7],
  tv: [0.1, 1.05],
  microwave: [0.4, 0.5],
  oven: [0.6, 0.6],
  toaster: [0.2, 0.3],
  refrigerator: [0.7, 0.75],
  desk: [0.7, 1.3],
  "coffee table": [0.6, 1.1],
  nightstand: [0.4, 0.5],
  ottoman: [0.5, 0.6],
  cabinet: [0.5, 1.0],
};

/** The typical whole-object box of a label, or undefined when the class has no typical size. */
export function objectSizePriorFor(label: string): ObjectSizePrior | undefined {
  const size = sizePriorFor(label);
  if (!size?.heightM) return undefined;
  const key = Object.keys(COCO_SIZE_PRIORS).find((k) => COCO_SIZE_PRIORS[k] === size);
  const footprint = key ? FOOTPRINTS_M[key] : undefined;
  if (!footprint) return undefined;
  return { widthM: Math.min(...footprint), lengthM: Math.max(...footprint), heightM: size.heightM, restsOnGround: size.support === "floor" };
}
