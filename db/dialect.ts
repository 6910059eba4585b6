/**
 * The only place where SQLite and PostgreSQL differ. Migrations and models call these
 * helpers instead of branching on the engine themselves.
 */
import { PostgresAdapter, type CreateTableBuilder, type Kysely } from "kysely";

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
