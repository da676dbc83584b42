/** One attempt of a webhook delivery (its row in D1 holds the payload and the attempt count). */
export interface WebhookMessage {
  deliveryId: string;
}
