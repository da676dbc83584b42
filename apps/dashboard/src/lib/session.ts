// The signed-in API key: kept in localStorage; `npm start` links with `#key=sk_…` in the URL
// fragment, which browsers never send to a server, so the key stays out of every log.
const STORAGE_KEY = "spatial.apiKey";

/** Takes a key from the URL fragment (then removes the fragment) or from storage. */
export function initialKey(): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const fromUrl = fragment.get("key");
  if (fromUrl) {
    history.replaceState(null, "", location.pathname + location.search);
    return fromUrl;
  }
  return localStorage.getItem(STORAGE_KEY);
}

export const saveKey = (key: string) => localStorage.setItem(STORAGE_KEY, key);
export const forgetKey = () => localStorage.removeItem(STORAGE_KEY);
