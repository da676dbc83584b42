// The cron side of durable submission: each pool with unfinished jobs gets its hub's reconcile pass
// (runner-hub.ts), which queues the pool's orphaned jobs again or lets them time out.
import { inArray } from "drizzle-orm";
import { database } from "../db/client.js";
import { jobs } from "../db/schema.js";
import type { EdgeEnv } from "../env.js";
import { logError } from "../http/log.js";
import { hubOf } from "./create.js";

export async function reconcileAllPools(env: EdgeEnv): Promise<{ pool: string; requeued: number; repaired: number }[]> {
  const pools = await database(env.DB).selectDistinct({ pool: jobs.pool }).from(jobs).where(inArray(jobs.status, ["queued", "running"]));
  const results = await Promise.all(pools.map(async ({ pool }) => {
    try {
      const hub = hubOf(env, pool);
      await hub.adopt(pool);
      return { pool, ...(await hub.reconcile()) };
    } catch (err) {
      logError(`reconcile of pool ${pool}`, err);
      return { pool, requeued: 0, repaired: 0 };
    }
  }));
  return results;
}
