// One image in, one scene graph out: decode → intrinsics → objects (the caller's, or detection) →
// depth (the caller's map, a metric depth model, or size priors) → per-object masks (the caller's,
// semantic segmentation ∩ box, a promptable segmenter, or the main depth cluster in the box) →
// 3D lifting (packages/shared). Models load on first use and stay loaded for the next image.
import type { Intrinsics } from "@spatial/shared/geometry";
import type { DepthImage } from "@spatial/shared/geometry";
import { buildSceneGraph, type ObjectObservation, type SceneGraph } from "@spatial/shared";
import { decodeImage, type DecodeLimits, DEFAULT_DECODE_LIMITS } from "../image/decode.js";
import { resolveIntrinsics } from "../image/intrinsics.js";
import type { RgbImage } from "../image/rgb-image.js";
import { loadDepthMap } from "../depth/input-depth.js";
import { estimatePriorsDepth } from "../depth/priors-depth.js";
import { MetricDepthModel } from "../depth/metric-depth-model.js";
import type { Detection } from "../detect/detection.js";
import { YoloxDetector } from "../detect/yolox.js";
import { DeeplabSegmenter } from "../segment/deeplab.js";
import { masksFromSemantic } from "../segment/label-map.js";
import { maskFromDepth } from "../segment/depth-mask.js";
import { findModel, loadManifest, type LoadedManifest } from "../models/registry.js";
import { installedModelPath, modelDir as defaultModelDir } from "../models/store.js";
import type { DeviceName } from "../runtime/onnx.js";

export const STAGES = ["decode", "detect", "depth", "segment", "lift"] as const;
export type Stage = (typeof STAGES)[number];

export interface PipelineOptions {
  device?: DeviceName;
  modelDir?: string;
  /** Extra model manifests (a user's own depth model, detector...). */
  manifestPaths?: string[];
  /** Model names by role; defaults: the built-in detector and segmenter, no depth model. */
  detector?: string;
  segmenter?: string | null;
  depthModel?: string | null;
  decodeLimits?: DecodeLimits;
}

export interface PerceiveRequest {
  /** Encoded JPEG / PNG / WebP bytes, or a path. */
  image: Buffer | string;
  /** The caller's depth map: 16-bit PNG bytes or path, and its units per metre. */
  depth?: { input: Buffer | string; unitsPerMetre: number };
  intrinsics?: Intrinsics;
  /** The caller's objects instead of detection. */
  objects?: ObjectObservation[] | ((image: { width: number; height: number }) => Promise<ObjectObservation[]>);
}

export interface PerceiveResult {
  graph: SceneGraph;
  image: RgbImage;
  detections: Detection[];
  depth: DepthImage;
  timingsMs: Partial<Record<Stage, number>>;
}

/** Called as each stage finishes, so a caller can stream results as they exist. */
export type StageListener = (stage: Stage, ms: number, partial: Partial<PerceiveResult>) => void;

export class PerceptionPipeline {
  private detector?: Promise<YoloxDetector>;
  private segmenter?: Promise<DeeplabSegmenter | null>;
  private depthModel?: Promise<MetricDepthModel | null>;

  private constructor(private readonly options: PipelineOptions, private readonly manifest: LoadedManifest) {}

  static async create(options: PipelineOptions = {}): Promise<PerceptionPipeline> {
    return new PerceptionPipeline(options, await loadManifest({ extraManifestPaths: options.manifestPaths ?? [] }));
  }

  private modelPath(name: string, role = "model"): Promise<{ path: string; entry: ReturnType<typeof findModel> }> {
    const entry = findModel(this.manifest, name);
    return installedModelPath(entry, role, { modelDir: this.options.modelDir ?? defaultModelDir() }).then((path) => ({ path, entry }));
  }

  private loadDetector(): Promise<YoloxDetector> {
    this.detector ??= this.modelPath(this.options.detector ?? "yolox-nano-coco").then(({ path, entry }) => YoloxDetector.load(path, entry, { device: this.options.device }));
    return this.detector;
  }

  private loadSegmenter(): Promise<DeeplabSegmenter | null> {
    const name = this.options.segmenter === undefined ? "deeplabv3-mnv2-voc" : this.options.segmenter;
    this.segmenter ??= name === null ? Promise.resolve(null) : this.modelPath(name).then(({ path, entry }) => DeeplabSegmenter.load(path, entry, { device: this.options.device }));
    return this.segmenter;
  }

  private loadDepthModel(): Promise<MetricDepthModel | null> {
    const name = this.options.depthModel;
    this.depthModel ??= !name ? Promise.resolve(null) : this.modelPath(name).then(({ path, entry }) => MetricDepthModel.load(path, entry, { device: this.options.device }));
    return this.depthModel;
  }

  async perceive(request: PerceiveRequest, onStage?: StageListener): Promise<PerceiveResult> {
    const timingsMs: Partial<Record<Stage, number>> = {};
    let clock = performance.now();
    const lap = (stage: Stage, partial: Partial<PerceiveResult>) => {
      const now = performance.now();
      timingsMs[stage] = now - clock;
      clock = now;
      onStage?.(stage, timingsMs[stage]!, partial);
    };

    const decoded = await decodeImage(request.image, this.options.decodeLimits ?? DEFAULT_DECODE_LIMITS);
    const { image } = decoded;
    const intrinsics = resolveIntrinsics(image, { given: request.intrinsics, exif: decoded.exif });
    // Read the caller's depth before any model runs: a bad depth map should fail fast.
    const inputDepth = request.depth ? await loadDepthMap(request.depth.input, { unitsPerMetre: request.depth.unitsPerMetre, imageWidth: image.width, imageHeight: image.height }) : undefined;
    lap("decode", { image });

    let observations: ObjectObservation[];
    let detections: Detection[] = [];
    if (request.objects) {
      observations = (typeof request.objects === "function" ? await request.objects(image) : request.objects).map((o) => (o.mask ? { ...o, maskIsExact: true } : o));
    } else {
      detections = await (await this.loadDetector()).detect(image);
      observations = detections.map((d) => ({ label: d.label, score: d.score, box2d: d.box2d }));
    }
    lap("detect", { image, detections });

    let depth: DepthImage;
    let depthSource: string;
    const depthModel = inputDepth ? null : await this.loadDepthModel();
    if (inputDepth) {
      depth = inputDepth;
      depthSource = "input";
    } else if (depthModel) {
      depth = await depthModel.estimate(image, intrinsics);
      depthSource = `model:${depthModel.entry.name}`;
    } else {
      depth = estimatePriorsDepth({ width: image.width, height: image.height, intrinsics, detections: observations }).depth;
      depthSource = "priors";
    }
    lap("depth", { image, detections, depth });

    const needMasks = observations.some((o) => !o.mask);
    if (needMasks) {
      const segmenter = await this.loadSegmenter();
      const semantic = segmenter ? await segmenter.segment(image) : null;
      const semanticMasks = semantic ? masksFromSemantic(observations, semantic) : observations.map(() => null);
      observations = observations.map((o, i) => {
        if (o.mask) return o;
        const mask = semanticMasks[i] ?? maskFromDepth(o.box2d, depth, intrinsics);
        return mask ? { ...o, mask } : o;
      });
    }
    lap("segment", { image, detections, depth });

    const { graph } = buildSceneGraph({
      width: image.width,
      height: image.height,
      rgb: image.rgb,
      depth,
      intrinsics: { fx: intrinsics.fx, fy: intrinsics.fy, cx: intrinsics.cx, cy: intrinsics.cy, source: intrinsics.source },
      depthSource,
      objects: observations,
    });
    lap("lift", { image, detections, depth, graph });
    return { graph, image, detections, depth, timingsMs };
  }

  async dispose(): Promise<void> {
    const loaded = await Promise.allSettled([this.detector, this.segmenter, this.depthModel].filter(Boolean));
    await Promise.all(loaded.map((r) => (r.status === "fulfilled" && r.value ? r.value.dispose() : undefined)));
  }
}
