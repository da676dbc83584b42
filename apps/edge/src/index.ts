// The edge worker: the Hono app and its Durable Object classes (wrangler.toml binds them).
import { createApp } from "./app.js";
import type { EdgeEnv } from "./env.js";
import { reconcileAllPools } from "./jobs/reconcile.js";
import { consumeBatchMessages } from "./batches/consumer.js";
import { reconcileAllBatches } from "./batches/reconcile.js";
import type { BatchMessage } from "./batches/messages.js";
import { consumeWebhookMessages } from "./webhooks/deliver.js";
import type { WebhookMessage } from "./webhooks/messages.js";

/** wrangler.toml's webhook queue (every other queue message is a batch message). */
const WEBHOOK_QUEUE_NAME = "spatial-webhooks";

export { JobRoom } from "./durable/job-room.js";
export { RunnerHub } from "./durable/runner-hub.js";
export { RateLimiter } from "./durable/rate-limiter.js";
export { BatchRoom } from "./durable/batch-room.js";
export type { AppType } from "./app.js";

const app = createApp();

export default {
  fetch: app.fetch,
  /**
   * Cron backstop of durable submission (wrangler.toml [triggers]): every pool with unfinished jobs
   * and every unfinished batch gets a reconcile pass, so work orphaned while nothing else wakes its
   * Durable Object still runs or times out.
   */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(Promise.all([reconcileAllPools(env), reconcileAllBatches(env)]));
  },
  /** The batch queue (items: expand, start, ended, finalize) and the webhook queue (one attempt per message). */
  async queue(batch, env) {
    if (batch.queue === WEBHOOK_QUEUE_NAME) await consumeWebhookMessages(batch as MessageBatch<WebhookMessage>, env);
    else await consumeBatchMessages(batch as MessageBatch<BatchMessage>, env);
  },
} satisfies ExportedHandler<EdgeEnv, BatchMessage | WebhookMessage>;
