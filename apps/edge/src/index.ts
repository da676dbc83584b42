// The edge worker: the Hono app and its Durable Object classes (wrangler.toml binds them).
import { createApp } from "./app.js";

export { JobRoom } from "./durable/job-room.js";
export { RunnerHub } from "./durable/runner-hub.js";
export { RateLimiter } from "./durable/rate-limiter.js";
export type { AppType } from "./app.js";

export default createApp();
