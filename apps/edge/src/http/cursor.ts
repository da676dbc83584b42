// Opaque cursors of list routes: base64url of "createdAtMs:id", the last row of the previous page,
// so pages stay stable while new rows arrive (rows are listed newest first, ties by id).
import { badRequest } from "./errors.js";

export function encodeCursor(createdAtMs: number, id: string): string {
  return btoa(`${createdAtMs}:${id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string): { createdAtMs: number; id: string } {
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw badRequest("cursor", "is not a cursor this API returned");
  }
  const m = /^(\d+):(.+)$/.exec(text);
  if (!m) throw badRequest("cursor", "is not a cursor this API returned");
  return { createdAtMs: Number(m[1]), id: m[2] };
}
