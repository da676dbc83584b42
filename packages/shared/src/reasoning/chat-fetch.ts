// The slice of `fetch` the chat-completions clients (planner, VLM) use: the global fetch in
// Workers, Node and browsers, or a test's. Bodies are read as text so that a reply that is not JSON
// is an error the caller reports, not a throw.
export type ChatFetch = (input: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export const globalChatFetch: ChatFetch = (input, init) => fetch(input, init);

/** `{baseUrl}/chat/completions`, whatever trailing slashes the configured base URL has. */
export const chatCompletionsUrl = (baseUrl: string) => `${baseUrl.replace(/\/+$/, "")}/chat/completions`;
