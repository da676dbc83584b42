// One RateLimiter per API key (id = key id): the key's token bucket, kept in the object's storage so
// that eviction does not refill it. One small object per key keeps the check off any global hot spot.
import { DurableObject } from "cloudflare:workers";
import type { EdgeEnv } from "../env.js";
import { take, type Bucket, type BucketLimits, type Verdict } from "./token-bucket.js";

export class RateLimiter extends DurableObject<EdgeEnv> {
  async take(limits: BucketLimits): Promise<Verdict> {
    const { bucket, verdict } = take(await this.ctx.storage.get<Bucket>("bucket"), Date.now(), limits);
    await this.ctx.storage.put("bucket", bucket);
    return verdict;
  }
}
