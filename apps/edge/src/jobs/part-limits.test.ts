import { describe, expect, it } from "vitest";
import { ApiError } from "../http/errors.js";
import { indexOfBytes, multipartPartLimits } from "./part-limits.js";

const enc = new TextEncoder();

/** A multipart body from fields, cut into chunks of `chunk` bytes (boundaries straddle chunks). */
function body(fields: [string, string][], boundary = "XyZ", chunk = 7): Uint8Array[] {
  const text = fields.map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`).join("") + `--${boundary}--\r\n`;
  const bytes = enc.encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(bytes.subarray(i, i + chunk));
  return out;
}

async function run(chunks: Uint8Array[], limits: Record<string, number>, other = 1000): Promise<{ passed: number; error?: unknown }> {
  const stream = new ReadableStream<Uint8Array>({ start(c) { for (const x of chunks) c.enqueue(x); c.close(); } }).pipeThrough(multipartPartLimits("XyZ", limits, other));
  const reader = stream.getReader();
  let passed = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { passed };
      passed += value.length;
    }
  } catch (error) {
    return { passed, error };
  }
}

describe("indexOfBytes", () => {
  it("finds a sequence, or -1", () => {
    expect(indexOfBytes(enc.encode("aab\r\n--b"), enc.encode("\r\n--b"))).toBe(3);
    expect(indexOfBytes(enc.encode("aaaa"), enc.encode("ab"))).toBe(-1);
    expect(indexOfBytes(enc.encode("abab"), enc.encode("ab"), 1)).toBe(2);
  });
});

describe("multipartPartLimits", () => {
  it("passes a body whose parts fit, in any chunking", async () => {
    for (const chunk of [1, 3, 7, 64]) {
      const chunks = body([["options", "x".repeat(50)], ["image", "y".repeat(200)]], "XyZ", chunk);
      const r = await run(chunks, { options: 50, image: 200 });
      expect(r.error).toBeUndefined();
      expect(r.passed).toBe(chunks.reduce((n, c) => n + c.length, 0));
    }
  });

  it("errors with 413 naming the field as soon as that part passes its own cap, without reading on", async () => {
    const chunks = body([["image", "y".repeat(100)], ["options", "x".repeat(100_000)]], "XyZ", 64);
    const r = await run(chunks, { options: 50, image: 200 });
    expect(r.error).toBeInstanceOf(ApiError);
    expect((r.error as ApiError).status).toBe(413);
    expect((r.error as ApiError).message).toMatch(/the options field exceeds/);
    expect(r.passed).toBeLessThan(500); // stopped right after the cap, not at the end of the 100 kB part
  });

  it("uses the other-fields cap for unknown names, and refuses oversized part headers", async () => {
    expect(((await run(body([["mystery", "z".repeat(2000)]]), {}, 1000)).error as ApiError).status).toBe(413);
    const longHeader = [enc.encode(`--XyZ\r\nContent-Disposition: form-data; name="a"; x="${"h".repeat(9000)}"`)];
    expect(((await run(longHeader, {})).error as ApiError).status).toBe(400);
  });
});
