// Test-only: small hand-built scene graphs for the QA tests (templates, understanding, answers,
// synthesis). World frame as in scene-graph.ts (x right, y forward, z up, metres); the camera sits
// 1.5 m above the floor looking along +y, so p_world = (x_cam, z_cam, 1.5 - y_cam), and each
// object's 2D box and image third are projected from its 3D box so the fixtures stay consistent.
import { colorName } from "./color-name.js";
import type { Rgb, SceneGraph, SceneObject } from "./scene-graph.js";

const WIDTH = 640, HEIGHT = 480, F = 500, CAMERA_HEIGHT_M = 1.5;

const RGB: Record<string, Rgb> = {
  red: [220, 30, 30], blue: [30, 60, 220], white: [245, 245, 245], black: [20, 20, 20], gray: [128, 128, 128],
  green: [30, 170, 50], yellow: [240, 220, 30], brown: [120, 70, 20], orange: [245, 130, 20],
};

export interface FixtureObject {
  label: string;
  /** World-frame box centre. */
  center: [number, number, number];
  /** width, length, height in metres. */
  size: [number, number, number];
  color?: string;
  pointCount?: number;
}

export function makeGraph(objects: FixtureObject[], options: { canonicalized?: boolean } = {}): SceneGraph {
  const canonicalized = options.canonicalized ?? true;
  return {
    version: 1,
    image: { width: WIDTH, height: HEIGHT },
    intrinsics: { fx: F, fy: F, cx: WIDTH / 2, cy: HEIGHT / 2, source: "input" },
    depth: { source: "input" },
    frame: {
      canonicalized,
      upSource: canonicalized ? "support-plane" : "camera",
      worldFromCam: { rotation: [1, 0, 0, 0, 0, 1, 0, -1, 0], translation: [0, 0, CAMERA_HEIGHT_M] },
      ...(canonicalized ? { supportPlaneCam: { normal: [0, -1, 0] as [number, number, number], offset: CAMERA_HEIGHT_M } } : {}),
      cameraHeightM: canonicalized ? CAMERA_HEIGHT_M : 0,
    },
    objects: objects.map((o, i) => makeObject(`obj-${i}`, o)),
  };
}

function makeObject(id: string, o: FixtureObject): SceneObject {
  const [x, y, z] = o.center;
  const [w, l, h] = o.size;
  const centerCam: [number, number, number] = [x, CAMERA_HEIGHT_M - z, y];
  const u = (xc: number, zc: number) => WIDTH / 2 + (F * xc) / zc;
  const v = (yc: number, zc: number) => HEIGHT / 2 + (F * yc) / zc;
  const near = Math.max(0.3, y - l / 2);
  const box2d: [number, number, number, number] = [
    Math.max(0, u(x - w / 2, near)), Math.max(0, v(CAMERA_HEIGHT_M - (z + h / 2), near)),
    Math.min(WIDTH, u(x + w / 2, near)), Math.min(HEIGHT, v(CAMERA_HEIGHT_M - (z - h / 2), near)),
  ];
  const cx = (box2d[0] + box2d[2]) / 2;
  const imagePosition = cx < WIDTH / 3 ? "left" : cx > (2 * WIDTH) / 3 ? "right" : "center";
  const rgb = o.color ? RGB[o.color] : undefined;
  return {
    id, label: o.label, score: 0.9, box2d,
    attributes: { imagePosition, ...(rgb ? { color: { name: colorName(rgb), rgb } } : {}) },
    centerCam,
    box: { center: [x, y, z], widthM: w, lengthM: l, heightM: h, yawRad: 0 },
    pointCount: o.pointCount ?? 500,
  };
}

/** A living room: two chairs told apart by colour, a table with a cup on it, a tv on a stand, a couch, a plant without depth. */
export function livingRoom(): SceneGraph {
  return makeGraph([
    { label: "chair", center: [-1.2, 3.0, 0.45], size: [0.5, 0.5, 0.9], color: "red" },
    { label: "chair", center: [1.3, 3.2, 0.45], size: [0.5, 0.5, 0.9], color: "blue" },
    { label: "dining table", center: [0.1, 3.5, 0.375], size: [1.6, 0.9, 0.75], color: "brown" },
    { label: "cup", center: [0.3, 3.4, 0.8], size: [0.08, 0.08, 0.1], color: "white" },
    { label: "tv", center: [0.0, 5.5, 1.2], size: [1.2, 0.1, 0.7], color: "black" },
    { label: "couch", center: [-2.2, 5.0, 0.4], size: [2.0, 0.9, 0.8], color: "gray" },
    { label: "potted plant", center: [2.0, 4.0, 0.5], size: [0.4, 0.4, 1.0], color: "green", pointCount: 0 },
  ]);
}

/** An office: three same-coloured chairs (told apart by position), two people, a laptop on a desk, a phone. */
export function office(): SceneGraph {
  return makeGraph([
    { label: "chair", center: [-1.5, 3.0, 0.45], size: [0.5, 0.5, 0.9], color: "black" },
    { label: "chair", center: [0.0, 3.5, 0.45], size: [0.5, 0.5, 0.9], color: "black" },
    { label: "chair", center: [1.6, 3.1, 0.45], size: [0.5, 0.5, 0.9], color: "black" },
    { label: "person", center: [-0.8, 4.5, 0.85], size: [0.5, 0.3, 1.7] },
    { label: "person", center: [1.0, 6.0, 0.9], size: [0.5, 0.3, 1.8] },
    { label: "desk", center: [0.2, 5.0, 0.375], size: [1.4, 0.7, 0.75], color: "brown" },
    { label: "laptop", center: [0.2, 5.0, 0.86], size: [0.35, 0.25, 0.22], color: "gray" },
    { label: "cell phone", center: [0.6, 4.9, 0.76], size: [0.08, 0.15, 0.02], color: "black" },
  ]);
}

/** Outdoors with no support plane found ("up" is the camera's): a car, a bicycle, a dog, a bench. */
export function street(): SceneGraph {
  return makeGraph([
    { label: "car", center: [-2.5, 9.0, 0.75], size: [1.8, 4.2, 1.5], color: "red" },
    { label: "bicycle", center: [1.2, 5.0, 0.5], size: [0.6, 1.7, 1.0], color: "blue" },
    { label: "dog", center: [0.2, 4.0, 0.3], size: [0.3, 0.8, 0.6], color: "brown" },
    { label: "bench", center: [2.5, 7.0, 0.45], size: [1.6, 0.5, 0.9], color: "green" },
  ], { canonicalized: false });
}
