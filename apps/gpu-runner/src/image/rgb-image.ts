// A decoded picture in memory: interleaved 8-bit RGB, rows top to bottom, already turned upright
// per its EXIF orientation. Pixel coordinates: x right, y down, integer = pixel centre.
export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes. */
  rgb: Uint8Array;
}
