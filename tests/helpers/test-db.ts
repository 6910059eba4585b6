import { createDb, type DB } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { createPgDatabase, TEST_ENGINE } from "./pg";

/**
 * A fresh database built by the real migrations: in-memory SQLite, or — when the suite runs
 * with TEST_ENGINE=pg (tests/run-all.mjs does when TEST_PG_URL is set) — a new PostgreSQL
 * database that `db.destroy()` drops again.
 */
export async function createTestDb(): Promise<DB> {
  if (TEST_ENGINE !== "pg") {
    const db = createDb("file::memory:");
    await migrateToLatest(db);
    return db;
  }
  const pgDb = await createPgDatabase();
  const db = createDb(pgDb.url);
  const destroy = db.destroy.bind(db);
  let destroyed: Promise<void> | undefined;
  db.destroy = () => (destroyed ??= destroy().then(pgDb.drop));
  try {
    await migrateToLatest(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return db;
}
