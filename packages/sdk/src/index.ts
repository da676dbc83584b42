// The Spatial SDK: a typed client of the edge API for browsers, Workers and Node.
export * from "./client.js";
export * from "./errors.js";
export * from "./blobs.js";
export type { EventOf, EventsOptions, EventType, TerminalEvent } from "./events.js";
export { backoffMs, parseRetryAfterMs, retryPolicy, type RetryOptions, type RetryPolicy } from "./retry.js";
export { batchApi, FORMAT_FILES } from "./batches.js";
export { verifyWebhook } from "./webhooks.js";
export { rewardApi, type CreatedReward, type RewardEvent, type RewardFrame, type RewardInput, type RewardView } from "./rewards.js";
