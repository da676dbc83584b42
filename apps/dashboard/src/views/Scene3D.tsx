// The interactive 3D view (three.js, see lib/scene3d.ts) with its reset and rotate buttons (the
// keyboard path; the mouse orbits, pans with the right button and zooms with the wheel).
import { useEffect, useRef } from "preact/hooks";
import type { SceneGraph } from "@spatial/shared";
import { SceneRenderer } from "../lib/scene3d.js";

export interface Scene3DProps {
  /** Changes when another job is shown: the scene is emptied. */
  generation: number;
  graph?: SceneGraph;
  clouds: ReadonlyMap<string, Float32Array>;
  selectedId: string | null;
  /** The objects of the chosen answer. */
  highlightIds: ReadonlySet<string>;
  onSelect: (id: string | null) => void;
}

export function Scene3D(props: Scene3DProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useRef<SceneRenderer | null>(null);
  const shown = useRef(new Set<string>());
  const graphShown = useRef<SceneGraph | undefined>(undefined);

  useEffect(() => {
    let renderer: SceneRenderer;
    try {
      renderer = new SceneRenderer(canvas.current!);
    } catch (e) {
      canvas.current!.replaceWith(Object.assign(document.createElement("p"), { className: "error", textContent: `3D view unavailable: ${(e as Error).message}` }));
      return;
    }
    view.current = renderer;
    (window as { spatialScene?: SceneRenderer }).spatialScene = renderer; // for the browser tests and the bench
    const observer = new ResizeObserver(() => renderer.resize());
    observer.observe(canvas.current!);
    return () => {
      observer.disconnect();
      renderer.dispose();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    view.current?.clear();
    shown.current.clear();
    graphShown.current = undefined;
    if (canvas.current) canvas.current.dataset.points = canvas.current.dataset.populated = "0";
  }, [props.generation]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.onPick = props.onSelect;
    if (props.graph && props.graph !== graphShown.current) {
      graphShown.current = props.graph;
      v.setGraph(props.graph);
    }
    for (const [id, xyz] of props.clouds) {
      if (shown.current.has(id)) continue;
      shown.current.add(id);
      v.setPoints(id, xyz);
    }
    canvas.current!.dataset.points = String(v.pointCount);
    // Populated: points drawn, or 3D boxes (a scene-cache hit streams the graph but no point clouds).
    const populated = v.pointCount + (props.graph?.objects.filter((o) => o.pointCount > 0).length ?? 0);
    canvas.current!.dataset.populated = String(populated);
    if (populated > 0 && performance.getEntriesByName("scene-populated").length === 0) performance.mark("scene-populated");
    v.select(props.selectedId, props.highlightIds);
    canvas.current!.dataset.highlighted = v.highlightedIds.join(",");
  }, [props.graph, props.clouds, props.selectedId, props.highlightIds, props.onSelect, props.generation]);
  const empty = props.clouds.size === 0 && !props.graph;

  return (
    <section class="card scene-view" aria-labelledby="scene3d-title">
      <header>
        <h2 id="scene3d-title">3D scene</h2>
        <div class="buttons">
          <button type="button" onClick={() => view.current?.rotate(-Math.PI / 8)} aria-label="rotate left">⟲</button>
          <button type="button" onClick={() => view.current?.rotate(Math.PI / 8)} aria-label="rotate right">⟳</button>
          <button type="button" onClick={() => view.current?.resetView()}>Reset view</button>
        </div>
      </header>
      {empty && <p class="overlay-hint" aria-hidden="true">The 3D scene appears as the point clouds arrive.</p>}
      <canvas ref={canvas} class="scene3d" role="img" aria-label="3D view: point clouds coloured by object, 3D boxes, the support plane and the camera; drag to orbit, right-drag to pan, wheel to zoom, click an object to select it" data-points="0" data-populated="0" />
    </section>
  );
}
