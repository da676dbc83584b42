// One image's QA pairs for a dataset: the filters of the data engine (SpatialVLM §3.3) on top of
// `synthesizeQaCounted`. An image with fewer than two objects that have trusted 3D and an
// unambiguous name is skipped with a code, never silently absent; dropped pairs are counted.
import { hashString } from "../spatial/answer.js";
import { referenceFor } from "../spatial/references.js";
import type { SceneGraph } from "../spatial/scene-graph.js";
import { synthesizeQaCounted, type SynthesisDrops, type SynthesizedQa } from "../spatial/synthesize.js";
import type { SkipCode, SynthesisOptions } from "./options.js";

export interface SynthesizedItem {
  qa: SynthesizedQa[];
  dropped: SynthesisDrops;
  skipped?: { code: SkipCode; message: string };
  /** Objects with trusted 3D and an unambiguous name. */
  usableObjects: number;
}

/** The per-image seed: the batch seed mixed with the image id, so reruns and retries agree. */
export function itemSeed(seed: number, id: string): number {
  return hashString(`${seed}:${id}`) & 0x7fffffff;
}

/** Example: `synthesizeItem(graph, { seed: 1, perFamily: 2 }, "img-7")` → `{ qa: [...], dropped: { ambiguous: 0 }, usableObjects: 4 }`. */
export function synthesizeItem(graph: SceneGraph, synthesis: SynthesisOptions, id = ""): SynthesizedItem {
  const located = graph.objects.filter((o) => o.pointCount > 0);
  const usableObjects = located.filter((o) => referenceFor(graph, o) !== null).length;
  const none: SynthesisDrops = { ambiguous: 0 };
  if (located.length === 0) {
    return { qa: [], dropped: none, usableObjects, skipped: { code: "no_objects", message: `no object with usable 3D was found (${graph.objects.length} without trusted points, ${graph.unlocated?.length ?? 0} without depth)` } };
  }
  if (usableObjects < 2) {
    return { qa: [], dropped: none, usableObjects, skipped: { code: "too_few_objects", message: `${usableObjects} of ${located.length} objects with 3D can be named unambiguously; at least 2 are needed` } };
  }
  const { qa, dropped } = synthesizeQaCounted(graph, {
    seed: itemSeed(synthesis.seed, id),
    ...(synthesis.perFamily !== undefined ? { perFamily: synthesis.perFamily } : {}),
    ...(synthesis.imperialShare !== undefined ? { imperialShare: synthesis.imperialShare } : {}),
    ...(synthesis.families ? { families: synthesis.families } : {}),
    ...(synthesis.includeAssumedUp !== undefined ? { includeAssumedUp: synthesis.includeAssumedUp } : {}),
  });
  if (qa.length === 0) {
    return { qa, dropped, usableObjects, skipped: { code: "no_qa_pairs", message: "no question could be decided about this scene (every pair too close to call or outside the chosen families)" } };
  }
  return { qa, dropped, usableObjects };
}
