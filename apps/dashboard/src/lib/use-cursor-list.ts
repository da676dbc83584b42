// A cursor-paged list (the jobs and batches lists): the first page on mount and whenever `deps`
// change, `more(cursor)` appends the next page, and the first page is fetched again every few
// seconds while any listed item is unfinished, so running rows move on their own.
import { useEffect, useState } from "preact/hooks";
import { describeError } from "./messages.js";

export interface CursorList<T> {
  /** null until the first page arrives. */
  items: T[] | null;
  cursor: string | null;
  error: string | null;
  unfinished: boolean;
  more: (cursor: string) => Promise<void>;
}

const REFRESH_MS = 3000;

export function useCursorList<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>, isUnfinished: (item: T) => boolean, deps: unknown[] = []): CursorList<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async (from?: string) => {
    try {
      const page = await fetchPage(from);
      setItems((old) => (from ? [...(old ?? []), ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  useEffect(() => { void load(); }, deps);
  const unfinished = items?.some(isUnfinished) ?? false;
  useEffect(() => {
    if (!unfinished) return;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [unfinished]);
  return { items, cursor, error, unfinished, more: load };
}
