// What `spatial synth` reads: a directory of images, a file of URLs / paths (one a line), or a JSON
// Lines manifest of `{ imageUrl | path, depth?, depthScale?, intrinsics?, objects?, id? }`.
// A bad line never stops the others: it comes back as a problem with its line number.
// Paths in a list or manifest are relative to that file; ids are stable across reruns (resume).
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { z } from "zod";
import { UsageError } from "../args.js";

export const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png", ".webp"]);

const Intrinsics = z.union([
  z.object({ fx: z.number().positive(), fy: z.number().positive(), cx: z.number(), cy: z.number() }),
  z.tuple([z.number().positive(), z.number().positive(), z.number(), z.number()]).transform(([fx, fy, cx, cy]) => ({ fx, fy, cx, cy })),
]);

export const ManifestLine = z
  .object({
    id: z.string().trim().min(1).max(200).optional(),
    imageUrl: z.url({ protocol: /^https?$/ }).optional(),
    path: z.string().min(1).optional(),
    depth: z.string().min(1).optional(),
    /** Depth units per metre (default 1000: millimetres). */
    depthScale: z.number().positive().optional(),
    intrinsics: Intrinsics.optional(),
    /** The `--objects` JSON: the caller's labelled boxes (and masks) instead of detection. */
    objects: z.string().min(1).optional(),
  })
  .strict()
  .refine((l) => (l.imageUrl === undefined) !== (l.path === undefined), { message: "give exactly one of imageUrl or path" });
export type ManifestLine = z.infer<typeof ManifestLine>;

/** One image to perceive. `source` is a URL or an absolute path; `ref` is what the dataset calls it. */
export interface SynthInput {
  id: string;
  source: string;
  ref: string;
  depth?: { path: string; unitsPerMetre: number };
  intrinsics?: { fx: number; fy: number; cx: number; cy: number };
  objects?: string;
}

export interface InputProblem {
  line: number;
  message: string;
}

export interface ReadInputs {
  items: SynthInput[];
  problems: InputProblem[];
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/**
 * A stable id from a reference: "kitchen/img-3.jpg" → "kitchen/img-3", a URL → its last path
 * segment; a path outside the list's folder keeps its last two segments ("nyu_00000/rgb").
 */
export function idFromRef(ref: string, baseDir?: string): string {
  const noExt = (s: string) => s.replace(/\.[A-Za-z0-9]+$/, "") || "image";
  if (isUrl(ref)) return noExt(new URL(ref).pathname.split("/").filter(Boolean).pop() ?? "image");
  const rel = baseDir ? relative(baseDir, resolve(baseDir, ref)) : ref;
  const parts = rel.split(sep).filter((p) => p && p !== ".");
  return noExt((parts[0] === ".." || isAbsolute(rel) ? parts.slice(-2) : parts).join("/"));
}

/** Derived ids that collide get "-2", "-3" in input order (stable on rerun); explicit duplicates are problems. */
function assignIds(entries: { line: number; explicitId?: string; input: Omit<SynthInput, "id"> }[], problems: InputProblem[], baseDir?: string): SynthInput[] {
  const used = new Set<string>();
  const out: SynthInput[] = [];
  for (const e of entries.filter((x) => x.explicitId)) {
    if (used.has(e.explicitId!)) problems.push({ line: e.line, message: `duplicate id "${e.explicitId}"` });
    else used.add(e.explicitId!);
  }
  const seenExplicit = new Set<string>();
  for (const e of entries) {
    if (e.explicitId) {
      if (seenExplicit.has(e.explicitId)) continue;
      seenExplicit.add(e.explicitId);
      out.push({ id: e.explicitId, ...e.input });
      continue;
    }
    const base = idFromRef(e.input.ref, baseDir);
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
    used.add(id);
    out.push({ id, ...e.input });
  }
  return out;
}

function parseManifest(text: string, baseDir: string): ReadInputs {
  const problems: InputProblem[] = [];
  const entries: Parameters<typeof assignIds>[0] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      problems.push({ line, message: "not valid JSON" });
      return;
    }
    const parsed = ManifestLine.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({ line, message: `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}` });
      return;
    }
    const l = parsed.data;
    const ref = l.imageUrl ?? l.path!;
    entries.push({
      line,
      ...(l.id ? { explicitId: l.id } : {}),
      input: {
        source: l.imageUrl ?? resolve(baseDir, l.path!),
        ref,
        ...(l.depth ? { depth: { path: resolve(baseDir, l.depth), unitsPerMetre: l.depthScale ?? 1000 } } : {}),
        ...(l.intrinsics ? { intrinsics: l.intrinsics } : {}),
        ...(l.objects ? { objects: resolve(baseDir, l.objects) } : {}),
      },
    });
  });
  const items = assignIds(entries, problems, baseDir);
  return { items, problems: problems.sort((a, b) => a.line - b.line) };
}

function parseList(text: string, baseDir: string): ReadInputs {
  const problems: InputProblem[] = [];
  const entries: Parameters<typeof assignIds>[0] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (s === "" || s.startsWith("#")) return;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !isUrl(s)) {
      problems.push({ line: i + 1, message: `only http(s) URLs or file paths are accepted, got "${s.slice(0, 80)}"` });
      return;
    }
    if (!isUrl(s) && !IMAGE_EXTENSIONS.has(extname(s).toLowerCase())) {
      problems.push({ line: i + 1, message: `"${s.slice(0, 80)}" is neither an http(s) URL nor a .jpg/.png/.webp path` });
      return;
    }
    entries.push({ line: i + 1, input: { source: isUrl(s) ? s : resolve(baseDir, s), ref: s } });
  });
  return { items: assignIds(entries, problems, baseDir), problems };
}

const DEPTH_STEM = /(^depth|[-_.]depth)$/i;
/** Object masks named by an objects file ("scene.mask-0.png") are not images of their own. */
const MASK_STEM = /(^mask|[-_.]mask)([-_]?\d+)?$/i;

async function walk(dir: string, skip: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) { if (resolve(path) !== skip) out.push(...(await walk(path, skip))); }
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * A directory: every image under it. A depth map pairs with its image by name (`X-depth.png`,
 * `X_depth.png`, `X.depth.png`; or `depth.png` next to `rgb.*`), and so do `intrinsics.json`
 * (`X.intrinsics.json`, or next to `rgb.*`) and `X.objects.json` (as `--objects`; its masks named
 * `*.mask-<n>.png` are not taken for images); depth is in millimetres.
 */
async function readDirectory(dir: string, skip: string): Promise<ReadInputs> {
  const files = await walk(dir, skip);
  const present = new Set(files);
  const entries: Parameters<typeof assignIds>[0] = [];
  const problems: InputProblem[] = [];
  for (const file of files) {
    const ext = extname(file).toLowerCase();
    const stem = file.slice(0, -ext.length);
    const name = stem.split(sep).pop()!;
    if (!IMAGE_EXTENSIONS.has(ext) || DEPTH_STEM.test(name) || MASK_STEM.test(name)) continue;
    const folder = dirname(file);
    const isRgb = /^(rgb|color|colour|image)$/i.test(stem.split(sep).pop()!);
    const depth = [`${stem}-depth.png`, `${stem}_depth.png`, `${stem}.depth.png`, ...(isRgb ? [join(folder, "depth.png")] : [])].find((p) => present.has(p));
    const intrinsicsPath = [`${stem}.intrinsics.json`, ...(isRgb ? [join(folder, "intrinsics.json")] : [])].find((p) => present.has(p));
    let intrinsics: SynthInput["intrinsics"];
    if (intrinsicsPath) {
      const parsed = Intrinsics.safeParse(JSON.parse(await readFile(intrinsicsPath, "utf8").catch(() => "null")));
      if (parsed.success) intrinsics = parsed.data;
      else problems.push({ line: 0, message: `${relative(dir, intrinsicsPath)}: not {fx, fy, cx, cy}; ignored` });
    }
    const objects = present.has(`${stem}.objects.json`) ? `${stem}.objects.json` : undefined;
    entries.push({ line: 0, input: { source: file, ref: relative(dir, file).split(sep).join("/"), ...(depth ? { depth: { path: depth, unitsPerMetre: 1000 } } : {}), ...(intrinsics ? { intrinsics } : {}), ...(objects ? { objects } : {}) } });
  }
  return { items: assignIds(entries, problems), problems };
}

/** Reads the `<input>` argument; `outDir` is skipped when it lies inside an input directory. */
export async function readInputs(input: string, outDir: string): Promise<ReadInputs> {
  const path = resolve(input);
  const info = await stat(path).catch(() => null);
  if (!info) throw new UsageError(`input ${input} does not exist: give a directory of images, a file of URLs or paths, or a manifest.jsonl`);
  if (info.isDirectory()) return readDirectory(path, resolve(outDir));
  const text = await readFile(path, "utf8");
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== "" && !l.trim().startsWith("#"))?.trim() ?? "";
  return path.endsWith(".jsonl") || firstLine.startsWith("{") ? parseManifest(text, dirname(path)) : parseList(text, dirname(path));
}
