// The runner's WebSocket to the edge's runner hub (apps/edge): connect with the bearer token, say
// runner.hello, wait for hub.welcome, then heartbeat and send. Reconnects with capped exponential
// backoff (backoff.ts) and re-says hello each time; what cannot be sent meanwhile waits in a bounded
// queue (send-queue.ts) and goes out after the next welcome. HTTP 401/403 on the upgrade (or a close
// with code 4401/4403) stops it for good: retrying a wrong token forever helps nobody. So does a
// close with 4409: another live runner process holds this runner id.
import WebSocket from "ws";
import { parseHubMessage, RUNNER_ID_IN_USE, type HubMessage, type RunnerMessage } from "@spatial/shared/protocol";
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
import { DEFAULT_SEND_QUEUE, SendQueue, type SendQueueOptions } from "./send-queue.js";

export type RunnerHello = Extract<RunnerMessage, { type: "runner.hello" }>;
export type RunnerHeartbeat = Extract<RunnerMessage, { type: "runner.heartbeat" }>;
export type HubWelcome = Extract<HubMessage, { type: "hub.welcome" }>;

/** What the connection reports, one per change (main.ts logs each as one line). */
export type ConnectionEvent =
  | { type: "connecting"; attempt: number }
  | { type: "ready"; welcome: HubWelcome; flushed: number }
  | { type: "disconnected"; code: number; reason: string; retryInMs: number }
  | { type: "failed"; error: Error }
  | { type: "closed" };

export interface RunnerConnectionOptions {
  /** ws(s)://<edge>/v1/runners/connect?pool=<pool> */
  url: string;
  token: string;
  /** Built afresh for every (re)connect. */
  hello: () => RunnerHello;
  heartbeat: () => RunnerHeartbeat;
  onMessage: (message: HubMessage) => void;
  onEvent?: (event: ConnectionEvent) => void;
  backoff?: Partial<BackoffOptions>;
  queue?: Partial<SendQueueOptions>;
  /** Silence from the hub (no message, no pong) after which the socket counts as dead; default max(3 heartbeats, 15 s); 0: never. */
  livenessTimeoutMs?: number;
  random?: () => number;
}

export class RunnerAuthError extends Error {
  readonly code = "runner_unauthorized";
  constructor(readonly status: number, url: string) {
    super(`the edge refused the runner token (${status}) at ${url}: check --token / SPATIAL_RUNNER_TOKEN`);
    this.name = "RunnerAuthError";
  }
}

export class RunnerIdInUseError extends Error {
  readonly code = "runner_id_in_use";
  constructor(url: string) {
    super(`another runner connected to ${url} uses this runner id: give each runner a unique --runner-id`);
    this.name = "RunnerIdInUseError";
  }
}

export class RunnerConnection {
  /** Resolves after close(); rejects with RunnerAuthError when the edge refuses the token. */
  readonly done: Promise<void>;
  private socket?: WebSocket;
  private welcome?: HubWelcome;
  private readonly queue: SendQueue;
  private readonly backoff: BackoffOptions;
  private attempt = 0;
  private readyAt = 0;
  private lastHeardAt = 0;
  private stopped = false;
  private fatal?: Error;
  private retryTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private settle!: { resolve: () => void; reject: (e: Error) => void };

  constructor(private readonly options: RunnerConnectionOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.queue = new SendQueue({ ...DEFAULT_SEND_QUEUE, ...options.queue });
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => {}); // callers that never await `done` still see `failed` events
  }

  /** True between hub.welcome and the socket's close. */
  get ready(): boolean {
    return this.welcome !== undefined && this.socket?.readyState === WebSocket.OPEN;
  }

  get queued(): SendQueue {
    return this.queue;
  }

  start(): this {
    if (!this.socket && !this.stopped) this.connect();
    return this;
  }

  /** Sends now when ready, else queues (see send-queue.ts for what the queue may drop). */
  send(message: RunnerMessage): void {
    if (this.stopped) return;
    const text = JSON.stringify(message);
    if (this.ready) this.socket!.send(text);
    else this.queue.push(message, text);
  }

  /** Stops reconnecting and closes the socket (code 1000) after what was sent has gone out. */
  close(reason = "runner shutting down"): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      clearTimeout(this.retryTimer);
      const socket = this.socket;
      if (socket && socket.readyState !== WebSocket.CLOSED) {
        socket.close(1000, reason);
        // A hub that never answers the close frame must not hold the process.
        setTimeout(() => socket.terminate(), 2_000).unref();
      } else this.finish();
    }
    return this.done.catch(() => {});
  }

  private connect(): void {
    this.options.onEvent?.({ type: "connecting", attempt: this.attempt });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.options.url, { headers: { authorization: `Bearer ${this.options.token}` }, handshakeTimeout: 15_000 });
    } catch (error) {
      this.stopped = true;
      this.fatal = new Error(`cannot connect to ${this.options.url}: ${(error as Error).message}`);
      this.options.onEvent?.({ type: "failed", error: this.fatal });
      return this.settle.reject(this.fatal);
    }
    this.socket = socket;
    let lastError = "";
    socket.on("unexpected-response", (_req, res) => {
      const status = res.statusCode ?? 0;
      lastError = `HTTP ${status} on upgrade`;
      if (status === 401 || status === 403) this.fatal = new RunnerAuthError(status, this.options.url);
      res.resume();
      socket.terminate();
    });
    socket.on("open", () => {
      this.lastHeardAt = Date.now();
      socket.send(JSON.stringify(this.options.hello()));
    });
    socket.on("message", (data, isBinary) => {
      this.lastHeardAt = Date.now();
      if (isBinary) return;
      const message = parseHubMessage(data.toString());
      if (!message) return; // a type added later, or garbage: ignore
      if (message.type === "hub.welcome") this.onWelcome(socket, message);
      this.options.onMessage(message);
    });
    socket.on("pong", () => (this.lastHeardAt = Date.now()));
    socket.on("error", (error) => (lastError ||= error.message));
    socket.on("close", (code, reason) => {
      if (code === 4401 || code === 4403) this.fatal ??= new RunnerAuthError(code - 4000, this.options.url);
      if (code === RUNNER_ID_IN_USE) this.fatal ??= new RunnerIdInUseError(this.options.url);
      this.onClose(socket, code, reason.toString() || lastError);
    });
  }

  private onWelcome(socket: WebSocket, welcome: HubWelcome): void {
    this.welcome = welcome;
    this.readyAt = Date.now();
    const pending = this.queue.drain();
    this.options.onEvent?.({ type: "ready", welcome, flushed: pending.length });
    socket.send(JSON.stringify(this.options.heartbeat()));
    // The fresh heartbeat above supersedes any queued one.
    for (const { message, text } of pending) if (message.type !== "runner.heartbeat") socket.send(text);
    const interval = welcome.heartbeatIntervalMs;
    const liveness = this.options.livenessTimeoutMs ?? Math.max(3 * interval, 15_000);
    let lastTick = Date.now();
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      const now = Date.now();
      // A late tick means this thread was busy (the pipeline runs on it), not that the hub went quiet:
      // what it sent is still unread, so judge silence only on a tick that came on time.
      const onTime = now - lastTick < interval + 1_000;
      lastTick = now;
      if (socket.readyState !== WebSocket.OPEN) return;
      if (onTime && liveness > 0 && now - this.lastHeardAt > liveness) return socket.terminate();
      socket.send(JSON.stringify(this.options.heartbeat()));
      socket.ping();
    }, interval);
    this.heartbeatTimer.unref();
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    clearInterval(this.heartbeatTimer);
    const wasReady = this.welcome !== undefined;
    this.welcome = undefined;
    this.socket = undefined;
    if (this.stopped) return this.finish();
    if (this.fatal) {
      this.stopped = true;
      this.options.onEvent?.({ type: "failed", error: this.fatal });
      return this.settle.reject(this.fatal);
    }
    if (wasReady && Date.now() - this.readyAt >= this.backoff.stableAfterMs) this.attempt = 0;
    const retryInMs = backoffDelayMs(this.attempt++, this.backoff, this.options.random);
    this.options.onEvent?.({ type: "disconnected", code, reason, retryInMs });
    this.retryTimer = setTimeout(() => this.connect(), retryInMs);
  }

  private finish(): void {
    clearInterval(this.heartbeatTimer);
    this.options.onEvent?.({ type: "closed" });
    this.settle.resolve();
  }
}
