// The data engine's outputs: per-image QA synthesis with its filters, and the dataset files
// (JSON Lines, LLaVA, ShareGPT, Parquet + card, PLY point clouds, report). Pure: runs in Workers.
export * from "./options.js";
export * from "./synthesize-item.js";
export * from "./rows.js";
export * from "./conversations.js";
export * from "./parquet.js";
export * from "./pointclouds.js";
export * from "./report.js";
export * from "./card.js";
export * from "./write-dataset.js";
