// Shared by the end-to-end tests: renders a seeded random scene, lifts it with the real pipeline
// (exact depth, exact masks, rendered colours), and builds the ground-truth graph from the
// renderer's own objects in the canonical frame.
import { buildSceneGraph, type BuiltScene } from "../packages/shared/src/spatial/build-scene.js";
import type { SceneGraph, SceneObject } from "../packages/shared/src/spatial/scene-graph.js";
import { depthImage, maskOf, randomScene, type RandomScene, type RandomSceneOptions } from "../packages/shared/src/testing/index.js";

export interface LiftedScene {
  scene: RandomScene;
  built: BuiltScene;
  /** Same ids and order as `built.graph.objects`, boxes and frame from the renderer's truth. */
  truth: SceneGraph;
}

export function liftRandomScene(seed: number, options: RandomSceneOptions = {}): LiftedScene {
  const scene = randomScene(seed, options);
  const { render } = scene;
  const visible = render.objects.filter((o) => o.box2d !== null);
  const built = buildSceneGraph({
    width: render.width,
    height: render.height,
    rgb: render.rgb,
    depth: depthImage(render),
    intrinsics: { ...render.intrinsics, source: "input" },
    depthSource: "input",
    objects: visible.map((o) => ({ label: o.label, score: 1, box2d: o.box2d!, mask: maskOf(render, o.index) })),
  });
  const truthObjects: SceneObject[] = visible.map((o, i) => ({
    ...built.graph.objects[i],
    attributes: { ...built.graph.objects[i].attributes, ...(o.colorName ? { color: { name: o.colorName, rgb: o.color } } : {}) },
    centerCam: o.centerCam,
    box: o.boxCanonical,
    shape: o.kind,
  }));
  const truth: SceneGraph = {
    ...built.graph,
    frame: { canonicalized: true, upSource: "support-plane", worldFromCam: render.canonicalFromCam, cameraHeightM: scene.scene.camera.position[2] },
    objects: truthObjects,
  };
  return { scene, built, truth };
}
