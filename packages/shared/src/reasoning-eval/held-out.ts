// A held-out evaluation of spatial reasoning on rendered scenes: multi-step questions (counting,
// superlatives, ranking, three objects, fit, triangles) and a paraphrase set of the single-step
// families, in words that are not our templates'. Scenes are rendered with exact truth and lifted by
// the real perception pipeline (exact depth and masks); the answer is computed on the lifted graph
// and scored against the renderer's own boxes. Questions whose truth is borderline (within a margin
// a person would not call) are left out, as the known-answer tests do. Seeds 5000+ are used by
// nothing else.
import { buildSceneGraph } from "../spatial/build-scene.js";
import { relationSign } from "../spatial/relations.js";
import { gapM } from "../spatial/program/proximity.js";
import { surfaceRangeM } from "../spatial/program/select.js";
import type { Relation } from "../spatial/families.js";
import { pluralOf } from "../spatial/lexicon.js";
import type { SceneGraph, SceneObject } from "../spatial/scene-graph.js";
import { depthImage, maskOf, randomScene, renderScene, type SceneRender, type SceneSpec, type ObjectSpec } from "../testing/index.js";

export const KINDS = ["counting", "superlative", "ranking", "three-object", "fit", "triangle"] as const;
export type Kind = (typeof KINDS)[number] | "paraphrase";

/** What a correct answer carries. */
export type Expected =
  | { kind: "count"; count: number }
  | { kind: "choice"; id: string }
  | { kind: "order"; ids: string[] }
  | { kind: "bool"; bool: boolean }
  | { kind: "value"; valueM: number; toleranceShare: number };

export interface EvalQuestion {
  kind: Kind;
  /** The family or operation asked, for the report. */
  family: string;
  question: string;
  expected: Expected;
  graph: SceneGraph;
}

interface Lifted { graph: SceneGraph; truth: SceneGraph }

/** Lifts a render with the real pipeline; `truth` has the same ids with the renderer's boxes. */
export function lift(render: SceneRender, cameraHeightM: number): Lifted {
  const visible = render.objects.filter((o) => o.box2d !== null && o.visiblePixels >= 30);
  const { graph } = buildSceneGraph({
    width: render.width, height: render.height, rgb: render.rgb, depth: depthImage(render), intrinsics: { ...render.intrinsics, source: "input" }, depthSource: "input",
    objects: visible.map((o) => ({ label: o.label, score: 1, box2d: o.box2d!, mask: maskOf(render, o.index) })),
  });
  // Match lifted objects to rendered ones by 2D box (the pipeline may leave some out).
  const truthObjects = graph.objects.map((o) => {
    const r = visible.reduce((best, v) => (boxDistance(v.box2d!, o.box2d) < boxDistance(best.box2d!, o.box2d) ? v : best));
    return { ...o, attributes: { ...o.attributes, color: { name: r.colorName ?? "", rgb: r.color } }, centerCam: r.centerCam, box: r.boxCanonical, shape: r.kind };
  });
  const truth: SceneGraph = { ...graph, frame: { canonicalized: true, upSource: "support-plane", worldFromCam: render.canonicalFromCam, cameraHeightM }, objects: truthObjects };
  return { graph, truth };
}

function boxDistance(a: readonly number[], b: readonly number[]): number {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]) + Math.abs(a[3] - b[3]);
}

/** "the red box": the renderer's colour name, which the scene gave each object uniquely. */
const nameOf = (o: SceneObject) => `the ${o.attributes.color?.name} ${o.label}`;
const range = (o: SceneObject) => Math.hypot(...o.centerCam);
const centreDistance = (a: SceneObject, b: SceneObject) => Math.hypot(a.box.center[0] - b.box.center[0], a.box.center[1] - b.box.center[1], a.box.center[2] - b.box.center[2]);
const volume = (o: SceneObject) => o.box.widthM * o.box.lengthM * o.box.heightM;

/** The object with the largest key when it beats the runner-up clearly (by `share`), else null. */
function clearArgmax(objects: SceneObject[], key: (o: SceneObject) => number, share: number): SceneObject | null {
  if (objects.length < 2) return null;
  const sorted = [...objects].sort((a, b) => key(b) - key(a));
  const [first, second] = [key(sorted[0]), key(sorted[1])];
  return first - second > share * Math.max(Math.abs(first), 1e-6) ? sorted[0] : null;
}

/** The truth's verdict when clear by twice the "neither" margin (as the known-answer tests), else 0. */
function clearSign(relation: Relation, a: SceneObject, b: SceneObject): -1 | 0 | 1 {
  const sign = relationSign(relation, a, b);
  if (sign === 0) return 0;
  const axis = ({ left: 0, right: 0, behind: 1, in_front: 1, above: 2, below: 2 } as Partial<Record<Relation, 0 | 1 | 2>>)[relation];
  if (axis !== undefined) {
    const extent = axis === 0 ? "widthM" : axis === 1 ? "lengthM" : "heightM";
    const margin = Math.max(0.05, (0.1 * (a.box[extent] + b.box[extent])) / 2);
    return Math.abs(a.box.center[axis] - b.box.center[axis]) > 2 * margin ? sign : 0;
  }
  const size = (o: SceneObject) => (relation === "taller" || relation === "shorter" ? o.box.heightM : relation === "wider" || relation === "thinner" ? o.box.widthM : volume(o));
  const ratio = Math.max(size(a), size(b)) / Math.min(size(a), size(b));
  return ratio > (relation === "bigger" || relation === "smaller" ? 1.5 : 1.25) ? sign : 0;
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lengthWords(valueM: number, rng: () => number): string {
  const unit = pick(rng, ["m", "cm", "ft"] as const);
  if (unit === "cm") return `${Math.round(valueM * 100)} cm`;
  if (unit === "ft") return `${(valueM / 0.3048).toFixed(1)} feet`;
  return `${valueM.toFixed(2)} meters`;
}

/** Questions about one lifted random scene. */
function sceneQuestions({ graph, truth }: Lifted, rng: () => number): EvalQuestion[] {
  const out: EvalQuestion[] = [];
  const T = truth.objects;
  const ask = (kind: Kind, family: string, question: string, expected: Expected) => out.push({ kind, family, question, expected, graph });
  // counting
  const labels = [...new Set(T.map((o) => o.label))];
  const label = pick(rng, labels);
  ask("counting", "count class", pick(rng, [`How many ${pluralOf(label)} are there?`, `How many ${pluralOf(label)} can you see?`, `Count the ${pluralOf(label)}.`]), { kind: "count", count: T.filter((o) => o.label === label).length });
  const ref = pick(rng, T);
  const gaps = T.filter((o) => o !== ref).map((o) => gapM(truth, o, ref)).sort((a, b) => a - b);
  const slots = gaps.slice(0, -1).map((g, i) => [g, gaps[i + 1]] as const).filter(([a, b]) => b - a > 0.3);
  if (slots.length) {
    const [lo, hi] = pick(rng, slots);
    const d = (lo + hi) / 2;
    ask("counting", "count within", `How many objects are within ${lengthWords(d, rng)} of ${nameOf(ref)}?`, { kind: "count", count: gaps.filter((g) => g <= d).length });
  }
  const others = T.filter((o) => o !== ref);
  const signs = others.map((o) => clearSign("left", o, ref));
  if (others.length >= 2 && signs.every((s) => s !== 0)) {
    ask("counting", "count left of", pick(rng, [`How many objects are to the left of ${nameOf(ref)}?`, `How many objects are left of ${nameOf(ref)}?`]), { kind: "count", count: signs.filter((s) => s > 0).length });
  }
  // superlatives
  // Superlatives of distance go by nearest surfaces (the program's definition), on the truth's solids.
  const surface = (o: SceneObject) => surfaceRangeM(truth, o);
  const supers: Array<[string, string[], (o: SceneObject) => number]> = [
    ["closest to camera", ["Which object is closest to the camera?", "What is the nearest object to me?"], (o) => -surface(o)],
    ["farthest from camera", ["Which object is the farthest from the camera?", "What is the furthest object from me?"], surface],
    ["tallest", ["What is the tallest object?", "Which object is the tallest?"], (o) => o.box.heightM],
    ["biggest", ["Which is the biggest object?", "What is the largest object?"], volume],
    ["leftmost", ["What is the leftmost object?", "Which object is furthest to the left?"], (o) => -(o.box2d[0] + o.box2d[2]) / 2],
  ];
  for (const [family, phrasings, key] of supers) {
    const best = clearArgmax(T, key, family === "leftmost" ? 0.1 : 0.15);
    if (best && rng() < 0.6) ask("superlative", family, pick(rng, phrasings), { kind: "choice", id: best.id });
  }
  const closestTo = clearArgmax(others, (o) => -gapM(truth, o, ref) - 1e-3, 0.2);
  if (closestTo) ask("superlative", "closest to object", `Which object is closest to ${nameOf(ref)}?`, { kind: "choice", id: closestTo.id });
  // ranking
  const ranks: Array<[string, string, (o: SceneObject) => number, boolean]> = [
    ["height", "Order the objects by height, tallest first.", (o) => o.box.heightM, true],
    ["distance", "Rank the objects by distance from the camera.", surface, false],
    ["size", "Sort the objects by size.", volume, true],
  ];
  const [rankFamily, rankQuestion, rankKey, descending] = pick(rng, ranks);
  const sorted = [...T].sort((a, b) => (descending ? rankKey(b) - rankKey(a) : rankKey(a) - rankKey(b)));
  const separated = sorted.every((o, i) => i === 0 || Math.abs(rankKey(o) - rankKey(sorted[i - 1])) > 0.15 * Math.max(rankKey(o), rankKey(sorted[i - 1])));
  if (T.length >= 3 && separated) ask("ranking", rankFamily, rankQuestion, { kind: "order", ids: sorted.map((o) => o.id) });
  // three objects
  if (T.length >= 3) {
    const [a, b, c] = [...T].sort(() => rng() - 0.5);
    const dB = centreDistance(a, b), dC = centreDistance(a, c);
    if (Math.abs(dB - dC) > 0.2 * Math.max(dB, dC)) {
      const farther = rng() < 0.3;
      const q = farther ? `Is ${nameOf(a)} farther from ${nameOf(b)} than from ${nameOf(c)}?` : `Is ${nameOf(a)} closer to ${nameOf(b)} than to ${nameOf(c)}?`;
      ask("three-object", farther ? "farther than" : "closer than", q, { kind: "bool", bool: farther ? dB > dC : dB < dC });
    }
  }
  // fit
  const [fa, fb] = [...T].sort(() => rng() - 0.5);
  const gap = gapM(truth, fa, fb);
  if (gap > 0.2) {
    const fits = rng() < 0.5;
    const widthM = gap * (fits ? 0.6 : 1.5);
    const width = rng() < 0.5 ? `${Math.round(widthM * 100)} cm` : `${Math.round(widthM / 0.0254)} inch`;
    ask("fit", "fit between", `Would a ${width} box fit between ${nameOf(fa)} and ${nameOf(fb)}?`, { kind: "bool", bool: fits });
  }
  // paraphrases of the single-step families
  const [pa, pb] = [...T].sort(() => rng() - 0.5);
  const A = nameOf(pa), B = nameOf(pb);
  const qualitative: Array<[Relation, string[], "bool" | "choice"]> = [
    ["left", [`Would I find ${A} on the left side of ${B}?`, `From my viewpoint, is ${A} left of ${B}?`, `Relative to ${B}, is ${A} more to the left?`, `Is ${A} positioned to the left of ${B}?`, `Does ${A} sit further left than ${B}?`, `Looking at the photo, is ${A} on ${B}'s left?`], "bool"],
    ["left", [`Which one is further left: ${A} or ${B}?`, `${A} or ${B} — which is more to the left?`, `Between ${B} and ${A}, which one is on the left?`, `Which is more leftward, ${A} or ${B}?`], "choice"],
    ["in_front", [`Is ${A} nearer to me than ${B}?`, `Is ${A} in front of ${B} from the camera's view?`, `Is ${A} closer to the viewer than ${B} is?`, `Is ${A} more in the foreground than ${B}?`, `Does ${A} stand ahead of ${B}?`], "bool"],
    ["in_front", [`Which is nearer to me, ${A} or ${B}?`, `Which of ${A} and ${B} is closer to the camera?`, `Which one is further forward, ${B} or ${A}?`], "choice"],
    ["taller", [`Relative to ${B}, is ${A} taller?`, `Does ${A} stand taller than ${B}?`, `Is ${A} higher than ${B} from bottom to top?`, `Is ${A} of greater height than ${B}?`, `Would ${A} tower over ${B}?`], "bool"],
    ["taller", [`Which one stands taller, ${A} or ${B}?`, `Of ${B} and ${A}, which is taller?`], "choice"],
    ["wider", [`Relative to ${B}, is ${A} wider?`, `Is ${A} broader than ${B}?`, `Does ${A} have a larger width than ${B}?`, `Is ${A} wider than ${B} from side to side?`], "bool"],
    ["bigger", [`Is ${A} larger than ${B}?`, `Does ${A} take up more space than ${B}?`, `Compared with ${B}, is ${A} bigger?`, `Is ${A} bulkier than ${B}?`, `Is ${A} the bigger of the two, compared to ${B}?`], "bool"],
    ["bigger", [`Which takes up more space, ${A} or ${B}?`, `Which is larger overall, ${B} or ${A}?`], "choice"],
  ];
  const [relation, phrasings, form] = pick(rng, qualitative);
  const sign = clearSign(relation, pa, pb);
  if (sign !== 0) ask("paraphrase", `${relation} (${form})`, pick(rng, phrasings), form === "bool" ? { kind: "bool", bool: sign > 0 } : { kind: "choice", id: sign > 0 ? pa.id : pb.id });
  const quantitative: Array<[string, string[], number]> = [
    ["distance", [`How far apart are ${A} and ${B}?`, `What's the distance from ${A} to ${B}?`, `How many meters separate ${A} and ${B}?`, `Roughly how far is ${A} from ${B} in feet?`, `Can you measure the distance between ${A} and ${B}?`, `Give me the distance between ${A} and ${B} in centimeters.`], centreDistance(pa, pb)],
    ["height", [`How tall is ${A}?`, `What is the height of ${A} in inches?`, `How high is ${A}, top to bottom?`, `What's ${A}'s height?`, `Measure the height of ${A}.`], pa.box.heightM],
    ["width", [`How wide is ${A}?`, `What is the width of ${A} in centimeters?`, `How broad is ${A}?`, `What's the width of ${A}, side to side?`], pa.box.widthM],
    ["camera distance", [`How far is ${A} from me?`, `How far away is ${A}?`, `What is the distance between the camera and ${A}?`, `How far is ${A} from the camera in meters?`, `How distant is ${A} from the viewer?`], range(pa)],
  ];
  const [qFamily, qPhrasings, valueM] = pick(rng, quantitative);
  ask("paraphrase", qFamily, pick(rng, qPhrasings), { kind: "value", valueM, toleranceShare: 0.25 });
  return out;
}

/** Three barrels on the floor: equilateral when `skew` is 0, the third one pulled in by `skew`. */
function triangleScene(seed: number, skew: number): { spec: SceneSpec; skew: number } {
  const rng = mulberry(seed);
  const side = 1 + rng();
  const cx = (rng() - 0.5) * 0.6, cy = 3.2 + rng() * 0.8;
  const h = (side * Math.sqrt(3)) / 2;
  const points: Array<[number, number]> = [[cx - side / 2, cy], [cx + side / 2, cy], [cx, cy + h * (1 - skew)]];
  const colours: Array<{ name: string; rgb: [number, number, number] }> = [{ name: "red", rgb: [220, 30, 30] }, { name: "blue", rgb: [30, 60, 220] }, { name: "green", rgb: [30, 170, 50] }];
  const objects: ObjectSpec[] = points.map(([x, y], i) => ({ kind: "cylinder", id: `obj-${i}`, label: "barrel", color: colours[i].rgb, colorName: colours[i].name, center: [x, y, 0.4], radiusM: 0.25, heightM: 0.8 }));
  return { spec: { camera: { position: [0, 0, 1.6], yawRad: 0, pitchRad: 0.45, focalPx: 420, width: 320, height: 240 }, objects }, skew };
}

/** Side spread of three objects' floor positions: (longest − shortest) / mean. */
function spread(objects: SceneObject[]): number {
  const d = (a: SceneObject, b: SceneObject) => Math.hypot(a.box.center[0] - b.box.center[0], a.box.center[1] - b.box.center[1]);
  const s = [d(objects[0], objects[1]), d(objects[1], objects[2]), d(objects[2], objects[0])];
  return (Math.max(...s) - Math.min(...s)) / ((s[0] + s[1] + s[2]) / 3);
}

export interface EvalSetOptions { scenes?: number; triangles?: number; firstSeed?: number }

/** The held-out set: questions on `scenes` random scenes and `triangles` triangle scenes. */
export function heldOutQuestions(options: EvalSetOptions = {}): EvalQuestion[] {
  const { scenes = 40, triangles = 16, firstSeed = 5000 } = options;
  const out: EvalQuestion[] = [];
  for (let k = 0; k < scenes; k++) {
    const seed = firstSeed + k;
    const scene = randomScene(seed, { width: 320, height: 240, minObjects: 3, maxObjects: 6 });
    out.push(...sceneQuestions(lift(scene.render, scene.scene.camera.position[2]), mulberry(seed * 7 + 1)));
  }
  const skews = [0, 0.04, 0.35, 0.5];
  for (let k = 0; k < triangles; k++) {
    const { spec } = triangleScene(firstSeed + 100 + k, skews[k % skews.length]);
    const lifted = lift(renderScene(spec), spec.camera.position[2]);
    if (lifted.truth.objects.length !== 3) continue;
    const s = spread(lifted.truth.objects);
    if (Math.abs(s - 0.15) < 0.05) continue;
    const question = k % 2 === 0 ? "Do the three barrels form a roughly equilateral triangle?" : "Are the barrels arranged in a roughly equilateral triangle?";
    out.push({ kind: "triangle", family: "equilateral", question, expected: { kind: "bool", bool: s <= 0.15 }, graph: lifted.graph });
  }
  return out;
}

export interface Scored { question: EvalQuestion; correct: boolean; committed: boolean; got: string }

/** Whether an answer's structured value is the expected one. */
export function score(question: EvalQuestion, answer: { type: string; bool?: boolean; count?: number; value_m?: number; items?: string[]; objectIds: string[]; text: string }): Scored {
  const e = question.expected;
  let correct = false;
  if (e.kind === "count") correct = answer.count === e.count;
  else if (e.kind === "choice") correct = answer.type === "choice" && answer.objectIds[0] === e.id;
  else if (e.kind === "order") correct = answer.objectIds.length === e.ids.length && answer.objectIds.every((id, i) => id === e.ids[i]);
  else if (e.kind === "bool") correct = answer.type === "bool" && answer.bool === e.bool;
  else correct = answer.value_m !== undefined && Math.abs(answer.value_m - e.valueM) <= Math.max(0.05, e.toleranceShare * e.valueM);
  // Committed: a structured value (a list or ranking commits through its items).
  return { question, correct, committed: answer.type !== "text" || (answer.items?.length ?? 0) > 0, got: answer.text };
}
