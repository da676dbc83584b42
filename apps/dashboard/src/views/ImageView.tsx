// The photo with its detections: boxes and labels drawn over it, the masks as a translucent
// overlay, the selected object and the objects of the chosen answer highlighted. Click a box to
// select it. Drawn on one canvas at the image's own resolution (CSS scales it).
import { useEffect, useRef, useState } from "preact/hooks";
import type { LabelMap } from "@spatial/sdk";
import { objectCss, objectRgb } from "../lib/colors.js";
import { boxAt } from "../lib/match.js";

export interface BoxItem {
  /** Graph object id once the scene graph is known, else null. */
  id: string | null;
  label: string;
  score: number;
  box2d: [number, number, number, number];
  /** Colour index (the object's index in the graph, or the detection's). */
  color: number;
}

export interface ImageViewProps {
  imageUrl: string | null;
  boxes: BoxItem[];
  /** Mask labels with, per label (object index + 1), the colour index to paint it with. */
  masks?: { map: LabelMap; colorOfLabel: (label: number) => number };
  selectedId: string | null;
  highlightIds: ReadonlySet<string>;
  onSelect: (id: string | null) => void;
}

export function ImageView(props: ImageViewProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [image, setImage] = useState<HTMLImageElement | null>(null);
  const [showMasks, setShowMasks] = useState(true);

  const [unreadable, setUnreadable] = useState(false);
  useEffect(() => {
    setImage(null);
    setUnreadable(false);
    if (!props.imageUrl) return;
    const img = new Image();
    img.onload = () => setImage(img);
    img.onerror = () => setUnreadable(true);
    img.src = props.imageUrl;
  }, [props.imageUrl]);

  // The masks as an RGBA layer, rebuilt only when the labels change.
  const [overlay, setOverlay] = useState<HTMLCanvasElement | null>(null);
  useEffect(() => {
    if (!props.masks) return setOverlay(null);
    const { map, colorOfLabel } = props.masks;
    const layer = document.createElement("canvas");
    layer.width = map.width;
    layer.height = map.height;
    const ctx = layer.getContext("2d")!;
    const pixels = ctx.createImageData(map.width, map.height);
    for (let i = 0; i < map.labels.length; i++) {
      const label = map.labels[i];
      if (label === 0) continue;
      const [r, g, b] = objectRgb(colorOfLabel(label));
      pixels.data.set([r, g, b, 110], 4 * i);
    }
    ctx.putImageData(pixels, 0, 0);
    setOverlay(layer);
  }, [props.masks]);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    if (!image) {
      c.getContext("2d")!.clearRect(0, 0, c.width, c.height);
      c.dataset.boxes = "0";
      return;
    }
    c.width = image.naturalWidth;
    c.height = image.naturalHeight;
    const ctx = c.getContext("2d")!;
    ctx.drawImage(image, 0, 0);
    if (overlay && showMasks) ctx.drawImage(overlay, 0, 0, c.width, c.height);
    const line = Math.max(2, c.width / 320);
    ctx.font = `${Math.round(Math.max(12, c.width / 45))}px system-ui, sans-serif`;
    ctx.textBaseline = "top";
    const focus = props.selectedId !== null || props.highlightIds.size > 0;
    for (const b of props.boxes) {
      const on = b.id !== null && (b.id === props.selectedId || props.highlightIds.has(b.id));
      const [x1, y1, x2, y2] = b.box2d;
      ctx.lineWidth = on ? line * 2 : line;
      ctx.strokeStyle = on ? "#ffffff" : objectCss(b.color, focus ? 0.45 : 1);
      ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
      const text = `${b.label} ${(b.score * 100).toFixed(0)}%`;
      const w = ctx.measureText(text).width + 8, h = parseInt(ctx.font, 10) + 6;
      ctx.fillStyle = objectCss(b.color, focus && !on ? 0.5 : 0.9);
      // The label sits above the box, kept inside the picture at its edges.
      const lx = Math.max(0, Math.min(x1, c.width - w)), ly = Math.max(0, y1 - h);
      ctx.fillRect(lx, ly, w, h);
      ctx.fillStyle = "#fff";
      ctx.fillText(text, lx + 4, ly + 3);
    }
    c.dataset.boxes = String(props.boxes.length);
    // Which objects are drawn highlighted (the tests and assistive tech read it from the DOM).
    c.dataset.highlighted = props.boxes.filter((b) => b.id !== null && (b.id === props.selectedId || props.highlightIds.has(b.id))).map((b) => b.id).join(",");
    if (props.boxes.length > 0 && performance.getEntriesByName("first-box").length === 0) performance.mark("first-box");
  }, [image, overlay, showMasks, props.boxes, props.selectedId, props.highlightIds]);

  const click = (e: MouseEvent) => {
    const c = canvas.current!;
    const rect = c.getBoundingClientRect();
    const x = ((e.clientX - rect.left) / rect.width) * c.width, y = ((e.clientY - rect.top) / rect.height) * c.height;
    const hit = boxAt(x, y, props.boxes.map((b) => b.box2d));
    props.onSelect(hit >= 0 ? props.boxes[hit].id : null);
  };

  return (
    <section class="card image-view" aria-labelledby="image-title">
      <header>
        <h2 id="image-title">Image</h2>
        <label class="inline"><input type="checkbox" checked={showMasks} onChange={(e) => setShowMasks(e.currentTarget.checked)} disabled={!props.masks} /> masks</label>
      </header>
      {unreadable ? (
        <p class="empty">This browser cannot display that file as an image.</p>
      ) : props.imageUrl ? (
        <canvas ref={canvas} class="photo" role="img" aria-label={`the image with ${props.boxes.length} detected objects`} onClick={click} data-boxes="0" />
      ) : (
        <p class="empty">No image yet.</p>
      )}
    </section>
  );
}
