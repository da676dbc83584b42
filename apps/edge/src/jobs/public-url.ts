// Which URLs the edge fetches images from: http(s) to public hosts only. Refused: other schemes,
// credentials in the URL, localhost and internal names (single-label, *.localhost, *.local,
// *.internal, *.home.arpa), and IP literals in loopback, private, link-local, CGNAT, unspecified,
// multicast, reserved and documentation ranges, and every IPv6 form embedding an IPv4 (mapped,
// translated, compatible, NAT64, 6to4, Teredo) checked as that IPv4. The URL
// parser has already normalised odd IPv4 spellings (0x7f.1, 2130706433, 127.1) to dotted quads.
// Names that resolve to private addresses cannot be checked here (Workers has no resolver); on
// Cloudflare's network a Worker's subrequests do not reach private address space anyway.
import { ApiError } from "../http/errors.js";

const notAllowed = (why: string) => new ApiError(400, "url_not_allowed", `imageUrl: ${why}`);

type Cidr4 = [number, number];
const V4_BLOCKED: Cidr4[] = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16], [0xac100000, 12],
  [0xc0000000, 24], [0xc0000200, 24], [0xc0a80000, 16], [0xc6120000, 15], [0xc6336400, 24], [0xcb007100, 24],
  [0xe0000000, 4], [0xf0000000, 4],
];

export function parseIpv4(host: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function isBlockedIpv4(ip: number): boolean {
  return V4_BLOCKED.some(([base, bits]) => (bits === 0 ? true : ip >>> (32 - bits) === base >>> (32 - bits)));
}

/** Eight 16-bit groups of an IPv6 literal (without brackets), or null. */
export function parseIpv6(host: string): number[] | null {
  let text = host.toLowerCase();
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const ip = parseIpv4(v4[2]);
    if (ip === null) return null;
    text = `${v4[1]}${(ip >>> 16).toString(16)}:${(ip & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + rest.length > 7) return null;
  const hex = [...head, ...Array<string>(halves.length === 2 ? 8 - head.length - rest.length : 0).fill("0"), ...rest];
  const out = hex.map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN));
  return out.some(Number.isNaN) ? null : out;
}

/**
 * IPv6 literals, including every form that carries an IPv4 address inside (each is checked like that
 * IPv4 itself, so ::ffff:127.0.0.1, 2002:7f00:1:: or a Teredo address aimed at 10.0.0.1 are refused).
 */
export function isBlockedIpv6(g: number[]): boolean {
  const v4 = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;
  const embeddedV4 = v4(g[6], g[7]);
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(8)) return true; // ::
  if (zeros(7) && g[7] === 1) return true; // ::1
  if (zeros(5) && g[5] === 0xffff) return isBlockedIpv4(embeddedV4); // ::ffff:a.b.c.d (mapped)
  if (zeros(4) && g[4] === 0xffff && g[5] === 0) return isBlockedIpv4(embeddedV4); // ::ffff:0:a.b.c.d (translated, RFC 2765)
  if (zeros(6)) return true; // ::a.b.c.d (deprecated IPv4-compatible)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isBlockedIpv4(embeddedV4); // NAT64 64:ff9b::/96
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return true; // 64:ff9b:1::/48, local-use NAT64 (RFC 8215)
  if (g[0] === 0x2002) return isBlockedIpv4(v4(g[1], g[2])); // 6to4: 2002:AABB:CCDD::/48
  if (g[0] === 0x2001 && g[1] === 0) {
    // Teredo: the server's IPv4 in groups 2–3, the client's (bit-inverted) in groups 6–7.
    return isBlockedIpv4(v4(g[2], g[3])) || isBlockedIpv4(~embeddedV4 >>> 0);
  }
  if (g[0] === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return true; // 100::/64 discard
  if ((g[0] & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g[0] & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g[0] & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return true; // multicast
  if (g[0] === 0x2001 && g[1] === 0x0db8) return true; // documentation
  return false;
}

const INTERNAL_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".lan", ".intranet"];

/** The URL if the edge may fetch it; otherwise a 400 `url_not_allowed`. */
export function checkPublicUrl(raw: string | URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw notAllowed("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw notAllowed(`scheme ${url.protocol} is not allowed (http or https only)`);
  if (url.username || url.password) throw notAllowed("credentials in the URL are not allowed");
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (host.startsWith("[")) {
    const groups = parseIpv6(host.slice(1, -1));
    if (!groups || isBlockedIpv6(groups)) throw notAllowed(`${url.hostname} is not a public address`);
    return url;
  }
  const v4 = parseIpv4(host);
  if (v4 !== null) {
    if (isBlockedIpv4(v4)) throw notAllowed(`${url.hostname} is not a public address`);
    return url;
  }
  if (host === "localhost" || !host.includes(".") || INTERNAL_SUFFIXES.some((s) => host.endsWith(s))) throw notAllowed(`${url.hostname} is not a public host`);
  return url;
}
