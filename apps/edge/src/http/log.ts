// What the edge writes to its log about failures: where, the error's kind and the first line of its
// message, cut short. Never a request payload and never a failing statement's parameters: a D1
// error's message carries the whole SQL with its bound values, which for a hostile request is tens of
// megabytes of the caller's data (and, for a legitimate one, the caller's data all the same).
const MAX_LOGGED_CHARS = 200;

/** The error's kind and a short, parameter-free excerpt of its first line. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return typeof err === "string" ? clip(err) : typeof err;
  const firstLine = (err.message ?? "").split("\n")[0];
  // D1 / SQLite errors quote the statement: keep the reason, drop the SQL and what follows it.
  const reason = firstLine.replace(/(\b(?:INSERT|UPDATE|DELETE|SELECT|REPLACE)\b[\s\S]*)$/i, "<statement omitted>");
  return `${err.name}: ${clip(reason)}`;
}

/** A short machine-readable reason for messages that reach clients (never the error's text). */
export function errorCode(err: unknown): string {
  const text = err instanceof Error ? `${err.name} ${err.message}` : String(err);
  if (/too big|too large|SQLITE_TOOBIG|exceeds/i.test(text)) return "too_large";
  if (/D1_|SQLITE/i.test(text)) return "database_error";
  if (/R2|bucket/i.test(text)) return "storage_error";
  return "internal";
}

/** A client or peer that went away: the ordinary end of a stream, not a fault to log as an error. */
export function isDisconnect(err: unknown): boolean {
  const text = err instanceof Error ? err.message : String(err);
  return /network connection lost|broken pipe|connection reset|socket (is )?closed|disconnected|WebSocket was closed|aborted/i.test(text);
}

export function logError(where: string, err: unknown): void {
  console.error(`${where}: ${describeError(err)}`);
}

function clip(text: string): string {
  return text.length > MAX_LOGGED_CHARS ? `${text.slice(0, MAX_LOGGED_CHARS)}… (${text.length} chars)` : text;
}
