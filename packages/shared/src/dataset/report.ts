// report.json: what went into the dataset and what did not, by code. Every image given is counted
// exactly once: in the dataset, skipped (perceived, nothing to ask) or failed (not perceived).
import { referenceFor } from "../spatial/references.js";
import type { DatasetItem, ItemOutcome } from "./options.js";

export interface DatasetReport {
  images: { total: number; in_dataset: number; skipped: number; failed: number };
  qa_pairs: number;
  qa_pairs_per_image: number | null;
  per_family: Record<string, { total: number; predicate: number; choice: number; quantity: number }>;
  skipped: Record<string, number>;
  failed: Record<string, number>;
  dropped: { ambiguous: number };
  /** Over perceived images: objects with trusted 3D, and those of them that can be named unambiguously. */
  objects: { located: number; unambiguous: number };
  /** Kept pairs over kept + dropped-as-ambiguous candidates; null when nothing was drawn. */
  unambiguous_share: number | null;
  /** Over every perceived image (in the dataset or skipped). */
  depth_sources: Record<string, number>;
  intrinsics_sources: Record<string, number>;
  skipped_items: ItemOutcome[];
  failed_items: ItemOutcome[];
  files: string[];
}

const bump = (counts: Record<string, number>, key: string, by = 1) => { counts[key] = (counts[key] ?? 0) + by; };

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function datasetReport(items: readonly DatasetItem[], failures: readonly ItemOutcome[], files: string[]): DatasetReport {
  const kept = items.filter((i) => !i.skipped);
  const perFamily: DatasetReport["per_family"] = {};
  const skipped: Record<string, number> = {};
  const failed: Record<string, number> = {};
  const depth: Record<string, number> = {};
  const intrinsics: Record<string, number> = {};
  let ambiguous = 0;
  let located = 0;
  let unambiguous = 0;
  let pairs = 0;
  for (const item of items) {
    bump(depth, item.graph.depth.source);
    bump(intrinsics, item.graph.intrinsics.source);
    ambiguous += item.dropped?.ambiguous ?? 0;
    const withPoints = item.graph.objects.filter((o) => o.pointCount > 0);
    located += withPoints.length;
    unambiguous += withPoints.filter((o) => referenceFor(item.graph, o) !== null).length;
    if (item.skipped) { bump(skipped, item.skipped.code); continue; }
    for (const qa of item.qa) {
      const f = (perFamily[qa.family] ??= { total: 0, predicate: 0, choice: 0, quantity: 0 });
      f.total++;
      f[qa.form]++;
      pairs++;
    }
  }
  for (const f of failures) bump(failed, f.code);
  return {
    images: { total: items.length + failures.length, in_dataset: kept.length, skipped: items.length - kept.length, failed: failures.length },
    qa_pairs: pairs,
    qa_pairs_per_image: kept.length ? Number((pairs / kept.length).toFixed(3)) : null,
    per_family: Object.fromEntries(Object.entries(perFamily).sort(([a], [b]) => (a < b ? -1 : 1))),
    skipped: sorted(skipped),
    failed: sorted(failed),
    dropped: { ambiguous },
    objects: { located, unambiguous },
    unambiguous_share: pairs + ambiguous > 0 ? Number((pairs / (pairs + ambiguous)).toFixed(4)) : null,
    depth_sources: sorted(depth),
    intrinsics_sources: sorted(intrinsics),
    skipped_items: items.filter((i) => i.skipped).map((i) => ({ id: i.id, code: i.skipped!.code, message: i.skipped!.message })),
    failed_items: [...failures],
    files,
  };
}
