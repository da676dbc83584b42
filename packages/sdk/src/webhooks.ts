// For webhook receivers: checks a delivery exactly as the Standard Webhooks specification says
// (the `standardwebhooks` library's own verifier: signature, and a timestamp within 5 minutes).
import { Webhook } from "standardwebhooks";

/**
 * The delivery's payload (`{ type, timestamp, data }`) if `body` was signed with the batch's
 * `secret` (whsec_…), else throws. Pass the raw body text, before any JSON parsing.
 * Deduplicate by `headers["webhook-id"]`: a retried delivery keeps its id.
 */
export function verifyWebhook(secret: string, headers: Record<string, string> | Headers, body: string): { type: string; timestamp: string; data: unknown } {
  const plain = headers instanceof Headers ? Object.fromEntries(headers.entries()) : Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return new Webhook(secret).verify(body, plain) as { type: string; timestamp: string; data: unknown };
}
