import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.js";

export type Db = ReturnType<typeof database>;

/** A drizzle client over the D1 binding. */
export const database = (d1: D1Database) => drizzle(d1, { schema });
