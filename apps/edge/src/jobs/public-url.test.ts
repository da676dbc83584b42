import { describe, expect, it } from "vitest";
import { ApiError } from "../http/errors.js";
import { fetchImage } from "./fetch-image.js";
import { checkPublicUrl, parseIpv6 } from "./public-url.js";

const refused = (url: string) => {
  try {
    checkPublicUrl(url);
  } catch (err) {
    return err instanceof ApiError && err.status === 400 && err.code === "url_not_allowed";
  }
  return false;
};

describe("checkPublicUrl", () => {
  it.each([
    "http://127.0.0.1/a.png", "http://127.1/", "http://2130706433/", "http://0x7f.0.0.1/", "http://0.0.0.0/", "http://10.1.2.3/", "http://172.16.0.1/",
    "http://172.31.255.255/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://100.64.0.1/", "http://224.0.0.1/", "http://255.255.255.255/",
    "http://[::1]/", "http://[::]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/", "http://[fc00::1]/", "http://[fd12:3456::1]/", "http://[fe80::1]/",
    "http://[64:ff9b::a9fe:a9fe]/", "http://[::ffff:0:127.0.0.1]/", "http://[::ffff:0:a00:1]/", "http://[2002:7f00:1::]/", "http://[2002:a00:1::1]/",
    "http://[2001:0:a00:1::]/", "http://[2001:0:808:808::80ff:fffe]/", "http://[64:ff9b:1::1]/", "http://[100::1]/", "http://localhost/", "http://LOCALHOST./", "http://foo.localhost/", "http://printer.local/", "http://metadata.google.internal/",
    "http://intranet/", "file:///etc/passwd", "ftp://example.com/a.png", "gopher://example.com/", "javascript:alert(1)", "http://user:pw@example.com/", "not a url",
  ])("refuses %s", (url) => {
    expect(refused(url)).toBe(true);
  });

  it.each(["https://example.com/a.png", "http://images.example.org:8080/x.jpg", "http://8.8.8.8/a.png", "http://172.32.0.1/", "http://[2606:4700::1111]/", "http://[::ffff:8.8.8.8]/", "http://[2002:808:808::1]/", "http://[2001:0:808:808::f7f7:fbfb]/"])("allows %s", (url) => {
    expect(checkPublicUrl(url).toString()).toBe(new URL(url).toString());
  });

  it("parses IPv6 forms", () => {
    expect(parseIpv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6("::ffff:127.0.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIpv6("2001:db8::8:800:200c:417a")).toEqual([0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a]);
    expect(parseIpv6("1::2::3")).toBeNull();
    expect(parseIpv6("12345::")).toBeNull();
  });
});

describe("fetchImage", () => {
  const image = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);
  const respond = (routes: Record<string, () => Response>) => async (req: Request) => {
    expect(req.redirect).toBe("manual");
    const handler = routes[req.url];
    if (!handler) throw new Error(`unexpected fetch of ${req.url}`);
    return handler();
  };
  const redirect = (to: string, status = 302) => () => new Response(null, { status, headers: { Location: to } });
  const codeOf = async (p: Promise<unknown>) => p.then(() => "ok", (e: ApiError) => `${e.status} ${e.code}`);

  it("fetches a public URL and follows public redirects", async () => {
    const fetcher = respond({ "https://a.example/x": redirect("/y", 301), "https://a.example/y": redirect("https://b.example/z.jpg", 307), "https://b.example/z.jpg": () => new Response(image) });
    const got = await fetchImage("https://a.example/x", { fetcher });
    expect([...got.bytes]).toEqual([...image]);
    expect(got.url).toBe("https://b.example/z.jpg");
  });

  it("re-checks every redirect target", async () => {
    for (const target of ["http://127.0.0.1/", "http://169.254.169.254/latest", "http://[::1]/", "file:///etc/passwd", "http://localhost:8787/v1/health"]) {
      expect(await codeOf(fetchImage("https://a.example/x", { fetcher: respond({ "https://a.example/x": redirect(target) }) }))).toBe("400 url_not_allowed");
    }
  });

  it("caps redirects, size (declared and actual) and time", async () => {
    const loop = respond({ "https://a.example/1": redirect("/2"), "https://a.example/2": redirect("/1") });
    expect(await codeOf(fetchImage("https://a.example/1", { fetcher: loop }))).toBe("400 url_fetch_failed");
    const big = respond({ "https://a.example/big": () => new Response(new Uint8Array(100), { headers: { "Content-Length": "100" } }) });
    expect(await codeOf(fetchImage("https://a.example/big", { fetcher: big, maxBytes: 10 }))).toBe("413 payload_too_large");
    const undeclared = respond({ "https://a.example/big": () => new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array(8)); c.enqueue(new Uint8Array(8)); c.close(); } })) });
    expect(await codeOf(fetchImage("https://a.example/big", { fetcher: undeclared, maxBytes: 10 }))).toBe("413 payload_too_large");
    const slow = (req: Request) => new Promise<Response>((_, reject) => req.signal.addEventListener("abort", () => reject(req.signal.reason)));
    expect(await codeOf(fetchImage("https://a.example/slow", { fetcher: slow, timeoutMs: 50 }))).toBe("400 url_fetch_failed");
    const missing = respond({ "https://a.example/404": () => new Response("no", { status: 404 }) });
    expect(await codeOf(fetchImage("https://a.example/404", { fetcher: missing }))).toBe("400 url_fetch_failed");
  });
});
