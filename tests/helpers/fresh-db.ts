/**
 * A fresh migrated database (test-db.ts) with one store for every test of a file, closed after
 * it: `freshStoreEachTest((d, s) => { db = d; storeId = s; })`.
 */
import { afterEach, beforeEach } from "vitest";
import type { DB } from "#db/client";
import { makeStore } from "./factories";
import { createTestDb } from "./test-db";

export function freshStoreEachTest(use: (db: DB, storeId: number) => void) {
  let db: DB | undefined;
  beforeEach(async () => {
    db = await createTestDb();
    use(db, (await makeStore(db)).id);
  });
  afterEach(async () => {
    await db?.destroy();
  });
}
