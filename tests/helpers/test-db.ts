import { createDb, type DB } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { createPgSchema, TEST_ENGINE } from "./pg";

/**
 * A fresh database built by the real migrations: in-memory SQLite, or — when the suite runs
 * with TEST_ENGINE=pg (tests/run-all.mjs does when TEST_PG_URL is set) — a new PostgreSQL
 * schema that `db.destroy()` drops again.
 */
export async function createTestDb(): Promise<DB> {
  if (TEST_ENGINE !== "pg") {
    const db = createDb("file::memory:");
    await migrateToLatest(db);
    return db;
  }
  const schema = await createPgSchema();
  const db = createDb(schema.url);
  const destroy = db.destroy.bind(db);
  let destroyed: Promise<void> | undefined;
  db.destroy = () => (destroyed ??= destroy().then(schema.drop));
  try {
    await migrateToLatest(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return db;
}
