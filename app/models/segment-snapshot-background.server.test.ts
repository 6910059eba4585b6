/**
 * The segments page under change (issue 14, decision 006): with `serveLast`, on PostgreSQL a
 * page answers from the last snapshot, with its as-of time, while the rebuild waits (here: the
 * snapshot row held locked by another transaction, as a rebuild of another app server would),
 * and the rebuild lands once it can. On SQLite the rebuild stays in line (one writer) and the
 * page shows the new snapshot and its time. The customer list and card do the same; without
 * `serveLast` (domain calls) they wait for the rebuild.
 */
import { afterEach, beforeEach, expect, test } from "vitest";
import type { DB } from "#db/client";
import { isPostgres } from "#db/dialect";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeStore } from "../../tests/helpers/factories";
import { customerWith } from "../../tests/helpers/segment-factories";
import { todayIn, addDays } from "~/utils/format";
import { storeOverview } from "./segment.server";
import { getCustomerCard, listCustomers } from "./customer.server";

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

/** Another transaction holding the store's snapshot row, as a rebuild of another app server would. */
async function holdSnapshotRow() {
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
  return { release, holder };
}

/** "late" when the call has not answered within ms. */
const settlesWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => "answered"), new Promise((r) => setTimeout(() => r("late"), ms))]);
/** The call's answer and how long it took; fails (and lets the test release the row) after 2 s. */
const within2s = async <T>(p: Promise<T>) => {
  const t0 = performance.now();
  expect(await settlesWithin(p, 2_000)).toBe("answered");
  return { out: await p, ms: performance.now() - t0 };
};

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
  const { release, holder } = await holdSnapshotRow();
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

test("the customer list and card read the last snapshot while a rebuild is held; a walk-in added since is listed without a group", async () => {
  const first = await listCustomers(db, { storeId, serveLast: true });
  expect(first.total).toBe(2);
  expect(first.snapshot.rebuilding).toBe(false);
  expect(first.snapshot.computedAt).not.toBeNull();
  const a1 = first.rows.find((r) => r.customer_code === "A1")!;
  await new Promise((r) => setTimeout(r, 20));
  const { customer: walkIn } = await customerWith(db, storeId, { code: "A3", visits: [[addDays(today, -1), "maintenance", 900]] });
  const listed = async (opts: { serveLast?: boolean } = {}) => {
    const list = await listCustomers(db, { storeId, ...opts });
    return { ...list, a3: list.rows.find((r) => r.customer_code === "A3") };
  };

  if (!isPostgres(db)) {
    // SQLite: rebuilt in line, the walk-in has its group at once
    const now = await listed({ serveLast: true });
    expect(now.total).toBe(3);
    expect(now.a3?.grp).not.toBeNull();
    expect(now.snapshot.rebuilding).toBe(false);
    expect(now.snapshot.computedAt! > first.snapshot.computedAt!).toBe(true);
    const card = (await getCustomerCard(db, { storeId, id: walkIn.id, serveLast: true }))!;
    expect(card.segment?.group).toBe(now.a3!.grp);
    expect(card.snapshot.rebuilding).toBe(false);
    return;
  }
  const { release, holder } = await holdSnapshotRow();
  let exactList!: ReturnType<typeof listed>;
  let exactCard!: ReturnType<typeof getCustomerCard>;
  try {
    const list = await within2s(listed({ serveLast: true }));
    expect(list.ms).toBeLessThan(2_000);
    expect(list.out.total).toBe(3); // the walk-in is listed…
    expect(list.out.a3).toMatchObject({ grp: null, tier: null }); // …without a group: the last snapshot
    expect(list.out.rows.find((r) => r.customer_code === "A1")!.grp).toBe(a1.grp);
    expect(list.out.snapshot).toEqual({ ...first.snapshot, rebuilding: true });

    const card = await within2s(getCustomerCard(db, { storeId, id: walkIn.id, serveLast: true }));
    expect(card.ms).toBeLessThan(2_000);
    expect(card.out!.customer.customer_code).toBe("A3");
    expect(card.out!.segment).toBeNull();
    expect(card.out!.snapshot).toEqual({ ...first.snapshot, rebuilding: true });
    expect(card.out!.asOf).toBe(first.snapshot.asOf);
    const oldCard = (await getCustomerCard(db, { storeId, id: a1.id, serveLast: true }))!;
    expect(oldCard.segment?.group).toBe(a1.grp);
    expect(oldCard.snapshot.rebuilding).toBe(true);

    // without serveLast (domain calls) they wait for the rebuild: exact
    exactList = listed();
    exactCard = getCustomerCard(db, { storeId, id: walkIn.id });
    expect(await settlesWithin(exactList, 500)).toBe("late");
    expect(await settlesWithin(exactCard, 1)).toBe("late");
  } finally {
    release();
    await holder;
  }
  const [afterList, afterCard] = await Promise.all([exactList, exactCard]);
  expect(afterList.a3?.grp).not.toBeNull();
  expect(afterList.snapshot.rebuilding).toBe(false);
  expect(afterCard!.segment?.group).toBe(afterList.a3!.grp);
  expect(afterCard!.snapshot.rebuilding).toBe(false);
  // the rebuild has landed: the pages read the new snapshot
  await expect.poll(async () => (await listed({ serveLast: true })).a3?.grp ?? null, { timeout: 10_000 }).not.toBeNull();
  const after = await listed({ serveLast: true });
  expect(after.snapshot.rebuilding).toBe(false);
  expect(after.snapshot.computedAt! > first.snapshot.computedAt!).toBe(true);
  const card = (await getCustomerCard(db, { storeId, id: walkIn.id, serveLast: true }))!;
  expect(card.segment?.group).toBe(after.a3!.grp);
  expect(card.snapshot).toEqual(after.snapshot);
});
