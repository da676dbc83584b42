// One image in, one scene graph out: decode → intrinsics → objects (the caller's, or detection) →
// depth (the caller's map, a metric depth model, or size priors) → per-object masks (the caller's,
// a promptable segmenter, semantic segmentation ∩ box, or the main depth cluster in the box) →
// 3D lifting (packages/shared). Models load on first use and stay loaded for the next image.
import type { Intrinsics } from "@spatial/shared/geometry";
import type { DepthImage } from "@spatial/shared/geometry";
import { buildSceneGraph, type ObjectObservation, type SceneGraph } from "@spatial/shared";
import { decodeImage, type DecodeLimits, DEFAULT_DECODE_LIMITS } from "../image/decode.js";
import { resolveIntrinsics } from "../image/intrinsics.js";
import type { RgbImage } from "../image/rgb-image.js";
import { loadDepthMap } from "../depth/input-depth.js";
import { estimatePriorsDepth } from "../depth/priors-depth.js";
import { objectSizePriorFor } from "../depth/object-dimensions.js";
import { MetricDepthModel } from "../depth/metric-depth-model.js";
import type { Detection } from "../detect/detection.js";
import { YoloxDetector } from "../detect/yolox.js";
import { DeeplabSegmenter } from "../segment/deeplab.js";
import { masksFromSemantic } from "../segment/label-map.js";
import { maskFromDepth } from "../segment/depth-mask.js";
import { OpenVocabDetector } from "../detect/open-vocab.js";
import { nmsDetections } from "../detect/nms.js";
import { detectSliced, slicingHelps, type SlicedDetectOptions } from "../detect/sliced.js";
import { SamSegmenter } from "../segment/sam.js";
import type { ModelEntry, ModelTask } from "../models/manifest.js";
import { findModel, loadManifest, modelsForTask, type LoadedManifest } from "../models/registry.js";
import { installedModelPath, modelDir as defaultModelDir, modelStatus } from "../models/store.js";
import type { DeviceName } from "../runtime/onnx.js";

export const STAGES = ["decode", "detect", "depth", "segment", "lift"] as const;
export type Stage = (typeof STAGES)[number];

export interface PipelineOptions {
  device?: DeviceName;
  modelDir?: string;
  /** Extra model manifests (a user's own depth model, detector...). */
  manifestPaths?: string[];
  /** Model names by role; defaults: the built-in detector and segmenter. */
  detector?: string;
  segmenter?: string | null;
  /**
   * Optional models (default "auto": the first installed model of that task in the manifest, so a
   * user who adds one to their manifest and pulls it gets it; null: never).
   */
  depthModel?: string | null | "auto";
  openVocabDetector?: string | null | "auto";
  promptableSegmenter?: string | null | "auto";
  decodeLimits?: DecodeLimits;
  /**
   * Sliced inference for small and far objects (detect/sliced.ts): the closed-set detector also
   * runs on overlapping tiles and the passes are merged per class. Default: on for images the
   * full pass shrinks below half their size (`slicingHelps`: wide street frames, large photos);
   * false: one pass always; true or options: always sliced.
   */
  slicedDetection?: boolean | SlicedDetectOptions;
  /** The closed-set detector's score threshold (default: SLICED_SCORE_THRESHOLD when sliced, else its manifest's). */
  detectionScoreThreshold?: number;
}

/**
 * Score threshold of sliced detection. Tiles show small objects up to 3× larger, and the detector
 * is then surer of real objects: on the real3d frames (`npm run bench -- --only=real3d`, recall
 * sweep) every matched object scored ≥ 0.79 sliced (0.34–0.87 in one pass), recall was the same
 * at 0.5 as at 0.15, and 0.5 left a quarter as many boxes (18 vs 74 over 7 frames).
 */
export const SLICED_SCORE_THRESHOLD = 0.5;

export interface PerceiveRequest {
  /** Encoded JPEG / PNG / WebP bytes, or a path. */
  image: Buffer | string;
  /** The caller's depth map: 16-bit PNG bytes or path, and its units per metre. */
  depth?: { input: Buffer | string; unitsPerMetre: number };
  intrinsics?: Intrinsics;
  /** Object names to look for with the open-vocabulary detector, when there is one (e.g. the nouns of the questions). */
  queries?: string[];
  /** The caller's objects instead of detection. */
  objects?: ObjectObservation[] | ((image: { width: number; height: number }) => Promise<ObjectObservation[]>);
}

export interface PerceiveResult {
  graph: SceneGraph;
  image: RgbImage;
  detections: Detection[];
  depth: DepthImage;
  /** The objects as lifted: labels, boxes and the masks used (the caller's, or derived). */
  observations: ObjectObservation[];
  /** Each object's denoised points in the graph's world frame, by object id (objects without depth are absent). */
  pointsWorld: Map<string, Float32Array>;
  timingsMs: Partial<Record<Stage, number>>;
}

/**
 * Called as each stage finishes, so a caller can stream results as they exist. The pipeline waits
 * for a returned promise before the next stage (a runner uploads a stage's big arrays first, so
 * its events stay in order); throwing stops the pipeline.
 */
export type StageListener = (stage: Stage, ms: number, partial: Partial<PerceiveResult>) => void | Promise<void>;

export class PerceptionPipeline {
  private detector?: Promise<YoloxDetector>;
  private segmenter?: Promise<DeeplabSegmenter | null>;
  private depthModel?: Promise<MetricDepthModel | null>;
  private openVocab?: Promise<OpenVocabDetector | null>;
  private promptable?: Promise<SamSegmenter | null>;

  private constructor(private readonly options: PipelineOptions, private readonly manifest: LoadedManifest) {}

  static async create(options: PipelineOptions = {}): Promise<PerceptionPipeline> {
    return new PerceptionPipeline(options, await loadManifest({ extraManifestPaths: options.manifestPaths ?? [] }));
  }

  /** The model a role names: findModel's answer for a name, the first installed one for "auto", none for null. */
  private async entryFor(choice: string | null | "auto" | undefined, task: ModelTask): Promise<ModelEntry | null> {
    if (choice === null) return null;
    if (choice !== undefined && choice !== "auto") return findModel(this.manifest, choice);
    const dir = this.options.modelDir ?? defaultModelDir();
    for (const entry of modelsForTask(this.manifest, task)) if ((await modelStatus(entry, { modelDir: dir })).status === "installed") return entry;
    return null;
  }

  /** Resolves (and verifies) the entry's files by role, then opens the model with them; null for no entry. */
  private async open<T>(entry: Promise<ModelEntry | null>, load: (files: Record<string, string>, entry: ModelEntry) => Promise<T>): Promise<T | null> {
    const e = await entry;
    if (!e) return null;
    const dir = this.options.modelDir ?? defaultModelDir();
    const files = Object.fromEntries(await Promise.all(Object.keys(e.files).map(async (role) => [role, await installedModelPath(e, role, { modelDir: dir })])));
    return load(files, e);
  }

  private loadDetector(): Promise<YoloxDetector> {
    const device = this.options.device;
    this.detector ??= this.open(this.entryFor(this.options.detector ?? "yolox-nano-coco", "detection"), (f, e) => YoloxDetector.load(f.model, e, { device })).then((d) => d!);
    return this.detector;
  }

  private loadSegmenter(): Promise<DeeplabSegmenter | null> {
    const device = this.options.device;
    const name = this.options.segmenter === undefined ? "deeplabv3-mnv2-voc" : this.options.segmenter;
    this.segmenter ??= this.open(this.entryFor(name, "semantic-segmentation"), (f, e) => DeeplabSegmenter.load(f.model, e, { device }));
    return this.segmenter;
  }

  private loadDepthModel(): Promise<MetricDepthModel | null> {
    const device = this.options.device;
    this.depthModel ??= this.open(this.entryFor(this.options.depthModel, "metric-depth"), (f, e) => MetricDepthModel.load(f.model, e, { device }));
    return this.depthModel;
  }

  private loadOpenVocab(): Promise<OpenVocabDetector | null> {
    const device = this.options.device;
    this.openVocab ??= this.open(this.entryFor(this.options.openVocabDetector, "open-vocab-detection"), (f, e) => OpenVocabDetector.load({ model: f.model, tokenizer: f.tokenizer }, e, { device }));
    return this.openVocab;
  }

  private loadPromptable(): Promise<SamSegmenter | null> {
    const device = this.options.device;
    this.promptable ??= this.open(this.entryFor(this.options.promptableSegmenter, "promptable-segmentation"), (f, e) => SamSegmenter.load({ model: f.model, decoder: f.decoder }, e, { device }));
    return this.promptable;
  }

  async perceive(request: PerceiveRequest, onStage?: StageListener): Promise<PerceiveResult> {
    const timingsMs: Partial<Record<Stage, number>> = {};
    let clock = performance.now();
    const lap = async (stage: Stage, partial: Partial<PerceiveResult>) => {
      timingsMs[stage] = performance.now() - clock;
      await onStage?.(stage, timingsMs[stage]!, partial);
      // The listener's own time (uploads, streaming) is not the stage's.
      clock = performance.now();
    };

    const decoded = await decodeImage(request.image, this.options.decodeLimits ?? DEFAULT_DECODE_LIMITS);
    const { image } = decoded;
    const intrinsics = resolveIntrinsics(image, { given: request.intrinsics, exif: decoded.exif });
    // Read the caller's depth before any model runs: a bad depth map should fail fast.
    const inputDepth = request.depth ? await loadDepthMap(request.depth.input, { unitsPerMetre: request.depth.unitsPerMetre, imageWidth: image.width, imageHeight: image.height }) : undefined;
    await lap("decode", { image });

    let observations: ObjectObservation[];
    let detections: Detection[] = [];
    if (request.objects) {
      observations = (typeof request.objects === "function" ? await request.objects(image) : request.objects).map((o) => (o.mask ? { ...o, maskIsExact: true } : o));
    } else {
      const detector = await this.loadDetector();
      const sliced = this.options.slicedDetection ?? (slicingHelps(image.width, image.height, detector.entry.preprocess.width, detector.entry.preprocess.height) ? {} : false);
      const scoreThreshold = this.options.detectionScoreThreshold ?? (sliced === false ? undefined : SLICED_SCORE_THRESHOLD);
      const once = (im: RgbImage) => detector.detect(im, scoreThreshold !== undefined ? { scoreThreshold } : {});
      detections = sliced === false ? await once(image) : await detectSliced(image, once, sliced === true ? {} : sliced);
      // Names the closed-set detector did not find go to the open-vocabulary detector, if any.
      const missing = [...new Set((request.queries ?? []).map((q) => q.trim().toLowerCase()).filter((q) => q && !detections.some((d) => d.label === q)))];
      const openVocab = missing.length > 0 ? await this.loadOpenVocab() : null;
      if (openVocab) detections = nmsDetections([...detections, ...(await openVocab.detect(image, missing))], { iouThreshold: 0.7 });
      observations = detections.map((d) => ({ label: d.label, score: d.score, box2d: d.box2d }));
    }
    await lap("detect", { image, detections });

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
    await lap("depth", { image, detections, depth });

    const needMasks = observations.some((o) => !o.mask);
    const promptable = needMasks ? await this.loadPromptable() : null;
    if (promptable) {
      await promptable.embed(image);
      observations = await Promise.all(observations.map(async (o) => (o.mask ? o : { ...o, mask: await promptable.maskForBox(o.box2d) })));
    } else if (needMasks) {
      const segmenter = await this.loadSegmenter();
      const semantic = segmenter ? await segmenter.segment(image) : null;
      const semanticMasks = semantic ? masksFromSemantic(observations, semantic) : observations.map(() => null);
      observations = observations.map((o, i) => {
        if (o.mask) return o;
        const mask = semanticMasks[i] ?? maskFromDepth(o.box2d, depth, intrinsics);
        return mask ? { ...o, mask } : o;
      });
    }
    await lap("segment", { image, detections, depth, observations });

    // The class's typical size lets the lifting complete what the camera cannot see (amodal boxes).
    const withPriors = observations.map((o) => {
      if (o.sizePrior) return o;
      const sizePrior = objectSizePriorFor(o.label);
      return sizePrior ? { ...o, sizePrior } : o;
    });

    const { graph, pointsWorld } = buildSceneGraph({
      width: image.width,
      height: image.height,
      rgb: image.rgb,
      depth,
      intrinsics: { fx: intrinsics.fx, fy: intrinsics.fy, cx: intrinsics.cx, cy: intrinsics.cy, source: intrinsics.source },
      depthSource,
      objects: withPriors,
    });
    await lap("lift", { image, detections, depth, observations, graph, pointsWorld });
    return { graph, image, detections, depth, observations, pointsWorld, timingsMs };
  }

  async dispose(): Promise<void> {
    const loaded = await Promise.allSettled([this.detector, this.segmenter, this.depthModel, this.openVocab, this.promptable].filter(Boolean));
    await Promise.all(loaded.map((r) => (r.status === "fulfilled" && r.value ? r.value.dispose() : undefined)));
  }
}
