/**
 * SQLite backup and restore (PostgreSQL has pg_dump/pg_restore, or `cli copy`).
 * A backup uses SQLite's online backup API, so it is consistent while the server writes.
 * A restore replaces the database file atomically (write a checked copy beside it, rename);
 * stop the server first, as a running one keeps the file it had open.
 */
import fs from "node:fs";
import path from "node:path";
import { Kysely, SqliteDialect } from "kysely";
import { openSqlite } from "./client";
import { nonEmptyTables } from "./copy";

export class RestoreRefused extends Error {}

export function integrityCheck(filename: string): string {
  const db = openSqlite(filename, { readonly: true });
  try {
    const rows = db.pragma("integrity_check") as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join("; ");
  } finally {
    db.close();
  }
}

export async function backupSqlite(from: string, to: string): Promise<void> {
  if (!fs.existsSync(from)) throw new Error(`no database at ${from}`);
  const source = openSqlite(from);
  try {
    await source.backup(to);
  } finally {
    source.close();
  }
  const check = integrityCheck(to);
  if (check !== "ok") throw new Error(`backup failed the integrity check: ${check}`);
}

/** Tables of a SQLite file that hold rows ([] for a missing or empty file). */
export async function sqliteDataTables(filename: string): Promise<string[]> {
  if (!fs.existsSync(filename) || fs.statSync(filename).size === 0) return [];
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: openSqlite(filename, { readonly: true }) }) });
  try {
    return await nonEmptyTables(db);
  } finally {
    await db.destroy();
  }
}

export async function restoreSqlite(from: string, to: string, opts: { force?: boolean } = {}): Promise<{ tables: number }> {
  if (!fs.existsSync(from)) throw new RestoreRefused(`no backup at ${from}`);
  if (path.resolve(from) === path.resolve(to)) throw new RestoreRefused("the backup and the database are the same file");
  let check: string;
  try {
    check = integrityCheck(from);
  } catch (e) {
    throw new RestoreRefused(`${from} is not a SQLite database: ${(e as Error).message}`);
  }
  if (check !== "ok") throw new RestoreRefused(`the backup fails the integrity check: ${check}`);
  const busy = await sqliteDataTables(to);
  if (busy.length && !opts.force) {
    throw new RestoreRefused(`the database ${to} is not empty (${busy.join(", ")}): use --force to overwrite it`);
  }
  fs.mkdirSync(path.dirname(path.resolve(to)), { recursive: true });
  const tmp = `${to}.restore-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  const source = openSqlite(from, { readonly: true });
  try {
    await source.backup(tmp);
  } finally {
    source.close();
  }
  const tmpCheck = integrityCheck(tmp);
  if (tmpCheck !== "ok") {
    fs.rmSync(tmp, { force: true });
    throw new Error(`the restored copy fails the integrity check: ${tmpCheck}`);
  }
  // The old file's write-ahead log must not be replayed onto the restored file.
  for (const side of ["-wal", "-shm"]) fs.rmSync(`${to}${side}`, { force: true });
  fs.renameSync(tmp, to);
  for (const side of ["-wal", "-shm"]) fs.rmSync(`${tmp}${side}`, { force: true });
  const tables = await sqliteDataTables(to);
  return { tables: tables.length };
}
