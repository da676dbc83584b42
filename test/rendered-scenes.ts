// Shared by the end-to-end tests: lifts a rendered scene with the real pipeline (exact depth, exact
// masks, rendered colours) and builds the ground-truth graph from the renderer's own objects in
// the canonical frame.
import { buildSceneGraph, type BuiltScene } from "../packages/shared/src/spatial/build-scene.js";
import type { SceneGraph, SceneObject } from "../packages/shared/src/spatial/scene-graph.js";
import { depthImage, maskOf, randomScene, renderScene, type RandomScene, type RandomSceneOptions, type SceneRender, type SceneSpec } from "../packages/shared/src/testing/index.js";

export interface LiftedRender {
  render: SceneRender;
  built: BuiltScene;
  /** Same ids and order as `built.graph.objects`, boxes and frame from the renderer's truth. */
  truth: SceneGraph;
}

export interface LiftedScene extends LiftedRender {
  scene: RandomScene;
}

/** Lifts every visible object of a render; `cameraHeightM` is the truth's camera height. */
export function liftRender(render: SceneRender, cameraHeightM: number): LiftedRender {
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
    frame: { canonicalized: true, upSource: "support-plane", worldFromCam: render.canonicalFromCam, cameraHeightM },
    objects: truthObjects,
  };
  return { render, built, truth };
}

export function liftScene(spec: SceneSpec): LiftedRender {
  return liftRender(renderScene(spec), spec.camera.position[2]);
}

export function liftRandomScene(seed: number, options: RandomSceneOptions = {}): LiftedScene {
  const scene = randomScene(seed, options);
  return { scene, ...liftRender(scene.render, scene.scene.camera.position[2]) };
}
