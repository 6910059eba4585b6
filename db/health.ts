/**
 * Can the app read and write its database right now? Used by /healthz. Engine-specific
 * parts: the write probe is an UPDATE that matches no row (it still needs a write lock /
 * a writable transaction, so a read-only file, a read-only connection or a PostgreSQL
 * server in read-only mode fails it), and for a SQLite file the free space on its disk.
 */
import fs from "node:fs";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { parseDatabaseUrl } from "./client";

/** Below this much free space the SQLite disk counts as full. */
export const MIN_FREE_BYTES = 1024 * 1024;

export type HealthResult = { ok: true } | { ok: false; check: "read" | "write" | "disk"; error: string };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function checkDatabase(db: Kysely<any>, databaseUrl: string): Promise<HealthResult> {
  try {
    await sql`select count(*) as n from kysely_migration`.execute(db);
  } catch (e) {
    return { ok: false, check: "read", error: message(e) };
  }
  try {
    await sql`update kysely_migration set name = name where 1 = 0`.execute(db);
  } catch (e) {
    return { ok: false, check: "write", error: message(e) };
  }
  const target = parseDatabaseUrl(databaseUrl);
  if (target.kind === "sqlite" && target.filename !== ":memory:") {
    try {
      const st = fs.statfsSync(path.dirname(path.resolve(target.filename)));
      const free = st.bavail * st.bsize;
      if (free < MIN_FREE_BYTES) return { ok: false, check: "disk", error: `only ${free} bytes free on the database's disk` };
    } catch (e) {
      return { ok: false, check: "disk", error: message(e) };
    }
  }
  return { ok: true };
}
