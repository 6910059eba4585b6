/**
 * The only place where SQLite and PostgreSQL differ. Migrations and models call these
 * helpers instead of branching on the engine themselves.
 */
import { PostgresAdapter, sql, type CreateTableBuilder, type Kysely } from "kysely";

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** An auto-incrementing integer primary key `id`. */
export function withId<T extends string>(db: Kysely<any>, tb: CreateTableBuilder<T, never>): CreateTableBuilder<T, "id"> {
  return isPostgres(db)
    ? tb.addColumn("id", "serial", (c) => c.primaryKey())
    : tb.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

/** count()/sum() come back as strings on PostgreSQL and numbers on SQLite. */
export function toInt(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

export type ConstraintKind = "unique" | "check" | "foreign_key" | "not_null";

/**
 * Which constraint a failed write broke, on either engine (better-sqlite3's
 * SQLITE_CONSTRAINT_* codes, PostgreSQL's SQLSTATE 23xxx), or null for any other error.
 * Models use this to turn a duplicate into a 409 without knowing the engine.
 */
export function constraintViolation(e: unknown): ConstraintKind | null {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return null;
  switch (code) {
    case "SQLITE_CONSTRAINT_UNIQUE":
    case "SQLITE_CONSTRAINT_PRIMARYKEY":
    case "23505":
      return "unique";
    case "SQLITE_CONSTRAINT_CHECK":
    case "23514":
      return "check";
    case "SQLITE_CONSTRAINT_FOREIGNKEY":
    case "23503":
      return "foreign_key";
    case "SQLITE_CONSTRAINT_NOTNULL":
    case "23502":
      return "not_null";
    default:
      return null;
  }
}

/**
 * Refresh the query planner's statistics. After a bulk change (an import): SQLite's bounded
 * `PRAGMA optimize` over the tables this connection used, PostgreSQL's ANALYZE. At server
 * start (`allTables`): SQLite checks every table (one with no statistics or grown tenfold is
 * analysed, bounded work); PostgreSQL's autovacuum keeps its own. Without statistics SQLite
 * picked a store-wide index over a campaign's and read every invitation of the store.
 */
export async function refreshStatistics(db: Kysely<any>, { allTables = false }: { allTables?: boolean } = {}): Promise<void> {
  if (isPostgres(db)) {
    if (!allTables) await sql.raw("analyze").execute(db);
    return;
  }
  await sql.raw(allTables ? "pragma optimize = 0x10002" : "pragma optimize").execute(db);
}
