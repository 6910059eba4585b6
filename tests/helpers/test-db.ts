import { createDb, type DB } from "#db/client";
import { migrateToLatest } from "#db/migrate";

/** A fresh in-memory SQLite database built by the real migrations. */
export async function createTestDb(): Promise<DB> {
  const db = createDb("file::memory:");
  await migrateToLatest(db);
  return db;
}
