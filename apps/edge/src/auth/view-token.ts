// Job-scoped, expiring read tokens for browsers: EventSource and browser WebSockets cannot send an
// Authorization header, so the events URLs the API returns carry `?token=`. A token names one job,
// its tenant, the API key that created it and an expiry, signed with HMAC-SHA256 (VIEW_TOKEN_SECRET);
// it reads that job's events and nothing else, and only while that key is not revoked (the
// middleware checks the key on every use: a token must not outlive the credential it came from).
import { base64url } from "./crypto.js";

const encoder = new TextEncoder();

async function hmac(secret: string, data: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(data)));
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

export interface ViewClaims {
  jobId: string;
  tenantId: string;
  /** The API key the job was created with. */
  keyId: string;
}

export async function signViewToken(secret: string, claims: ViewClaims, expiresAtS: number): Promise<string> {
  const payload = base64url(encoder.encode(JSON.stringify({ j: claims.jobId, t: claims.tenantId, k: claims.keyId, e: expiresAtS })));
  return `${payload}.${base64url(await hmac(secret, payload))}`;
}

/** The token's claims when it is genuine, unexpired and for `jobId`; otherwise null. */
export async function verifyViewToken(secret: string, token: string, jobId: string, nowS = Math.floor(Date.now() / 1000)): Promise<ViewClaims | null> {
  if (!secret) return null;
  const [payload, signature, ...rest] = token.split(".");
  if (!payload || !signature || rest.length > 0) return null;
  const given = fromBase64url(signature);
  const expected = await hmac(secret, payload);
  if (!given || given.length !== expected.length) return null;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= given[i] ^ expected[i];
  if (diff !== 0) return null;
  const bytes = fromBase64url(payload);
  if (!bytes) return null;
  try {
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { j?: unknown; t?: unknown; k?: unknown; e?: unknown };
    if (claims.j !== jobId || typeof claims.t !== "string" || typeof claims.k !== "string" || typeof claims.e !== "number" || claims.e < nowS) return null;
    return { jobId, tenantId: claims.t, keyId: claims.k };
  } catch {
    return null;
  }
}
