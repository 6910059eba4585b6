import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from "kysely";
import pg from "pg";
import type { Database } from "./schema";

export type DB = Kysely<Database>;

export type DatabaseTarget =
  | { kind: "sqlite"; filename: string }
  | { kind: "postgres"; url: string };

export const DEFAULT_DATABASE_URL = "file:./data/app.db";

/** `file:./data/app.db`, `file::memory:`, a bare path, or `postgres://…`. */
export function parseDatabaseUrl(url: string = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url };
  const filename = url.startsWith("file:") ? url.slice("file:".length) : url;
  if (filename === ":memory:" || filename === "") return { kind: "sqlite", filename: ":memory:" };
  return { kind: "sqlite", filename };
}

/**
 * SQLITE_READONLY=1 opens the database read-only (an operator's switch for maintenance, and
 * how the tests simulate a read-only disk when running as root, which ignores file modes).
 */
const sqliteReadonly = () => process.env.SQLITE_READONLY === "1";

/** Opens a SQLite file with the settings every connection of the app uses. */
export function openSqlite(filename: string, opts: { readonly?: boolean } = {}): SQLite.Database {
  const readonly = opts.readonly ?? (sqliteReadonly() && filename !== ":memory:");
  if (filename !== ":memory:" && !readonly) fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const sqlite = new SQLite(filename, { readonly, fileMustExist: readonly });
  if (!readonly) sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  return sqlite;
}

let pgTypesSet = false;
/**
 * PostgreSQL returns int8 (count(*), sum of integers) and numeric as strings; SQLite returns
 * numbers. Parse them to numbers where that is exact, so domain code sees the same values
 * on both engines. An int8 beyond 2^53 stays a string rather than silently losing digits.
 */
function setPgTypeParsers() {
  if (pgTypesSet) return;
  pgTypesSet = true;
  pg.types.setTypeParser(20, (v: string) => {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  });
  pg.types.setTypeParser(1700, (v: string) => Number(v));
}

/**
 * A pg pool for `postgres://…`. A `?schema=NAME` parameter (used by the tests, one schema
 * per test database) sets the search_path of every connection.
 */
export function createPgPool(url: string, opts: { max?: number } = {}): pg.Pool {
  setPgTypeParsers();
  const u = new URL(url);
  const schema = u.searchParams.get("schema");
  u.searchParams.delete("schema");
  if (schema !== null && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name in DATABASE_URL: ${schema}`);
  const pool = new pg.Pool({
    connectionString: u.toString(),
    max: opts.max ?? Number(process.env.PG_POOL_MAX || 10),
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client can be closed by the server (restart, database dropped, admin command):
  // the pool discards it and opens a new one when needed. Without a listener the error
  // would be unhandled and end the process.
  pool.on("error", (err) => console.warn(`PostgreSQL: an idle connection was closed (${err.message})`));
  return pool;
}

/**
 * SQLite transactions begin IMMEDIATE: they take the write lock at BEGIN, waiting up to the
 * busy timeout for another process (a CLI import, a backup) to finish. A DEFERRED one that read
 * first and then wrote would fail at once with SQLITE_BUSY_SNAPSHOT when another connection had
 * written in between. Inside one process Kysely already runs one transaction at a time.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  /**
   * After some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM…) SQLite has already rolled the
   * transaction back by itself: the ROLLBACK Kysely then sends fails with "no transaction is
   * active" and would hide the error that matters (a full disk answered 500 instead of 503).
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw("rollback"));
    } catch (e) {
      if (!/no transaction is active/.test(String((e as Error)?.message))) throw e;
    }
  }
}
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/**
 * Kysely prepares every query it runs (`db.prepare(sql)`), which SQLite must parse and plan
 * each time (~3.5 % of a board render). The app's queries are a few hundred distinct SQL
 * texts with their values bound: this keeps the most recent prepared statements by text and
 * hands them out again (never one that is still iterating rows: that one is prepared anew).
 * A schema change (a migration) makes SQLite re-prepare a statement by itself.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  const cached = ((source: string) => {
    const hit = cache.get(source);
    if (hit && !hit.busy) {
      // most recently used last: the oldest is dropped first
      cache.delete(source);
      cache.set(source, hit);
      return hit;
    }
    const stmt = prepare(source);
    if (!hit) {
      cache.set(source, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value as string);
    }
    return stmt;
  }) as SQLite.Database["prepare"];
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === "prepare") return cached;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export function createDb(url?: string): DB {
  const target = parseDatabaseUrl(url);
  if (target.kind === "postgres") {
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPgPool(target.url) }) });
  }
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(openSqlite(target.filename)) }) });
}

/** The folder that holds the database file (and the generated session secret). */
export function dataDirFor(url?: string): string | null {
  const target = parseDatabaseUrl(url);
  if (target.kind !== "sqlite" || target.filename === ":memory:") return null;
  return path.dirname(path.resolve(target.filename));
}
