import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSceneGraph } from "../spatial/build-scene.js";
import { makeGraph } from "../spatial/qa-fixtures.js";
import { depthImage, maskOf, randomScene } from "../testing/index.js";
import type { DatasetItem } from "./options.js";
import type { DatasetReport } from "./report.js";
import { synthesizeItem } from "./synthesize-item.js";
import { writeDataset } from "./write-dataset.js";

/** Real graphs and point clouds: rendered random scenes lifted by the scene builder. */
function renderedItem(seed: number): DatasetItem & { usableObjects: number } {
  const r = randomScene(seed, { width: 320, height: 240, minObjects: 3, maxObjects: 5 }).render;
  const built = buildSceneGraph({
    width: r.width, height: r.height, rgb: r.rgb, depth: depthImage(r), intrinsics: { ...r.intrinsics, source: "input" }, depthSource: "input",
    objects: r.objects.filter((o) => o.box2d).map((o) => ({ label: o.label, score: 1, box2d: o.box2d!, mask: maskOf(r, o.index) })),
  });
  const id = `scene-${seed}`;
  return { id, image: `images/${id}.png`, graph: built.graph, pointClouds: built.pointsWorld, ...synthesizeItem(built.graph, { seed: 11, perFamily: 2 }, id) };
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
const lines = (bytes: Uint8Array | undefined) => text(bytes).split("\n").filter(Boolean).map((l) => JSON.parse(l));

let items: (DatasetItem & { usableObjects: number })[];
let files: Map<string, Uint8Array>;
let report: DatasetReport;
const failures = [{ id: "broken", code: "image_corrupt", message: "not an image" }];

beforeAll(() => {
  const lonely = makeGraph([{ label: "chair", center: [0, 3, 0.45], size: [0.5, 0.5, 0.9] }]);
  items = [renderedItem(2), renderedItem(4), renderedItem(6), { id: "lonely", image: "lonely.jpg", graph: lonely, ...synthesizeItem(lonely, { seed: 11 }, "lonely") }];
  files = writeDataset(items, { formats: ["jsonl", "llava", "sharegpt", "parquet", "pointclouds"], failures, rowsPerShard: 25, turnsPerConversation: 4 });
  report = JSON.parse(text(files.get("report.json")));
});

describe("writeDataset", () => {
  it("counts every image once: in the dataset, skipped or failed", () => {
    expect(report.images).toEqual({ total: 5, in_dataset: 3, skipped: 1, failed: 1 });
    expect(report.skipped).toEqual({ too_few_objects: 1 });
    expect(report.failed).toEqual({ image_corrupt: 1 });
    expect(report.failed_items).toEqual(failures);
    expect(report.skipped_items.map((s) => s.id)).toEqual(["lonely"]);
    const pairs = items.reduce((n, i) => n + (i.skipped ? 0 : i.qa.length), 0);
    expect(report.qa_pairs).toBe(pairs);
    expect(Object.values(report.per_family).reduce((n, f) => n + f.total, 0)).toBe(pairs);
    for (const f of Object.values(report.per_family)) expect(f.predicate + f.choice + f.quantity).toBe(f.total);
    expect(report.depth_sources).toEqual({ input: 4 });
    expect(report.objects.located).toBe(items.reduce((n, i) => n + i.graph.objects.filter((o) => o.pointCount > 0).length, 0));
    expect(report.objects.unambiguous).toBe(items.reduce((n, i) => n + i.usableObjects, 0));
    const ambiguous = items.reduce((n, i) => n + (i.dropped?.ambiguous ?? 0), 0);
    expect(report.unambiguous_share).toBeCloseTo(pairs / (pairs + ambiguous), 4);
    expect(new Set(report.files)).toEqual(new Set(files.keys()));
  });

  it("writes one scene line per perceived image and one QA line per pair", () => {
    const all = lines(files.get("scenes.jsonl"));
    expect(all.map((s) => s.id)).toEqual(["lonely", "scene-2", "scene-4", "scene-6"]);
    expect(all[0]).toMatchObject({ skipped: "too_few_objects", qa_pairs: 0, objects: [{ label: "chair" }] });
    const scenes = all.filter((s) => !s.skipped);
    expect(scenes.every((s) => s.qa_pairs > 0)).toBe(true);
    expect(scenes[0]).toMatchObject({ image_ref: "images/scene-2.png", depth: { source: "input" }, intrinsics: { source: "input" }, canonicalized: expect.any(Boolean) });
    expect(scenes[0].objects[0]).toMatchObject({ id: expect.any(String), label: expect.any(String), center_cam: expect.any(Array), size_m: { width: expect.any(Number) } });
    const qa = lines(files.get("qa.jsonl"));
    expect(qa).toHaveLength(report.qa_pairs);
    expect(new Set(qa.map((q) => q.id)).size).toBe(qa.length);
    for (const q of qa) {
      expect(["predicate", "choice", "quantity"]).toContain(q.form);
      if (q.answer_type === "bool") expect(typeof q.bool).toBe("boolean");
      if (q.answer_type === "choice") expect(typeof q.choice).toBe("string");
      const scene = scenes.find((s) => s.id === q.image_id);
      for (const id of q.object_ids) expect(scene.objects.map((o: { id: string }) => o.id)).toContain(id);
    }
    expect(qa.some((q) => typeof q.value_m === "number")).toBe(true);
  });

  it("writes LLaVA and ShareGPT conversations of a few turns, the image token first", () => {
    const llava = JSON.parse(text(files.get("llava.json"))) as { id: string; image: string; conversations: { from: string; value: string }[] }[];
    expect(llava.reduce((n, c) => n + c.conversations.length / 2, 0)).toBe(report.qa_pairs);
    for (const c of llava) {
      expect(c.conversations.length).toBeLessThanOrEqual(8);
      expect(c.conversations[0].value.startsWith("<image>\n")).toBe(true);
      expect(c.conversations.map((t) => t.from)).toEqual(c.conversations.map((_, i) => (i % 2 ? "gpt" : "human")));
      expect(c.conversations.slice(1).some((t) => t.value.includes("<image>"))).toBe(false);
    }
    const share = JSON.parse(text(files.get("sharegpt.json"))) as { messages: { role: string; content: string }[]; images: string[] }[];
    expect(share).toHaveLength(llava.length);
    expect(share[0].images).toEqual([llava[0].image]);
    expect(share[0].messages[0]).toEqual({ role: "user", content: llava[0].conversations[0].value.replace("<image>\n", "<image>") });
    expect(share[0].messages[1]).toEqual({ role: "assistant", content: llava[0].conversations[1].value });
  });

  it("writes Parquet shards that read back to the QA lines, and a card that names them", async () => {
    const shards = [...files.keys()].filter((p) => p.endsWith(".parquet")).sort();
    const count = Math.ceil(report.qa_pairs / 25);
    expect(shards).toHaveLength(count);
    shards.forEach((p, i) => expect(p).toBe(`data/train-${String(i).padStart(5, "0")}-of-${String(count).padStart(5, "0")}.parquet`));
    const rows = [];
    for (const p of shards) {
      const bytes = files.get(p)!;
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      expect(Number(parquetMetadata(file).num_rows)).toBeLessThanOrEqual(25);
      rows.push(...(await parquetReadObjects({ file })));
    }
    expect(rows).toEqual(lines(files.get("qa.jsonl")));
    const card = text(files.get("README.md"));
    expect(card).toMatch(/^---\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: data\/train-\*\.parquet\n/);
    expect(card).toContain(`num_examples: ${report.qa_pairs}\n`);
    expect(card).toContain("  - name: object_ids\n    sequence: string\n");
    expect(card).toContain("  - name: value_m\n    dtype: float64\n");
  });

  it("writes each image's object points as a binary PLY with an object index per point", () => {
    const item = items[0];
    const ply = files.get("pointclouds/scene-2.ply")!;
    const headerEnd = text(ply).indexOf("end_header\n") + "end_header\n".length;
    const header = text(ply.slice(0, headerEnd));
    const vertices = Number(/element vertex (\d+)/.exec(header)![1]);
    const expected = [...item.pointClouds!.values()].reduce((n, p) => n + p.length / 3, 0);
    expect(vertices).toBe(expected);
    expect(ply.length - headerEnd).toBe(vertices * 16);
    item.graph.objects.forEach((o, i) => expect(header).toContain(`comment object ${i} ${o.id} ${o.label.replace(/\s+/g, "_")}`));
    const view = new DataView(ply.buffer, ply.byteOffset + headerEnd);
    const firstObject = item.graph.objects.findIndex((o) => (item.pointClouds!.get(o.id)?.length ?? 0) > 0);
    const first = item.pointClouds!.get(item.graph.objects[firstObject].id)!;
    expect([view.getFloat32(0, true), view.getFloat32(4, true), view.getFloat32(8, true), view.getInt32(12, true)]).toEqual([first[0], first[1], first[2], firstObject]);
    for (let v = 0; v < vertices; v++) expect(view.getInt32(v * 16 + 12, true)).toBeLessThan(item.graph.objects.length);
    expect(files.has("pointclouds/lonely.ply")).toBe(false);
  });

  it("is deterministic whatever order the images come in, and refuses an image twice", () => {
    const again = writeDataset([...items].reverse(), { formats: ["jsonl", "llava", "sharegpt", "parquet", "pointclouds"], failures, rowsPerShard: 25, turnsPerConversation: 4 });
    expect([...again.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [path, bytes] of files) expect(Buffer.from(again.get(path)!).equals(Buffer.from(bytes)), path).toBe(true);
    expect(() => writeDataset([items[0], items[0]], { formats: ["jsonl"] })).toThrow(/appears twice/);
    expect(() => writeDataset([items[0]], { formats: ["jsonl"], failures: [{ id: items[0].id, code: "x", message: "y" }] })).toThrow(/appears twice/);
    expect(() => writeDataset(items, { formats: ["csv" as never] })).toThrow();
  });

  it("writes only the formats asked for, with the report always", () => {
    expect([...writeDataset(items, { formats: ["llava"] }).keys()].sort()).toEqual(["llava.json", "report.json"]);
    const empty = writeDataset([], { formats: ["parquet"] });
    expect([...empty.keys()].sort()).toEqual(["README.md", "data/train-00000-of-00001.parquet", "report.json"]);
  });
});
