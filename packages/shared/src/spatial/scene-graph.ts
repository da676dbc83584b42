// The scene graph: what perception knows about one image, in the world frame of DESIGN.md
// (z up, origin on the support plane below the camera, y = camera forward projected on that plane,
// metres) when `frame.canonicalized`, else in a camera-levelled stand-in frame (see `frame.upSource`).
// Everything the spatial questions need is here, so the edge can answer new questions from a stored
// graph with no GPU round trip.
import { z } from "zod";
import { MAX_ID_CHARS, MAX_LABEL_CHARS, MAX_SCENE_OBJECTS } from "../protocol/limits.js";

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);

export const Rgb = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]);
export type Rgb = z.infer<typeof Rgb>;

/** Where an object sits in the picture, by its 2D box centre in thirds of the image width. */
export const ImagePosition = z.enum(["left", "center", "right"]);
export type ImagePosition = z.infer<typeof ImagePosition>;

export const ObjectAttributes = z.object({
  /** Dominant colour of the object's mask pixels, as a basic colour name and its mean RGB. */
  color: z.object({ name: z.string(), rgb: Rgb }).optional(),
  imagePosition: ImagePosition,
  /** The 2D box touches the image border: the object may continue outside the picture, so its 3D extent is a lower bound. */
  truncated: z.boolean().optional(),
});
export type ObjectAttributes = z.infer<typeof ObjectAttributes>;

export const UprightBoxSchema = z.object({
  center: Vec3,
  widthM: z.number().nonnegative(),
  lengthM: z.number().nonnegative(),
  heightM: z.number().nonnegative(),
  yawRad: z.number(),
});

/**
 * How one dimension of an object's whole-object box was obtained: `measured` from its depth points,
 * `completed_from_priors` (the hidden part behind the visible surface, or the whole extent when too
 * few points were seen, from the class's typical dimensions), `ground_contact` (the object rests on
 * the support plane: its box reaches down to it although its lowest part was not seen).
 */
export const ExtentSource = z.enum(["measured", "completed_from_priors", "ground_contact"]);
export type ExtentSource = z.infer<typeof ExtentSource>;

export const ExtentSources = z.object({ width: ExtentSource, length: ExtentSource, height: ExtentSource });
export type ExtentSources = z.infer<typeof ExtentSources>;

/** A reason is one sentence; labels may be long open-vocabulary phrases, reasons quote them. */
const MAX_REASON_CHARS = 2 * MAX_LABEL_CHARS + 200;

/** A detected object with no trustworthy 3D: listed, never given a made-up position. */
export const UnlocatedObject = z.object({
  label: z.string().max(MAX_LABEL_CHARS),
  score: z.number().min(0).max(1),
  box2d: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** Why it has no position, in words ("no depth readings inside its box"). */
  reason: z.string().max(MAX_REASON_CHARS),
});
export type UnlocatedObject = z.infer<typeof UnlocatedObject>;

export const SceneObject = z.object({
  /**
   * Stable within one graph: "obj-<index of the detection or caller object>". Objects without
   * trustworthy 3D are in `unlocated` instead, so the numbers may skip one.
   */
  id: z.string().max(MAX_ID_CHARS),
  /** Canonical class label, lower case ("chair", "dining table"). */
  label: z.string().max(MAX_LABEL_CHARS),
  score: z.number().min(0).max(1),
  /** Pixels, [x1, y1, x2, y2], x right, y down. */
  box2d: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  attributes: ObjectAttributes,
  /** Centre of the 3D box in the camera frame (OpenCV, metres). */
  centerCam: Vec3,
  /**
   * Upright 3D box of the WHOLE object in the graph's world frame (the hidden back and the part
   * near the ground included, see `extentSource`). `box.center` is the centre in that frame.
   */
  box: UprightBoxSchema,
  /** The part the depth points cover, when it differs from `box` (amodal completion happened). */
  visibleBox: UprightBoxSchema.optional(),
  /** How each of `box`'s dimensions was obtained; absent means all measured. */
  extentSource: ExtentSources.optional(),
  /**
   * The solid the box stands for: a box, a vertical cylinder (radius = widthM / 2) or a sphere
   * (radius = widthM / 2). Absent means box. Gaps are measured between these shapes.
   */
  shape: z.enum(["box", "cylinder", "sphere"]).optional(),
  /** Points that survived denoising; 0 means the object has no 3D extent we trust. */
  pointCount: z.number().int().nonnegative(),
});
export type SceneObject = z.infer<typeof SceneObject>;

export const IntrinsicsSource = z.enum(["input", "exif", "fov-estimate", "model"]);
export type IntrinsicsSource = z.infer<typeof IntrinsicsSource>;

export const SceneFrame = z.object({
  /** True when a support plane was found and the world frame is gravity aligned. */
  canonicalized: z.boolean(),
  /** Where "up" comes from: the support plane's normal, or the camera's own up (-y) when none qualified. */
  upSource: z.enum(["support-plane", "camera"]),
  /** Maps camera-frame points to this graph's world frame: p_world = R p_cam + t (R row-major). */
  worldFromCam: z.object({
    rotation: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]),
    translation: Vec3,
  }),
  /** The support plane in the camera frame, when one was found. */
  supportPlaneCam: z.object({ normal: Vec3, offset: z.number() }).optional(),
  /** Height of the camera above the support plane, metres (0 when not canonicalized). */
  cameraHeightM: z.number(),
});
export type SceneFrame = z.infer<typeof SceneFrame>;

export const SceneGraph = z.object({
  version: z.literal(1),
  image: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
  intrinsics: z.object({ fx: z.number(), fy: z.number(), cx: z.number(), cy: z.number(), source: IntrinsicsSource }),
  /** `input`, `model:<name>` or `priors` (DESIGN.md). */
  depth: z.object({ source: z.string() }),
  frame: SceneFrame,
  objects: z.array(SceneObject).max(MAX_SCENE_OBJECTS),
  /** Detected objects without trustworthy 3D (no depth on them, nothing to place them by): not in `objects`. */
  unlocated: z.array(UnlocatedObject).max(MAX_SCENE_OBJECTS).optional(),
});
export type SceneGraph = z.infer<typeof SceneGraph>;
