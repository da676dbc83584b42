// The depth map as a heat map (turbo, near = blue … far = red; no reading = black) with a colour
// bar in metres from the depth event's min to max.
import { useEffect, useRef } from "preact/hooks";
import type { DepthMap } from "@spatial/sdk";
import { turbo } from "../lib/colors.js";

export function DepthView(props: { depth: DepthMap | null; source?: string; minM?: number; maxM?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { depth } = props;
  const lo = props.minM ?? 0, hi = Math.max(props.maxM ?? 1, lo + 1e-3);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !depth) return;
    c.width = depth.width;
    c.height = depth.height;
    const ctx = c.getContext("2d")!;
    const img = ctx.createImageData(depth.width, depth.height);
    for (let i = 0; i < depth.depthM.length; i++) {
      const d = depth.depthM[i];
      const [r, g, b] = d > 0 ? turbo((d - lo) / (hi - lo)) : [0, 0, 0];
      img.data.set([r, g, b, 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
  }, [depth, lo, hi]);

  const ticks = Array.from({ length: 5 }, (_, i) => lo + ((hi - lo) * i) / 4);
  const gradient = `linear-gradient(to right, ${Array.from({ length: 11 }, (_, i) => `rgb(${turbo(i / 10).join(",")})`).join(",")})`;
  return (
    <section class="card depth-view" aria-labelledby="depth-title">
      <header><h2 id="depth-title">Depth</h2>{props.source && <span class="hint">source: {props.source}</span>}</header>
      {depth ? (
        <>
          <canvas ref={canvas} class="photo" role="img" aria-label={`depth map from ${lo.toFixed(2)} to ${hi.toFixed(2)} metres`} />
          <div class="colorbar" aria-hidden="true" style={{ background: gradient }} />
          <div class="ticks" aria-label="colour bar in metres">{ticks.map((t) => <span key={t}>{t.toFixed(2)} m</span>)}</div>
        </>
      ) : (
        <p class="empty">No depth map yet.</p>
      )}
    </section>
  );
}
