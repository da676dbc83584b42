// The cron side of batches: every unfinished batch's room runs its reconcile pass (batch-room.ts),
// so a batch whose messages and alarm were both lost still moves on.
import { inArray } from "drizzle-orm";
import { database } from "../db/client.js";
import { batches } from "../db/schema.js";
import type { EdgeEnv } from "../env.js";
import { logError } from "../http/log.js";

export async function reconcileAllBatches(env: EdgeEnv): Promise<number> {
  const open = await database(env.DB).select({ id: batches.id }).from(batches).where(inArray(batches.status, ["queued", "running", "finalizing"]));
  await Promise.all(open.map(async ({ id }) => {
    try {
      await env.BATCH_ROOM.get(env.BATCH_ROOM.idFromName(id)).kick();
    } catch (err) {
      logError(`reconcile of batch ${id}`, err);
    }
  }));
  return open.length;
}
