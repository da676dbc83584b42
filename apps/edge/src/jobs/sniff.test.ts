import { describe, expect, it } from "vitest";
import { png } from "../testing/harness.js";
import { pngHeader, sniffImage } from "./sniff.js";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("sniffImage", () => {
  it("returns null for anything but JPEG, PNG and WebP magic bytes", () => {
    expect(sniffImage(new Uint8Array())).toBeNull();
    expect(sniffImage(bytes("GIF89a......"))).toBeNull();
    expect(sniffImage(bytes("RIFF....WAVE"))).toBeNull();
    expect(sniffImage(bytes("<svg xmlns=...>"))).toBeNull();
    expect(sniffImage(new Uint8Array([0xff, 0xd8]))).toBeNull();
  });

  it("recognises the three image types", () => {
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xdb]))).toBe("image/jpeg");
    expect(sniffImage(png())).toBe("image/png");
    expect(sniffImage(bytes("RIFF\u0010\u0000\u0000\u0000WEBPVP8 "))).toBe("image/webp");
  });

  it("reads a PNG header", () => {
    expect(pngHeader(png(640, 480, 16, 0))).toEqual({ width: 640, height: 480, bitDepth: 16, colorType: 0 });
    expect(pngHeader(bytes("not a png at all, no no no no no"))).toBeNull();
  });
});
