// What the runner could not send while disconnected, sent in order after the next hub.welcome.
// Bounded: past `maxMessages` (or `maxBytes`) it drops, in this order, (1) queued heartbeats, oldest
// first — only the newest matters and a fresh one follows every welcome anyway; (2) all queued
// events of the oldest job that is no longer live (finished, cancelled or abandoned: the hub re-leases
// such a job after its lease times out, and a stream with holes is worse than none). It never drops
// events of live jobs, so the bound is soft by at most concurrency × events per job (about 20 +
// objects + questions each; a scene.graph event is the only big one, ~0.5 KB per object).
import type { RunnerMessage } from "@spatial/shared/protocol";

export interface SendQueueOptions {
  maxMessages: number;
  maxBytes: number;
  /** Whether a job's events must be kept; default: every job is live. */
  isLive?: (jobId: string) => boolean;
}

export const DEFAULT_SEND_QUEUE: Omit<SendQueueOptions, "isLive"> = { maxMessages: 5_000, maxBytes: 32 * 1024 * 1024 };

interface Entry {
  message: RunnerMessage;
  text: string;
}

export class SendQueue {
  private entries: Entry[] = [];
  private bytes = 0;
  /** Messages dropped so far, by kind. */
  readonly dropped = { heartbeats: 0, jobEvents: 0 };

  constructor(private readonly options: SendQueueOptions = DEFAULT_SEND_QUEUE) {}

  get length(): number {
    return this.entries.length;
  }

  get byteLength(): number {
    return this.bytes;
  }

  push(message: RunnerMessage, text = JSON.stringify(message)): void {
    // Only the newest heartbeat says anything: it replaces older queued ones.
    if (message.type === "runner.heartbeat") this.remove((e) => e.message.type === "runner.heartbeat", "heartbeats");
    this.entries.push({ message, text });
    this.bytes += text.length;
    this.shrink();
  }

  /** Takes every queued message, oldest first. */
  drain(): Entry[] {
    const out = this.entries;
    this.entries = [];
    this.bytes = 0;
    return out;
  }

  /** Forgets a job's queued events (e.g. it was cancelled: the hub wants nothing more of it). */
  dropJob(jobId: string): void {
    this.remove((e) => e.message.type === "job.event" && e.message.jobId === jobId, "jobEvents");
  }

  private overLimit(): boolean {
    return this.entries.length > this.options.maxMessages || this.bytes > this.options.maxBytes;
  }

  private shrink(): void {
    const isLive = this.options.isLive ?? (() => true);
    while (this.overLimit()) {
      const heartbeat = this.entries.findIndex((e) => e.message.type === "runner.heartbeat");
      if (heartbeat >= 0) {
        this.removeAt(heartbeat, "heartbeats");
        continue;
      }
      const stale = this.entries.find((e) => e.message.type === "job.event" && !isLive(e.message.jobId));
      if (!stale || stale.message.type !== "job.event") return; // only live jobs' events left: keep them
      this.dropJob(stale.message.jobId);
    }
  }

  private removeAt(index: number, kind: keyof SendQueue["dropped"]): void {
    const [gone] = this.entries.splice(index, 1);
    this.bytes -= gone!.text.length;
    this.dropped[kind]++;
  }

  private remove(match: (e: Entry) => boolean, kind: keyof SendQueue["dropped"]): void {
    for (let i = this.entries.length - 1; i >= 0; i--) if (match(this.entries[i]!)) this.removeAt(i, kind);
  }
}
