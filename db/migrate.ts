import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from "kysely";
import { isPostgres } from "./dialect";

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../migrations");

/** Reads every `migrations/*.ts` file; names sort by their timestamp prefix. */
class FolderProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => /^\d.*\.ts$/.test(f) && !f.endsWith(".test.ts")).sort();
    const out: Record<string, Migration> = {};
    for (const file of files) {
      out[file.replace(/\.ts$/, "")] = await import(pathToFileURL(path.join(MIGRATIONS_DIR, file)).href);
    }
    return out;
  }
}

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  // On PostgreSQL, keep Kysely's bookkeeping tables in the connection's own schema: without
  // this, the Migrator sees another schema's kysely_migration table and skips creating its own.
  const migrationTableSchema = isPostgres(db)
    ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
    : undefined;
  const migrator = new Migrator({ db, provider: new FolderProvider(), migrationTableSchema });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    throw new Error(`migration ${failed?.migrationName ?? "?"} failed: ${String(result.error)}`);
  }
  return result;
}
