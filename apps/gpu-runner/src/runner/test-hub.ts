// A stand-in for the edge's runner hub, for tests: one node:http server on 127.0.0.1 that serves
// GET /v1/runner/blobs/<key> and upgrades /v1/runners/connect?pool=... to a `ws` WebSocket speaking
// the runner protocol (welcome on hello, assign, cancel, drop). It records every runner message it
// receives, with the connection it came on. Not the real edge (apps/edge): it isolates the runner.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { PROTOCOL_VERSION, parseRunnerMessage, type BlobRef, type HubMessage, type JobSpec, type RunnerMessage } from "@spatial/shared/protocol";

export interface StandInHubOptions {
  token?: string;
  heartbeatIntervalMs?: number;
  leaseTimeoutMs?: number;
  /** Answer upgrades with this HTTP status instead of accepting them (e.g. 503), while set. */
  refuseWith?: number;
  /** Milliseconds to wait before answering a blob request (a slow network). */
  blobDelayMs?: number;
  /** Whether the socket answers pings (ws does by default). */
  autoPong?: boolean;
}

export interface Received {
  /** 1 for the first accepted connection, 2 for the next, ... */
  connection: number;
  at: number;
  message: RunnerMessage;
}

export class StandInHub {
  readonly received: Received[] = [];
  /** Times (ms) of every upgrade request, accepted or not. */
  readonly upgrades: number[] = [];
  readonly pools: string[] = [];
  refuseWith: number | undefined;
  private connections = 0;
  private socket: WebSocket | undefined;
  readonly blobs = new Map<string, { bytes: Buffer; contentType: string }>();
  private readonly waiters = new Set<() => void>();
  private readonly wss: WebSocketServer;

  private constructor(private readonly server: Server, readonly options: Required<Omit<StandInHubOptions, "refuseWith" | "blobDelayMs">> & { refuseWith?: number; blobDelayMs?: number }) {
    this.refuseWith = options.refuseWith;
    this.wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong });
    server.on("request", async (req, res) => {
      if (this.options.blobDelayMs) await new Promise((resolve) => setTimeout(resolve, this.options.blobDelayMs));
      const key = req.url?.startsWith("/v1/runner/blobs/") ? decodeURIComponent(req.url.slice("/v1/runner/blobs/".length)) : undefined;
      if (req.method === "PUT" && key?.startsWith("out/") && this.authorized(req)) {
        // Outputs the runner stores (depth maps, point clouds), as the edge's PUT route does.
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        this.blobs.set(key, { bytes: Buffer.concat(chunks), contentType: req.headers["content-type"] ?? "application/octet-stream" });
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ key }));
        return;
      }
      const blob = key !== undefined ? this.blobs.get(key) : undefined;
      if (!this.authorized(req)) res.writeHead(401).end("unauthorized");
      else if (!blob) res.writeHead(404).end("not found");
      else res.writeHead(200, { "content-type": blob.contentType, "content-length": blob.bytes.length }).end(blob.bytes);
    });
    server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
      socket.on("error", () => {}); // a runner that hangs up on a refusal resets the socket
      this.upgrades.push(Date.now());
      this.notify();
      const url = new URL(req.url ?? "/", "http://hub");
      const status = url.pathname !== "/v1/runners/connect" ? 404 : !this.authorized(req) ? 401 : this.refuseWith;
      if (status) {
        socket.end(`HTTP/1.1 ${status} Refused\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
        return;
      }
      this.pools.push(url.searchParams.get("pool") ?? "");
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  static async start(options: StandInHubOptions = {}): Promise<StandInHub> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new StandInHub(server, { token: "test-token", heartbeatIntervalMs: 1_000, leaseTimeoutMs: 30_000, autoPong: true, ...options });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves bytes under a key; returns their BlobRef (with sha256). */
  addBlob(key: string, bytes: Buffer, contentType: string): BlobRef {
    this.blobs.set(key, { bytes, contentType });
    return { key, contentType, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
  }

  send(message: HubMessage | Record<string, unknown>): void {
    if (!this.socket) throw new Error("stand-in hub: no runner connected");
    this.socket.send(JSON.stringify(message));
  }

  assign(job: JobSpec, leaseId: string, attempt = 1): void {
    this.send({ v: PROTOCOL_VERSION, type: "job.assign", leaseId, attempt, job });
  }

  cancel(jobId: string, leaseId: string): void {
    this.send({ v: PROTOCOL_VERSION, type: "job.cancel", jobId, leaseId });
  }

  /** Cuts the runner off without a close handshake, as a crashed edge would. */
  drop(): void {
    this.socket?.terminate();
  }

  /** The events of a job, in the order received, over every connection. */
  events(jobId: string): { connection: number; event: Extract<RunnerMessage, { type: "job.event" }>["event"] }[] {
    return this.received.flatMap((r) => (r.message.type === "job.event" && r.message.jobId === jobId ? [{ connection: r.connection, event: r.message.event }] : []));
  }

  /** Resolves when `check` returns something truthy (checked now and on every hub activity). */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 20_000, what = "a condition"): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (!value) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => (cleanup(), reject(new Error(`stand-in hub: timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
      const cleanup = () => (clearTimeout(timer), this.waiters.delete(attempt));
      this.waiters.add(attempt);
      attempt();
    });
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.options.token}`;
  }

  private accept(ws: WebSocket): void {
    const connection = ++this.connections;
    this.socket = ws;
    ws.on("message", (data) => {
      const message = parseRunnerMessage(data.toString());
      if (!message) throw new Error(`stand-in hub: the runner sent a message that does not parse: ${data.toString().slice(0, 200)}`);
      this.received.push({ connection, at: Date.now(), message });
      if (message.type === "runner.hello") {
        ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: "hub.welcome", runnerId: message.runnerId, heartbeatIntervalMs: this.options.heartbeatIntervalMs, leaseTimeoutMs: this.options.leaseTimeoutMs }));
      }
      this.notify();
    });
    ws.on("close", () => {
      if (this.socket === ws) this.socket = undefined;
      this.notify();
    });
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
