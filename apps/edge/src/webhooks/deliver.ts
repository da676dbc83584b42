// Webhooks, as the Standard Webhooks specification says: each delivery has an id (`webhook-id`, the
// receiver's idempotency key), a timestamp and a signature made with the `standardwebhooks`
// library; the body is `{ type, timestamp, data }`. Deliveries ride a queue, one message per attempt,
// delayed by the retry schedule (WEBHOOK_RETRY_SCHEDULE_S: immediately, 5 s, 5 min, 30 min, 2 h, 5 h,
// 10 h, 10 h), so a slow or dead receiver never blocks a batch. A 410 disables the batch's endpoint;
// a 429's Retry-After is honoured; after the last attempt the delivery is failed. Every attempt is
// recorded (GET /v1/batches/:id/deliveries), and a delivery can be sent again by hand.
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { randomToken } from "../auth/crypto.js";
import { database } from "../db/client.js";
import { batches, webhookDeliveries, type BatchRow } from "../db/schema.js";
import { settings, type EdgeEnv } from "../env.js";
import type { BatchEvent, BatchEventType } from "@spatial/shared/protocol";
import { DEFAULT_WEBHOOK_EVENTS } from "../batches/store.js";
import { checkPublicUrl } from "../jobs/public-url.js";

const ATTEMPT_TIMEOUT_MS = 10_000;

/** A new signing secret: `whsec_` + base64 of 24 random bytes (what the library's verifier expects). */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** Records a delivery of `event` when the batch's webhook wants it, and queues its first attempt. */
export async function enqueueDelivery(env: EdgeEnv, batchId: string, event: BatchEvent): Promise<void> {
  const db = database(env.DB);
  const batch = await db.query.batches.findFirst({ where: eq(batches.id, batchId) });
  if (!batch?.webhookUrl || batch.webhookDisabledAt) return;
  const wanted = (batch.webhookEvents as BatchEventType[] | null) ?? DEFAULT_WEBHOOK_EVENTS;
  if (!wanted.includes(event.type)) return;
  const id = `msg_${randomToken(18)}`;
  const payload = JSON.stringify({ type: event.type, timestamp: event.at, data: event });
  await db.insert(webhookDeliveries).values({ id, batchId, eventType: event.type, payload, status: "pending", createdAt: new Date(), nextAttemptAt: new Date() });
  await env.WEBHOOK_QUEUE.send({ deliveryId: id }, { delaySeconds: settings(env).webhookScheduleS[0] ?? 0 });
}

export type AttemptOutcome = { delivered: true } | { delivered: false; retryInS: number | null; disable: boolean };

/** One attempt of one delivery; returns what happened (the queue consumer schedules the next). */
export async function attemptDelivery(env: EdgeEnv, deliveryId: string, fetcher: typeof fetch = fetch): Promise<AttemptOutcome | null> {
  const db = database(env.DB);
  const delivery = await db.query.webhookDeliveries.findFirst({ where: eq(webhookDeliveries.id, deliveryId) });
  if (!delivery || delivery.status !== "pending") return null;
  const batch = (await db.query.batches.findFirst({ where: eq(batches.id, delivery.batchId) })) as BatchRow;
  const cfg = settings(env);
  const attempts = delivery.attempts + 1;
  let status: number | null = null;
  let error: string | null = null;
  let retryAfterS: number | null = null;
  if (!batch.webhookUrl || !batch.webhookSecret || batch.webhookDisabledAt) {
    error = "the batch's webhook is disabled";
  } else {
    try {
      const url = cfg.allowPrivateWebhooks ? new URL(batch.webhookUrl) : checkPublicUrl(batch.webhookUrl);
      const timestamp = new Date();
      const signature = new Webhook(batch.webhookSecret).sign(delivery.id, timestamp, delivery.payload);
      const res = await fetcher(url, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        headers: { "content-type": "application/json", "webhook-id": delivery.id, "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)), "webhook-signature": signature },
        body: delivery.payload,
      });
      status = res.status;
      const retryAfter = Number(res.headers.get("retry-after"));
      if (Number.isFinite(retryAfter) && retryAfter > 0) retryAfterS = retryAfter;
      await res.body?.cancel();
    } catch (err) {
      error = err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200);
    }
  }
  const now = new Date();
  if (status !== null && status >= 200 && status < 300) {
    await db.update(webhookDeliveries).set({ status: "delivered", attempts, lastStatusCode: status, lastError: null, deliveredAt: now, nextAttemptAt: null }).where(eq(webhookDeliveries.id, deliveryId));
    return { delivered: true };
  }
  const disable = status === 410;
  if (disable) await db.update(batches).set({ webhookDisabledAt: now }).where(eq(batches.id, batch.id));
  const scheduled = cfg.webhookScheduleS[attempts];
  const retryInS = disable || scheduled === undefined || error === "the batch's webhook is disabled" ? null : Math.max(scheduled, status === 429 ? retryAfterS ?? 0 : 0);
  await db.update(webhookDeliveries).set({
    status: retryInS === null ? "failed" : "pending", attempts, lastStatusCode: status, lastError: error ?? (status !== null ? `HTTP ${status}` : null),
    nextAttemptAt: retryInS === null ? null : new Date(now.getTime() + retryInS * 1000),
  }).where(eq(webhookDeliveries.id, deliveryId));
  return { delivered: false, retryInS, disable };
}

/** The webhook queue's consumer: one attempt per message, the next one queued with its delay. */
export async function consumeWebhookMessages(batch: MessageBatch<{ deliveryId: string }>, env: EdgeEnv): Promise<void> {
  for (const message of batch.messages) {
    try {
      const outcome = await attemptDelivery(env, message.body.deliveryId);
      // Queues delay a message by at most 12 h; the schedule's longest wait is 10 h.
      if (outcome && !outcome.delivered && outcome.retryInS !== null) await env.WEBHOOK_QUEUE.send({ deliveryId: message.body.deliveryId }, { delaySeconds: Math.min(outcome.retryInS, 43_200) });
      message.ack();
    } catch {
      message.retry({ delaySeconds: 5 });
    }
  }
}

/** Sends a delivery again now (manual redelivery), whatever its state. */
export async function redeliver(env: EdgeEnv, deliveryId: string): Promise<void> {
  await database(env.DB).update(webhookDeliveries).set({ status: "pending", nextAttemptAt: new Date() }).where(eq(webhookDeliveries.id, deliveryId));
  await env.WEBHOOK_QUEUE.send({ deliveryId });
}

