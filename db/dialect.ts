/**
 * The only place where SQLite and PostgreSQL differ. Migrations and models call these
 * helpers instead of branching on the engine themselves.
 */
import { PostgresAdapter, sql, type CreateTableBuilder, type Kysely, type SelectQueryBuilder } from "kysely";

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * A read inside a transaction that holds its rows until the transaction ends (a check-and-write
 * that parallel requests, or app servers sharing the database, cannot interleave). PostgreSQL:
 * SELECT … FOR UPDATE (lock the rows in one order — ORDER BY the key — to avoid deadlocks).
 * SQLite: as it is, because our transactions begin IMMEDIATE and so already hold the
 * database's write lock.
 */
export function lockingRead<QB extends SelectQueryBuilder<any, any, any>>(db: Kysely<any>, query: QB): QB {
  return isPostgres(db) ? (query.forUpdate() as QB) : query;
}

/**
 * Values per `IN (…)` list: a list fed by a request is queried in slices of this size, far
 * below either engine's limit on bound parameters (SQLite 32,766, PostgreSQL 65,535).
 */
export const IN_LIST_CHUNK = 500;

/** Runs `query` on each slice of `values` (at most IN_LIST_CHUNK) in turn and returns all rows. */
export async function inChunks<T, R>(values: readonly T[], query: (chunk: T[]) => Promise<R[]>, size = IN_LIST_CHUNK): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += size) out.push(...(await query(values.slice(i, i + size))));
  return out;
}

/** An auto-incrementing integer primary key `id`. */
export function withId<T extends string>(db: Kysely<any>, tb: CreateTableBuilder<T, never>): CreateTableBuilder<T, "id"> {
  return isPostgres(db)
    ? tb.addColumn("id", "serial", (c) => c.primaryKey())
    : tb.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

/**
 * After rows were copied into a table with their ids: PostgreSQL's serial sequence moves past
 * the largest id (SQLite's AUTOINCREMENT follows explicit ids by itself).
 */
export async function resetIdSequence(db: Kysely<any>, table: string, column = "id"): Promise<void> {
  if (!isPostgres(db)) return;
  const col = sql.id(column);
  await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce((select max(${col}) from ${sql.table(table)}), 1), (select count(*) > 0 from ${sql.table(table)}))`.execute(db);
}

/**
 * Locks the selected rows until the transaction ends (PostgreSQL's FOR UPDATE), so a
 * read-then-write in a transaction cannot lose a concurrent update. SQLite needs nothing:
 * its transactions begin IMMEDIATE (db/client.ts), one writer at a time.
 */
export function forUpdate<DB, TB extends keyof DB, O>(db: Kysely<any>, qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return isPostgres(db) ? qb.forUpdate() : qb;
}

/**
 * A connection that writes a bulk import (SQLite): a larger page cache (64 MiB instead of 16;
 * a store's indexes stay in memory while rows are added in key-less order), and a bounded
 * ANALYZE for its statistics refresh (analysis_limit: the refresh holds the write lock while it
 * samples, and a full ANALYZE of a million-row table takes seconds). PostgreSQL: nothing to do
 * (its cache is the server's; ANALYZE samples and takes no lock that blocks writes).
 */
export async function tuneForBulkWrites(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  await sql.raw("pragma cache_size = -65536").execute(db);
  await sql.raw("pragma analysis_limit = 400").execute(db);
}

/**
 * Copies what the write-ahead log holds into the database file now (SQLite's PASSIVE
 * checkpoint: it waits for no reader or writer, and holds no write lock). A bulk writer calls it
 * after each of its transactions, so that the log stays short and the checkpoint SQLite would
 * otherwise run inside the next commit that finds the log long — another user's sign-in, say —
 * does not copy a bulk write's pages on that user's time. PostgreSQL: nothing to do.
 */
export async function checkpointLog(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) await sql.raw("pragma wal_checkpoint(passive)").execute(db);
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
  try {
    await sql.raw(allTables ? "pragma optimize = 0x10002" : "pragma optimize").execute(db);
  } catch (e) {
    // At start, statistics only speed queries up: a database that cannot be written right now
    // (opened read-only with SQLITE_READONLY=1, a read-only mount, a full disk) starts without them.
    if (!allTables || !isStorageFailure(e)) throw e;
  }
}

/** SQLite result codes (better-sqlite3's `.code`, extended codes included) of a database that cannot be written. */
const SQLITE_STORAGE = /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|BUSY)(_[A-Z_]+)?$/;
/**
 * PostgreSQL SQLSTATEs of the same: class 53 insufficient resources (53100 disk_full …),
 * 25006 read_only_sql_transaction (a standby, default_transaction_read_only), class 08
 * connection exceptions, 57P01–57P03 admin/crash shutdown and cannot_connect_now, 58030 io_error.
 */
const PG_STORAGE = /^(53[0-9A-Z]{3}|25006|08[0-9A-Z]{3}|57P0[123]|58030)$/;
/** pg (client and pool) errors without a code: the connection ended, or none could be made in time. */
const PG_CONNECTION_LOST = /^(Connection terminated unexpectedly|Connection terminated due to connection timeout|timeout exceeded when trying to connect)$/;
/** Node's socket errors, as pg passes them on when the server cannot be reached. */
const NODE_STORAGE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"]);

/**
 * Did a query fail because the database cannot be written right now (read-only file or
 * server, full disk, I/O error, locked past the busy timeout, server gone) rather than
 * because of what was asked? The statement or transaction was not applied (short of a
 * connection lost in the middle of a COMMIT) and may pass on a retry: the caller answers
 * 503 and keeps the user's input. Kysely passes driver errors on unwrapped;
 * a `cause` chain and an AggregateError's `errors` (Node's connection attempts) are looked
 * through all the same.
 */
export function isStorageFailure(e: unknown): boolean {
  return storageFailureCode(e) !== null;
}

/** The code that made `e` a storage failure (`SQLITE_READONLY`, `53100`, `ECONNREFUSED` …), or null. */
export function storageFailureCode(e: unknown, depth = 0): string | null {
  if (e === null || typeof e !== "object" || depth > 5) return null;
  const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string" && (SQLITE_STORAGE.test(code) || PG_STORAGE.test(code) || NODE_STORAGE.has(code))) return code;
  // pg's own errors of a lost or unreachable server carry no code, only these messages
  if (code === undefined && e instanceof Error && PG_CONNECTION_LOST.test(e.message)) return "PG_CONNECTION_LOST";
  const fromCause = cause === undefined ? null : storageFailureCode(cause, depth + 1);
  if (fromCause) return fromCause;
  if (!Array.isArray(errors)) return null;
  for (const x of errors) {
    const found = storageFailureCode(x, depth + 1);
    if (found) return found;
  }
  return null;
}
