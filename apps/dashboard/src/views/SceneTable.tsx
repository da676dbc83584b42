// The scene graph as tables: each object's label, size and distance from the camera, then the
// centre-to-centre distance matrix, all in the unit the user picks. Rows select objects.
import type { SceneGraph } from "@spatial/shared";
import { objectCss } from "../lib/colors.js";
import { distanceM, formatLength, LENGTH_UNITS, type LengthUnit } from "../lib/units.js";

export function SceneTable(props: { graph?: SceneGraph; unit: LengthUnit; onUnit: (u: LengthUnit) => void; selectedId: string | null; onSelect: (id: string | null) => void }) {
  const { graph, unit } = props;
  const located = graph?.objects.map((o, index) => ({ o, index })).filter(({ o }) => o.pointCount > 0) ?? [];
  return (
    <section class="card scene-table" aria-labelledby="graph-title">
      <header>
        <h2 id="graph-title">Scene graph</h2>
        <label class="inline">unit{" "}
          <select aria-label="length unit" value={unit} onChange={(e) => props.onUnit(e.currentTarget.value as LengthUnit)}>
            {LENGTH_UNITS.map((u) => <option key={u} value={u}>{u}</option>)}
          </select>
        </label>
      </header>
      {!graph ? <p class="empty">No scene graph yet.</p> : (
        <>
          <p class="hint">{graph.frame.canonicalized ? "gravity-aligned on the support plane" : "no support plane found: up is the camera's up"}; depth: {graph.depth.source}; intrinsics: {graph.intrinsics.source}</p>
          <table>
            <caption class="sr-only">objects and their sizes</caption>
            <thead><tr><th scope="col">object</th><th scope="col">width</th><th scope="col">length</th><th scope="col">height</th><th scope="col">from camera</th></tr></thead>
            <tbody>
              {graph.objects.map((o, index) => (
                <tr key={o.id} class={o.id === props.selectedId ? "selected" : ""} onClick={() => props.onSelect(o.id === props.selectedId ? null : o.id)}>
                  <th scope="row"><button type="button" class="link" aria-pressed={o.id === props.selectedId} onClick={(e) => { e.stopPropagation(); props.onSelect(o.id === props.selectedId ? null : o.id); }}><span class="swatch" style={{ background: objectCss(index) }} />{o.label} <small>{o.id}</small></button></th>
                  {o.pointCount > 0 ? (
                    <>
                      <td>{formatLength(o.box.widthM, unit)}</td><td>{formatLength(o.box.lengthM, unit)}</td><td>{formatLength(o.box.heightM, unit)}</td>
                      <td>{formatLength(Math.hypot(...o.centerCam), unit)}</td>
                    </>
                  ) : <td colSpan={4}>no usable depth on it</td>}
                </tr>
              ))}
            </tbody>
          </table>
          {located.length > 1 && (
            <table class="matrix">
              <caption>distance between centres</caption>
              <thead><tr><td />{located.map(({ o, index }) => <th scope="col" key={o.id}><span class="swatch" style={{ background: objectCss(index) }} />{o.id}</th>)}</tr></thead>
              <tbody>
                {located.map(({ o: a, index }) => (
                  <tr key={a.id}>
                    <th scope="row"><span class="swatch" style={{ background: objectCss(index) }} />{a.label} <small>{a.id}</small></th>
                    {located.map(({ o: b }) => <td key={b.id}>{a.id === b.id ? "—" : formatLength(distanceM(a.box.center, b.box.center), unit)}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
