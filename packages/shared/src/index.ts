// Pure TypeScript shared by the edge, the runners and the SDK (Workers, Node and the browser).
export * as geometry from "./geometry/index.js";
export * from "./spatial/index.js";
export { buildSceneGraph, type BuiltScene, type ObjectObservation, type SceneInput } from "./spatial/build-scene.js";
