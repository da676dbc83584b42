// The dataset card (README.md) the Hugging Face hub and `datasets` read: YAML front matter with the
// config's data files and features, then the counts in prose.
import { PARQUET_FEATURES } from "./parquet.js";
import type { DatasetReport } from "./report.js";

export function datasetCard(report: DatasetReport, shardCount: number): string {
  const features = PARQUET_FEATURES.map((f) => ("sequence" in f ? `  - name: ${f.name}\n    sequence: ${f.sequence}\n` : `  - name: ${f.name}\n    dtype: ${f.dtype}\n`)).join("");
  const families = Object.entries(report.per_family).map(([family, c]) => `| ${family} | ${c.predicate} | ${c.choice} | ${c.quantity} | ${c.total} |`).join("\n");
  const share = report.unambiguous_share === null ? "n/a" : `${(report.unambiguous_share * 100).toFixed(1)} %`;
  return `---
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train-*.parquet
dataset_info:
  features:
${features}  splits:
  - name: train
    num_examples: ${report.qa_pairs}
task_categories:
- visual-question-answering
tags:
- spatial-reasoning
- spatialvlm
- synthetic-qa
---

# Spatial VQA pairs

Template question–answer pairs about metric 3D scenes lifted from images (SpatialVLM's data engine):
each answer comes from the objects' 3D boxes in \`scenes.jsonl\`. \`value_m\` is in metres whatever
unit the answer sentence uses; \`object_ids\` name the objects of the scene the question is about.

- Images: ${report.images.total} given, ${report.images.in_dataset} in the dataset, ${report.images.skipped} skipped, ${report.images.failed} failed (codes in \`report.json\`)
- QA pairs: ${report.qa_pairs} in ${shardCount} Parquet shard${shardCount === 1 ? "" : "s"} (${report.qa_pairs_per_image ?? 0} per image)
- Pairs with unambiguous references: ${share} (${report.dropped.ambiguous} candidate pairs dropped because an object could not be named unambiguously; ${report.objects.unambiguous} of ${report.objects.located} objects with 3D can be)
- Depth sources: ${Object.entries(report.depth_sources).map(([s, n]) => `${s} ${n}`).join(", ") || "none"}

| family | predicate | choice | quantity | total |
|---|---|---|---|---|
${families}

Load with \`datasets.load_dataset("parquet", data_dir="<this folder>/data")\`.
`;
}
