// `pointclouds/<image id>.ply`: every object's denoised world-frame points (DESIGN.md's world
// frame: z up, metres) in one binary little-endian PLY, with an integer `object_index` per point and
// header comments mapping each index to its object id and label, so users can re-derive the boxes.
import type { SceneGraph } from "../spatial/scene-graph.js";

const BYTES_PER_POINT = 3 * 4 + 4;

/** A file name safe on every filesystem; ids with other characters get a hash suffix so two never collide. */
export function safeFileStem(id: string, hash: (s: string) => number): string {
  const clean = id.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_").slice(0, 120);
  return clean === id ? id : `${clean}-${hash(id).toString(16).padStart(8, "0")}`;
}

/** Objects in graph order; objects without points are listed in the header with 0 points. */
export function plyOf(graph: SceneGraph, pointClouds: ReadonlyMap<string, Float32Array>): Uint8Array {
  const objects = graph.objects.map((o, index) => ({ index, id: o.id, label: o.label, points: pointClouds.get(o.id) ?? new Float32Array(0) }));
  const total = objects.reduce((n, o) => n + o.points.length / 3, 0);
  const header =
    "ply\nformat binary_little_endian 1.0\n" +
    "comment frame world (z up, metres, origin on the support plane below the camera)\n" +
    objects.map((o) => `comment object ${o.index} ${o.id} ${o.label.replace(/\s+/g, "_")} points ${o.points.length / 3}\n`).join("") +
    `element vertex ${total}\nproperty float x\nproperty float y\nproperty float z\nproperty int object_index\nend_header\n`;
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(head.length + total * BYTES_PER_POINT);
  out.set(head, 0);
  const view = new DataView(out.buffer, head.length);
  let at = 0;
  for (const o of objects) {
    for (let i = 0; i < o.points.length; i += 3) {
      view.setFloat32(at, o.points[i], true);
      view.setFloat32(at + 4, o.points[i + 1], true);
      view.setFloat32(at + 8, o.points[i + 2], true);
      view.setInt32(at + 12, o.index, true);
      at += BYTES_PER_POINT;
    }
  }
  return out;
}
