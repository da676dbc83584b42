// Test helpers with exact ground truth: a ray-casting scene renderer and seeded random scenes.
export * from "./render-scene.js";
export * from "./random-scene.js";
