// A list read from the API while a batch moves: `load` runs when `deps` change, at most once every
// `intervalMs` and always for the last change (a trailing call), since events can come faster than
// a key's rate limit allows reads. Counts can also run ahead of the rows they count (a cancel
// counts items it writes failed as they expand), so while `short` says fewer rows came back than
// the counts promise, it reads again, `intervalMs` apart, up to `maxRereads` times.
import { useEffect, useRef, useState } from "preact/hooks";

export interface ThrottledLoad {
  /** Whether to read at all (e.g. the batch is known, something failed). */
  enabled: boolean;
  /** Fewer rows came back than expected: read again. */
  short: boolean;
  /** What the last read returned: a new value after each read re-checks `short`. */
  rows: unknown;
  intervalMs: number;
  maxRereads: number;
}

export function useThrottledLoad(load: (signal: AbortSignal) => Promise<void>, deps: unknown[], o: ThrottledLoad): void {
  const last = useRef(0);
  const [rereads, setRereads] = useState(0);
  useEffect(() => {
    if (!o.enabled) return;
    const controller = new AbortController();
    const timer = setTimeout(() => { last.current = Date.now(); void load(controller.signal); }, Math.max(0, last.current + o.intervalMs - Date.now()));
    return () => { clearTimeout(timer); controller.abort(); };
  }, [...deps, o.enabled, rereads]);
  useEffect(() => {
    if (o.enabled && o.short && rereads < o.maxRereads) setRereads((n) => n + 1);
  }, [o.rows, o.short]);
}
