import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
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

/** Opens a SQLite file with the settings every connection of the app uses. */
export function openSqlite(filename: string): SQLite.Database {
  if (filename !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const sqlite = new SQLite(filename);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  return sqlite;
}

export function createDb(url?: string): DB {
  const target = parseDatabaseUrl(url);
  if (target.kind === "postgres") {
    throw new Error("PostgreSQL support is not installed in this build (DATABASE_URL=postgres://…)");
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(target.filename) }) });
}

/** The folder that holds the database file (and the generated session secret). */
export function dataDirFor(url?: string): string | null {
  const target = parseDatabaseUrl(url);
  if (target.kind !== "sqlite" || target.filename === ":memory:") return null;
  return path.dirname(path.resolve(target.filename));
}
