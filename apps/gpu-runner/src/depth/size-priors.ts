// Typical real-world sizes of things detectors name, for the `priors` depth source: an object of
// known height H spanning h pixels is about fy · H / h metres away. Sizes are of the whole thing as a
// detector's box frames it (a chair with its back, a car to its roof), in metres.
//
// `sigma` is the spread of the true size around the prior, as a standard deviation of ln(size):
// 0.1 means "usually within ±10%". It weights each object's vote; a prior whose spread is wide (a
// dog, a TV) still helps, but little. Classes whose size varies without bound (boat, kite, pizza,
// cake, book, potted plant) have no entry, and neither do things too thin to box reliably (fork, tie).

export interface SizePrior {
  /** Typical height as boxed; omit where height is unreliable (a laptop's screen angle). */
  heightM?: number;
  /** Typical width across the image, for things whose width is steadier than their height. */
  widthM?: number;
  /** Spread of ln(size) around the prior. */
  sigma: number;
  /** Extent along the line of sight, for the top face a higher camera sees (default 0). */
  depthExtentM?: number;
  /** "floor": stands on the ground (its box's bottom is its floor contact); "any": may rest on anything. */
  support: "floor" | "any";
  /** Other things rest on it at this height (a table top, a bed, a seat). */
  surfaceHeightM?: number;
}

const floor = (heightM: number, sigma: number, depthExtentM = 0, surfaceHeightM?: number): SizePrior => ({ heightM, sigma, depthExtentM, support: "floor", ...(surfaceHeightM ? { surfaceHeightM } : {}) });
const any = (heightM: number, sigma: number, depthExtentM = 0): SizePrior => ({ heightM, sigma, depthExtentM, support: "any" });
const wide = (widthM: number, sigma: number, heightM?: number): SizePrior => ({ widthM, sigma, support: "any", ...(heightM ? { heightM } : {}) });

/** COCO-80 classes with a usable size (plus a few common open-vocabulary names), by label. */
export const COCO_SIZE_PRIORS: Readonly<Record<string, SizePrior>> = {
  person: floor(1.7, 0.15, 0.3), // standing adults 1.6–1.85 m; sitting people are outliers the fit tolerates
  bicycle: floor(1.05, 0.1, 1.0),
  car: floor(1.5, 0.1, 2.5), // hatchbacks to SUVs 1.4–1.75 m; seen from any side
  motorcycle: floor(1.15, 0.12, 1.2),
  bus: floor(3.1, 0.1, 6),
  truck: floor(2.8, 0.3, 4),
  "traffic light": any(0.9, 0.25), // the three-lamp housing
  "fire hydrant": floor(0.75, 0.15, 0.3),
  "stop sign": { widthM: 0.75, heightM: 0.75, sigma: 0.15, support: "any" },
  "parking meter": floor(1.35, 0.15, 0.2),
  bench: floor(0.85, 0.15, 0.6, 0.45),
  cat: floor(0.3, 0.25, 0.4),
  dog: floor(0.55, 0.35, 0.6),
  horse: floor(1.6, 0.1, 1.5),
  sheep: floor(0.9, 0.15, 1.0),
  cow: floor(1.4, 0.12, 1.6),
  elephant: floor(2.8, 0.2, 3),
  bear: floor(1.0, 0.35, 1.2),
  zebra: floor(1.4, 0.1, 1.5),
  giraffe: floor(4.5, 0.2, 1.5),
  backpack: any(0.45, 0.2, 0.2),
  handbag: any(0.3, 0.3, 0.15),
  suitcase: any(0.65, 0.2, 0.3),
  "sports ball": { widthM: 0.22, heightM: 0.22, sigma: 0.3, support: "any" },
  bottle: any(0.25, 0.25, 0.07),
  "wine glass": any(0.2, 0.15, 0.08),
  cup: any(0.1, 0.25, 0.08),
  bowl: wide(0.16, 0.3),
  chair: floor(0.9, 0.12, 0.5, 0.45),
  couch: floor(0.85, 0.12, 0.9, 0.45),
  bed: floor(1.0, 0.35, 2.0, 0.55), // the box usually spans the headboard
  "dining table": floor(0.75, 0.07, 0.9, 0.75),
  toilet: floor(0.75, 0.1, 0.65),
  tv: { heightM: 0.6, widthM: 1.05, sigma: 0.35, support: "any" },
  laptop: wide(0.33, 0.12),
  keyboard: wide(0.44, 0.12),
  microwave: { heightM: 0.3, widthM: 0.5, sigma: 0.12, support: "any", depthExtentM: 0.4 },
  oven: floor(0.9, 0.08, 0.6, 0.9),
  toaster: any(0.2, 0.15, 0.25),
  refrigerator: floor(1.75, 0.12, 0.7),
  clock: wide(0.3, 0.3),
  // Open-vocabulary names that are not COCO classes but are common in rooms.
  desk: floor(0.75, 0.07, 0.7, 0.75),
  "coffee table": floor(0.45, 0.12, 0.6, 0.45),
  nightstand: floor(0.6, 0.12, 0.4, 0.6),
  ottoman: floor(0.42, 0.15, 0.5, 0.42),
  cabinet: floor(1.0, 0.4, 0.5),
};

const ALIASES: Readonly<Record<string, string>> = {
  sofa: "couch",
  table: "dining table",
  diningtable: "dining table",
  tvmonitor: "tv",
  "tv monitor": "tv",
  television: "tv",
  monitor: "tv",
  motorbike: "motorcycle",
  people: "person",
  man: "person",
  woman: "person",
  armchair: "chair",
  fridge: "refrigerator",
  "night stand": "nightstand",
  mug: "cup",
};

/** The prior for a detector's label (case, plural "s" and a few synonyms tolerated), or undefined. */
export function sizePriorFor(label: string, table: Readonly<Record<string, SizePrior>> = COCO_SIZE_PRIORS): SizePrior | undefined {
  const key = label.trim().toLowerCase().replace(/[_-]+/g, " ");
  for (const candidate of [key, ALIASES[key], key.replace(/s$/, ""), ALIASES[key.replace(/s$/, "")]]) {
    if (candidate && table[candidate]) return table[candidate];
  }
  return undefined;
}
