// Fetches a client's imageUrl: every hop (redirects are followed by hand, at most MAX_REDIRECTS)
// must pass checkPublicUrl; the whole fetch has a deadline; the body is capped by Content-Length
// and by the bytes actually read.
import { ApiError } from "../http/errors.js";
import { IMAGE_MAX_BYTES, readLimited, tooLarge } from "./limits.js";
import { checkPublicUrl } from "./public-url.js";

export interface FetchImageOptions {
  fetcher?: (input: Request) => Promise<Response>;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
}

const failed = (message: string) => new ApiError(400, "url_fetch_failed", `imageUrl: ${message}`);

export async function fetchImage(rawUrl: string, opts: FetchImageOptions = {}): Promise<{ bytes: Uint8Array; url: string }> {
  const { fetcher = (r) => fetch(r), maxBytes = IMAGE_MAX_BYTES, timeoutMs = 10_000, maxRedirects = 3 } = opts;
  const signal = AbortSignal.timeout(timeoutMs);
  let url = checkPublicUrl(rawUrl);
  try {
    for (let hop = 0; ; hop++) {
      const res = await fetcher(new Request(url, { redirect: "manual", signal, headers: { Accept: "image/*" } }));
      if ([301, 302, 303, 307, 308].includes(res.status)) {
        await res.body?.cancel();
        const location = res.headers.get("Location");
        if (!location) throw failed(`redirect ${res.status} without a Location`);
        if (hop >= maxRedirects) throw failed(`more than ${maxRedirects} redirects`);
        url = checkPublicUrl(new URL(location, url));
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw failed(`the server answered ${res.status}`);
      }
      const length = Number(res.headers.get("Content-Length") ?? NaN);
      if (length > maxBytes) {
        await res.body?.cancel();
        throw tooLarge("imageUrl's image", maxBytes);
      }
      return { bytes: await readLimited(res.body, maxBytes, "imageUrl's image"), url: url.toString() };
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (signal.aborted) throw failed(`no complete answer within ${timeoutMs} ms`);
    throw failed(`could not fetch (${err instanceof Error ? err.message : String(err)})`);
  }
}
