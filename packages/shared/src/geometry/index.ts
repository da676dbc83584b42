// Frame-agnostic entry point: each module states its own frame in its header comment.
export * from "./types.js";
export * from "./camera.js";
export * from "./random.js";
export * from "./spatial-grid.js";
export * from "./knn.js";
export * from "./voxel-downsample.js";
export * from "./statistical-outliers.js";
export * from "./plane-ransac.js";
export * from "./dbscan.js";
export * from "./boxes.js";
export * from "./vec3.js";
export * from "./rigid.js";
export * from "./gravity.js";
export * from "./footprint-fit.js";
export * from "./solid-distance.js";
export * from "./object-extract.js";
