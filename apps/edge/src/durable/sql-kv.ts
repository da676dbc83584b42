// A Durable Object's small JSON settings in its SQLite storage (table `kv`), read and written
// synchronously: JobRoom, RunnerHub and BatchRoom keep their metadata and counters here.
export interface SqlKv {
  get<T>(k: string): T | undefined;
  put(k: string, v: unknown): void;
  delete(k: string): void;
}

export function sqlKv(sql: SqlStorage): SqlKv {
  sql.exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
  return {
    get<T>(k: string): T | undefined {
      const row = sql.exec<{ v: string }>("SELECT v FROM kv WHERE k = ?", k).toArray()[0];
      return row ? (JSON.parse(row.v) as T) : undefined;
    },
    put(k: string, v: unknown): void {
      sql.exec("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", k, JSON.stringify(v));
    },
    delete(k: string): void {
      sql.exec("DELETE FROM kv WHERE k = ?", k);
    },
  };
}
