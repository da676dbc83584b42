// Tests only (Node): a real local HTTP server speaking the OpenAI chat-completions protocol, for the
// planner and VLM clients. Each request is recorded; `reply` decides the response, which may also
// be "hang" (never answer) or "stall" (send headers and part of a body, then nothing). Not
// exported from the package: it needs node:http.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatRequest {
  url: string;
  headers: IncomingHttpHeaders;
  body: ChatBody;
}

export interface ChatBody {
  model: string;
  max_tokens?: number;
  tools?: Array<{ function: { name: string } }>;
  messages: Array<{ role: string; content: string | Array<{ type: string; text?: string; image_url?: { url: string } }> }>;
}

export type ChatReply = { status: number; body: string } | "hang" | "stall";

export interface TestChatServer {
  /** e.g. "http://127.0.0.1:PORT/v1". */
  baseUrl: string;
  received: ChatRequest[];
  reply: (request: ChatRequest) => ChatReply;
  close(): Promise<void>;
}

export const completion = (content: string): ChatReply => ({ status: 200, body: JSON.stringify({ id: "c1", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] }) });
export const toolCall = (name: string, args: unknown): ChatReply => ({ status: 200, body: JSON.stringify({ choices: [{ message: { role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name, arguments: JSON.stringify(args) } }] } }] }) });

/** A request with vision content: its text parts and image URLs. */
export function userParts(body: ChatBody): { text: string; imageUrls: string[] } {
  const user = body.messages.find((m) => m.role === "user");
  const parts = typeof user?.content === "string" ? [{ type: "text", text: user.content }] : (user?.content ?? []);
  return { text: parts.map((p) => p.text ?? "").join(""), imageUrls: parts.flatMap((p) => (p.image_url ? [p.image_url.url] : [])) };
}

export async function startChatServer(): Promise<TestChatServer> {
  const held: ServerResponse[] = [];
  const state: TestChatServer = {
    baseUrl: "",
    received: [],
    reply: () => ({ status: 500, body: "{}" }),
    close: () => new Promise<void>((resolve) => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ChatRequest = { url: req.url ?? "", headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatBody };
      state.received.push(request);
      const reply = req.url === "/v1/chat/completions" && req.method === "POST" ? state.reply(request) : { status: 404, body: "{}" };
      if (reply === "hang") return void held.push(res);
      if (reply === "stall") {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"choices":[{"message":{"content":"The');
        return void held.push(res);
      }
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return state;
}
