// The edge worker: the Hono app and its Durable Object classes (wrangler.toml binds them).
import { createApp } from "./app.js";
import type { EdgeEnv } from "./env.js";
import { reconcileAllPools } from "./jobs/reconcile.js";

export { JobRoom } from "./durable/job-room.js";
export { RunnerHub } from "./durable/runner-hub.js";
export { RateLimiter } from "./durable/rate-limiter.js";
export type { AppType } from "./app.js";

const app = createApp();

export default {
  fetch: app.fetch,
  /**
   * Cron backstop of durable submission (wrangler.toml [triggers]): every pool with unfinished jobs
   * gets a reconcile pass, so a job orphaned while no runner connects and nothing else wakes its hub
   * still runs or times out.
   */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(reconcileAllPools(env));
  },
} satisfies ExportedHandler<EdgeEnv>;
