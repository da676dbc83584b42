// Pure mappings from what the perception pipeline produces to the job events the runner streams
// (packages/shared/src/protocol/events.ts). Events carry statistics and previews, never arrays of
// pixels or points. Numbers are rounded to what anyone reads: boxes to 0.1 px, metres to 1 mm.
import type { DepthImage } from "@spatial/shared/geometry";
import { answerQuestion, type ObjectObservation, type SceneGraph } from "@spatial/shared";
import { askOutputLine, type BlobRef, type EventBody, type JobSpec } from "@spatial/shared/protocol";
import { answerWithBackends, type AnswerBackends, type ChatFetch, type SourcedAnswer, type VlmImage } from "@spatial/shared/reasoning";
import { InputError, isInputError } from "../image/errors.js";
import { STAGES, type PerceiveResult, type Stage } from "../pipeline/perception.js";

export type EventOf<T extends EventBody["type"]> = Extract<EventBody, { type: T }>;
type Box2d = [number, number, number, number];

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const roundBox = (b: readonly number[]): Box2d => [round(b[0]!, 1), round(b[1]!, 1), round(b[2]!, 1), round(b[3]!, 1)];

/** Labels, scores and boxes of the objects the pipeline will lift (detections, or the caller's objects). */
export function detectionsEvent(detections: readonly { label: string; score: number; box2d: readonly number[] }[]): EventOf<"perception.detections"> {
  return { type: "perception.detections", detections: detections.map((d) => ({ label: d.label, score: round(d.score, 4), box2d: roundBox(d.box2d) })) };
}

export interface DepthStats {
  minM: number;
  medianM: number;
  maxM: number;
  /** Fraction of pixels with a reading (non-zero, finite). */
  validFraction: number;
}

/** Min / median / max metres over the pixels with a reading; the median from at most ~1M of them. */
export function depthStats(depth: DepthImage): DepthStats {
  const { data, unitsPerMetre } = depth;
  const stride = Math.max(1, Math.floor(data.length / 1_000_000));
  const sample: number[] = [];
  let valid = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const raw = data[i]!;
    if (!(raw > 0) || !Number.isFinite(raw)) continue;
    valid++;
    if (raw < min) min = raw;
    if (raw > max) max = raw;
    if (i % stride === 0) sample.push(raw);
  }
  if (valid === 0) return { minM: 0, medianM: 0, maxM: 0, validFraction: 0 };
  const sorted = Float64Array.from(sample).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const metres = (raw: number) => round(raw / unitsPerMetre, 3);
  return { minM: metres(min), medianM: metres(median), maxM: metres(max), validFraction: round(valid / data.length, 4) };
}

/** Where the depth came from: `input`, `model:<name>` or `priors` (the same strings the scene graph carries). */
export function depthSourceFor(job: Pick<JobSpec, "depth">, depthModel: string | null): string {
  return job.depth ? "input" : depthModel ? `model:${depthModel}` : "priors";
}

export function depthEvent(depth: DepthImage, source: string, blob?: BlobRef): EventOf<"perception.depth"> {
  return { type: "perception.depth", source, width: depth.width, height: depth.height, ...depthStats(depth), ...(blob ? { blob } : {}) };
}

/** One entry per object that has a mask: its index in the detections (= `obj-<index>` in the graph), area and box. */
export function masksEvent(observations: readonly Pick<ObjectObservation, "label" | "box2d" | "mask">[], blob?: BlobRef): EventOf<"perception.masks"> {
  const masks = observations.flatMap((o, objectIndex) => {
    if (!o.mask) return [];
    let areaPx = 0;
    for (let i = 0; i < o.mask.length; i++) if (o.mask[i] !== 0) areaPx++;
    return [{ objectIndex, label: o.label, areaPx, box2d: roundBox(o.box2d) }];
  });
  return { type: "perception.masks", masks, ...(blob ? { blob } : {}) };
}

/** One scene.pointcloud per object (its denoised point count), then the scene graph. */
/** A point cloud per object (with its stored blob when there is one), then the graph. */
export function sceneEvents(graph: SceneGraph, blobs: ReadonlyMap<string, BlobRef> = new Map()): EventBody[] {
  const clouds = graph.objects.map((o): EventBody => {
    const blob = blobs.get(o.id);
    return { type: "scene.pointcloud", objectId: o.id, points: o.pointCount, ...(blob ? { blob } : {}) };
  });
  return [...clouds, { type: "scene.graph", graph }];
}

/**
 * What a stage's partial result may hold. `observations` (the objects with their masks, after
 * segment) is not in the pipeline's PerceiveResult yet: when it is there, perception.masks is sent.
 */
export type StagePartial = Partial<PerceiveResult> & { observations?: ObjectObservation[] };

/** Big arrays a stage stored at the edge, for its events to reference. */
export interface StageBlobs {
  depth?: BlobRef;
  masks?: BlobRef;
  pointClouds?: ReadonlyMap<string, BlobRef>;
}

export interface StageContext {
  depthSource: string;
  /** The caller's objects, when the job gave some (then there are no detections to report). */
  callerObjects?: readonly ObjectObservation[];
  /** The stage after the pipeline's last one: "answer" when there are questions, else none. */
  answering: boolean;
}

/**
 * The events one finished pipeline stage yields, in order: its results, stage.completed, then
 * stage.started of the next stage (stages run back to back, so the next starts as this one ends).
 */
export function stageEvents(stage: Stage, ms: number, partial: StagePartial, context: StageContext, blobs: StageBlobs = {}): EventBody[] {
  const events: EventBody[] = [];
  if (stage === "detect") events.push(detectionsEvent(context.callerObjects ?? partial.detections ?? []));
  if (stage === "depth" && partial.depth) events.push(depthEvent(partial.depth, context.depthSource, blobs.depth));
  if (stage === "segment" && partial.observations) events.push(masksEvent(partial.observations, blobs.masks));
  if (stage === "lift" && partial.graph) events.push(...sceneEvents(partial.graph, blobs.pointClouds));
  events.push({ type: "stage.completed", stage, ms: round(ms, 1) });
  const next = STAGES[STAGES.indexOf(stage) + 1] ?? (context.answering ? "answer" : undefined);
  if (next) events.push({ type: "stage.started", stage: next });
  return events;
}

/** The answer to question `index`, exactly as `spatial ask --json` prints it (by default the program's). */
export function answerEvent(index: number, question: string, graph: SceneGraph, sourced: SourcedAnswer = { answer: answerQuestion(question, graph), source: "program" }): EventOf<"answer.final"> {
  const by = { source: sourced.source, ...(sourced.model !== undefined ? { model: sourced.model } : {}) };
  return { type: "answer.final", index, line: askOutputLine(question, sourced.answer, graph, by) };
}

/** What answering may use beyond the scene graph: the deployment's optional planner / VLM and the job's image. */
export interface AnswerContext {
  backends?: AnswerBackends;
  /** The job's image, for a VLM. */
  image?: VlmImage;
  /** The job's cancellation: aborts a planner or VLM call in flight. */
  signal?: AbortSignal;
  fetch?: ChatFetch;
}

/**
 * A question's reasoning as it streams: one `answer.step` per step of its trace, then its
 * `answer.final`. The program answers; a question it cannot express goes to the configured planner,
 * then the configured VLM (answer-backends.ts); with none configured no network is used.
 */
export async function answerEvents(index: number, question: string, graph: SceneGraph, context: AnswerContext = {}): Promise<(EventOf<"answer.step"> | EventOf<"answer.final">)[]> {
  const { image } = context;
  const sourced = await answerWithBackends(question, graph, context.backends ?? {}, {
    image: async () => image ?? null,
    ...(context.signal ? { signal: context.signal } : {}),
    ...(context.fetch ? { fetch: context.fetch } : {}),
  });
  const final = answerEvent(index, question, graph, sourced);
  return [...(final.line.trace ?? []).map((step) => ({ type: "answer.step" as const, index, step })), final];
}

/** The caller's objects as the pipeline takes them, checked against the image size (InputError otherwise). */
export function observationsFromJob(objects: NonNullable<JobSpec["objects"]>, image: { width: number; height: number }): ObjectObservation[] {
  return objects.map((o, i) => {
    const [x1, y1, x2, y2] = o.box2d;
    const where = `objects[${i}] ("${o.label}")`;
    if (!o.box2d.every(Number.isFinite) || !(x2 > x1 && y2 > y1)) throw new InputError("objects_invalid", `${where}: box2d [${o.box2d.join(", ")}] must be four finite numbers with x2 > x1 and y2 > y1`);
    if (x1 < 0 || y1 < 0 || x2 > image.width || y2 > image.height) throw new InputError("objects_box_outside", `${where}: box2d [${o.box2d.join(", ")}] reaches outside the ${image.width}×${image.height} image`);
    return { label: o.label, score: 1, box2d: [x1, y1, x2, y2] };
  });
}

/** job.failed for any error: an InputError keeps its code; anything else is `runner_error` with a one-line message. */
/** A result too large for one runner-protocol message: the job fails with its own code instead of the edge dropping the message. */
export class ResultTooLargeError extends Error {
  readonly code = "result_too_large";
  constructor(type: string, bytes: number, maxBytes: number) {
    super(`the job's ${type} is ${bytes} bytes, over the ${maxBytes}-byte message limit`);
    this.name = "ResultTooLargeError";
  }
}

export function failureEvent(error: unknown): EventOf<"job.failed"> {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "unknown error";
  const message = line.length > 500 ? `${line.slice(0, 497)}...` : line;
  if (isInputError(error) || error instanceof ResultTooLargeError) return { type: "job.failed", code: error.code, message };
  return { type: "job.failed", code: "runner_error", message };
}
