// The few EXIF fields perception uses: focal lengths (for intrinsics), orientation (already applied
// to the pixels by decodeImage, kept for the record), camera make and model (for logs and per-camera
// calibration tables later). Everything is optional: EXIF is often missing, stripped or malformed,
// and a malformed block must never fail a job.
import exifReader from "exif-reader";

export interface ExifInfo {
  /** The lens's real focal length (EXIF FocalLength), mm. Needs the sensor size to become pixels. */
  focalLengthMm?: number;
  /** The 35 mm-film equivalent focal length (EXIF FocalLengthIn35mmFilm), mm. */
  focalLength35mmEquiv?: number;
  /** EXIF orientation 1–8 as stored (1 = upright). */
  orientation?: number;
  make?: string;
  model?: string;
}

/** Parses a raw EXIF block (sharp's `metadata().exif`); undefined when there is none or it is unreadable. */
export function parseExif(block: Buffer | undefined): ExifInfo | undefined {
  if (!block || block.length === 0) return undefined;
  let raw: ReturnType<typeof exifReader>;
  try {
    raw = exifReader(block);
  } catch {
    return undefined;
  }
  const info: ExifInfo = {};
  const focal = positive(raw.Photo?.FocalLength);
  if (focal !== undefined) info.focalLengthMm = focal;
  // 0 means "unknown" in the EXIF spec; positive() drops it.
  const focal35 = positive(raw.Photo?.FocalLengthIn35mmFilm);
  if (focal35 !== undefined) info.focalLength35mmEquiv = focal35;
  const orientation = raw.Image?.Orientation;
  if (typeof orientation === "number" && Number.isInteger(orientation) && orientation >= 1 && orientation <= 8) info.orientation = orientation;
  const make = text(raw.Image?.Make);
  if (make) info.make = make;
  const model = text(raw.Image?.Model);
  if (model) info.model = model;
  return info;
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

function text(value: unknown): string | undefined {
  // Camera firmware pads strings with NULs and spaces.
  return typeof value === "string" ? value.replace(/\0+$/g, "").trim() || undefined : undefined;
}
