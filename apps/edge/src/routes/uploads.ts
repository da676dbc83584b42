// POST /v1/uploads: one file (multipart field `file`, with `kind` = image | depth | manifest; image by
// default), stored by content hash in R2 and deduplicated per tenant → `{ upload: "upl_…" }`, the
// id batch items and manifests refer to. Images get the job intake's checks (magic bytes, a header
// with a size, at most 40 MP), depth maps must be 16-bit greyscale PNGs, manifests UTF-8 JSONL.
import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { clientOf, requireKey } from "../auth/middleware.js";
import { newId, sha256Hex } from "../auth/crypto.js";
import { database } from "../db/client.js";
import { uploads, type UploadRow } from "../db/schema.js";
import type { AppEnv } from "../env.js";
import { ApiError, badRequest } from "../http/errors.js";
import type { UploadView } from "@spatial/shared/protocol";
import { MAX_MANIFEST_BYTES } from "../batches/create.js";
import { asImage } from "../jobs/intake.js";
import { DEPTH_MAX_BYTES, IMAGE_MAX_BYTES, IMAGE_MAX_PIXELS, tooLarge } from "../jobs/limits.js";
import { readMultipartFields } from "../jobs/multipart.js";
import { pngHeader } from "../jobs/sniff.js";

const KINDS = ["image", "depth", "manifest"] as const;
type Kind = (typeof KINDS)[number];

const view = (r: UploadRow): UploadView => ({ upload: r.id, kind: r.kind, bytes: r.bytes, sha256: r.sha256, ...(r.width ? { width: r.width } : {}), ...(r.height ? { height: r.height } : {}) });

export const uploadRoutes = new Hono<AppEnv>().post("/", requireKey({ scope: "jobs:write" }), async (c) => {
  const { tenantId } = clientOf(c);
  const type = (c.req.header("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "multipart/form-data") throw new ApiError(415, "unsupported_media_type", "upload a file as multipart/form-data (field `file`, and `kind` for depth maps and manifests)");
  const fields = await readMultipartFields(c.req.raw, { file: MAX_MANIFEST_BYTES, kind: 64 }, "send file and kind only");
  const rawKind = fields.get("kind") ?? "image";
  if (typeof rawKind !== "string" || !KINDS.includes(rawKind as Kind)) throw badRequest("kind", `must be one of ${KINDS.join(", ")}`);
  const kind = rawKind as Kind;
  const file = fields.get("file");
  if (file === undefined || typeof file === "string") throw badRequest("file", "required, as a file");
  let contentType = "application/x-ndjson";
  let size: { width: number; height: number } | undefined;
  if (kind === "image") {
    if (file.byteLength > IMAGE_MAX_BYTES) throw tooLarge("an image", IMAGE_MAX_BYTES);
    const image = asImage(file, "file");
    if (image.size.width * image.size.height > IMAGE_MAX_PIXELS) throw new ApiError(413, "image_too_large", `image is ${image.size.width}×${image.size.height}, over the ${IMAGE_MAX_PIXELS / 1e6} MP limit: downscale it`);
    ({ contentType, size } = image);
  } else if (kind === "depth") {
    if (file.byteLength > DEPTH_MAX_BYTES) throw tooLarge("a depth map", DEPTH_MAX_BYTES);
    const header = pngHeader(file);
    if (!header) throw new ApiError(415, "unsupported_media_type", "file: a depth map must be a PNG");
    if (header.bitDepth !== 16 || header.colorType !== 0) throw badRequest("file", `a depth map must be a 16-bit greyscale PNG (got ${header.bitDepth}-bit, colour type ${header.colorType})`);
    contentType = "image/png";
    size = { width: header.width, height: header.height };
  } else {
    // Decoding replaces invalid UTF-8 with U+FFFD: a manifest that holds one was not UTF-8 text.
    if (new TextDecoder().decode(file).includes("\uFFFD")) throw badRequest("file", "a manifest must be UTF-8 JSON Lines");
  }
  const sha256 = await sha256Hex(file);
  const key = kind === "manifest" ? `manifest/${sha256}` : `img/${sha256}`;
  if (!(await c.env.BLOBS.head(key))) await c.env.BLOBS.put(key, file, { httpMetadata: { contentType }, sha256 });
  const db = database(c.env.DB);
  const inserted = await db.insert(uploads).values({ id: newId("upl"), tenantId, kind, sha256, key, contentType, bytes: file.byteLength, width: size?.width ?? null, height: size?.height ?? null, createdAt: new Date() }).onConflictDoNothing().returning();
  const row = inserted[0] ?? (await db.query.uploads.findFirst({ where: and(eq(uploads.tenantId, tenantId), eq(uploads.sha256, sha256), eq(uploads.kind, kind)) }))!;
  return c.json(view(row), inserted.length ? 201 : 200);
});
