/**
 * The segments page under change (issue 14, decision 006): with `serveLast`, on PostgreSQL a
 * page answers from the last snapshot, with its as-of time, while the rebuild waits (here: the
 * snapshot row held locked by another transaction, as a rebuild of another app server would),
 * and the rebuild lands once it can. On SQLite the rebuild stays in line (one writer) and the
 * page shows the new snapshot and its time.
 */
import { afterEach, beforeEach, expect, test } from "vitest";
import type { DB } from "#db/client";
import { isPostgres } from "#db/dialect";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeStore } from "../../tests/helpers/factories";
import { customerWith } from "../../tests/helpers/segment-factories";
import { todayIn, addDays } from "~/utils/format";
import { storeOverview } from "./segment.server";

let db: DB;
let storeId: number;
const today = todayIn("Asia/Shanghai");
beforeEach(async () => {
  db = await createTestDb();
  storeId = (await makeStore(db)).id;
  await customerWith(db, storeId, { code: "A1", visits: [[addDays(today, -10), "maintenance", 800]] });
  await customerWith(db, storeId, { code: "A2", visits: [[addDays(today, -20), "repair", 5000]] });
});
afterEach(async () => {
  await db.destroy();
});

test("a page reads the last snapshot, with its time, while a rebuild is held; the rebuild lands after", async () => {
  const first = await storeOverview(db, { storeId, serveLast: true });
  expect(first.total).toBe(2);
  expect(first.computedAt).not.toBeNull();
  expect(first.rebuilding).toBe(false);
  await new Promise((r) => setTimeout(r, 20));
  await customerWith(db, storeId, { code: "A3", visits: [[addDays(today, -5), "maintenance", 900]] });

  if (!isPostgres(db)) {
    // SQLite: rebuilt in line, the page shows the new count and when it was computed
    const now = await storeOverview(db, { storeId, serveLast: true });
    expect(now.total).toBe(3);
    expect(now.rebuilding).toBe(false);
    expect(now.computedAt! > first.computedAt!).toBe(true);
    return;
  }
  // PostgreSQL: another transaction holds the store's snapshot row (as a rebuild elsewhere would)
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const holder = db.transaction().execute(async (trx) => {
    await trx.selectFrom("segment_snapshots").select("store_id").where("store_id", "=", storeId).forUpdate().execute();
    locked();
    await held;
  });
  await isLocked;
  try {
    const t0 = performance.now();
    const during = await storeOverview(db, { storeId, serveLast: true });
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(during.total).toBe(2); // the last snapshot
    expect(during.computedAt).toBe(first.computedAt);
    expect(during.rebuilding).toBe(true);
    // still held: a second page answers from the same snapshot, and no rebuild has landed
    await new Promise((r) => setTimeout(r, 300));
    const again = await storeOverview(db, { storeId, serveLast: true });
    expect(again.total).toBe(2);
    expect(again.computedAt).toBe(first.computedAt);
  } finally {
    release();
    await holder;
  }
  // the rebuild lands: the next pages read the new snapshot
  await expect.poll(async () => (await storeOverview(db, { storeId, serveLast: true })).total, { timeout: 10_000 }).toBe(3);
  const after = await storeOverview(db, { storeId, serveLast: true });
  expect(after.rebuilding).toBe(false);
  expect(after.computedAt! > first.computedAt!).toBe(true);
});
