import { describe, expect, test } from "vitest";
import type { DB } from "#db/client";
import { freshStoreEachTest } from "../../tests/helpers/fresh-db";
import { bulkCustomersWithRevenue, customerWith } from "../../tests/helpers/segment-factories";
import { addDays } from "~/utils/format";
import { seedDemo } from "./demo/demo.server";
import { computeSegments, ensureSegments, subtractYears, type CustomerSegmentRow } from "./segmentation.server";
import { saveStoreSettings } from "./settings.server";
import { DEFAULT_SETTINGS } from "./settings.schema";

const AS_OF = "2026-06-30";
let db: DB;
let storeId: number;
freshStoreEachTest((d, s) => { db = d; storeId = s; });

async function rows(asOf = AS_OF): Promise<Record<string, CustomerSegmentRow>> {
  return Object.fromEntries((await computeSegments(db, { storeId, asOf })).map((r) => [r.customer_code, r]));
}

describe("8-group matrix windows", () => {
  test("a visit exactly N days before is outside, the as-of day is inside, later visits never count", async () => {
    const day365 = addDays(AS_OF, -365); // 2025-06-30: outside the 365-day window
    const day364 = addDays(AS_OF, -364); // inside
    await customerWith(db, storeId, { code: "IN", visits: [[day364, "maintenance"], [AS_OF, "care"]] });
    await customerWith(db, storeId, { code: "EDGE", visits: [[day365, "maintenance"], [AS_OF, "maintenance"]] });
    await customerWith(db, storeId, { code: "FUTURE", visits: [[AS_OF, "maintenance"], [addDays(AS_OF, 1), "maintenance"]] });
    // R uses a 730-day window.
    await customerWith(db, storeId, { code: "R729", visits: [[addDays(AS_OF, -729), "repair"]] });
    await customerWith(db, storeId, { code: "R730", visits: [[addDays(AS_OF, -730), "warranty"]] });
    await customerWith(db, storeId, { code: "I364", visits: [[day364, "accident"]] });
    await customerWith(db, storeId, { code: "I365", visits: [[day365, "insurance_renewal"]] });
    const r = await rows();
    expect(r.IN!.m_visits).toBe(2);
    expect(r.IN!.grp).toBe(2);
    expect(r.EDGE!.m_visits).toBe(1);
    expect(r.EDGE!.grp).toBe(1);
    expect(r.FUTURE!.m_visits).toBe(1);
    expect(r.FUTURE!.grp).toBe(1);
    expect(r.FUTURE!.last_visit).toBe(AS_OF);
    expect(r.R729!.grp).toBe(3);
    expect(r.R730!.grp).toBe(1);
    expect(r.I364!.grp).toBe(5);
    expect(r.I365!.grp).toBe(1);
  });

  test("every combination of M, R, I gives group 1 + M + 2R + 4I; beauty visits never change it", async () => {
    const d = addDays(AS_OF, -10);
    const m: [string, string][] = [[d, "maintenance"], [d, "first_maintenance"]];
    for (let g = 1; g <= 8; g++) {
      const bits = g - 1;
      const visits: [string, string][] = [[d, "beauty"], [d, "decoration"]];
      if (bits & 1) visits.push(...m);
      if (bits & 2) visits.push([d, "rescue"]);
      if (bits & 4) visits.push([d, "self_paid_accident"]);
      await customerWith(db, storeId, { code: `G${g}`, visits });
    }
    const r = await rows();
    for (let g = 1; g <= 8; g++) expect(r[`G${g}`]!.grp).toBe(g);
  });

  test("store thresholds change the groups", async () => {
    await customerWith(db, storeId, { code: "ONE_M", visits: [[addDays(AS_OF, -100), "maintenance"]] });
    expect((await rows()).ONE_M!.grp).toBe(1);
    await saveStoreSettings(db, { storeId, userId: null, settings: { ...DEFAULT_SETTINGS, mMinVisits: 1, mWindowDays: 90 } });
    expect((await rows()).ONE_M!.grp).toBe(1); // 100 days ago is outside a 90-day window
    await saveStoreSettings(db, { storeId, userId: null, settings: { ...DEFAULT_SETTINGS, mMinVisits: 1, mWindowDays: 101 } });
    expect((await rows()).ONE_M!.grp).toBe(2);
  });
});

describe("pyramid", () => {
  test("1000 customers with revenue → 10 / 40 / 150 / 800", async () => {
    await bulkCustomersWithRevenue(db, storeId, Array.from({ length: 1000 }, (_, i) => ({ code: `P${String(i).padStart(4, "0")}`, fen: (i + 1) * 100, date: addDays(AS_OF, -5) })));
    const all = Object.values(await rows());
    const count = (t: string) => all.filter((r) => r.tier === t).length;
    expect([count("A"), count("B"), count("C"), count("D")]).toEqual([10, 40, 150, 800]);
    const byCode = Object.fromEntries(all.map((r) => [r.customer_code, r.tier]));
    expect(byCode.P0999).toBe("A"); // highest revenue
    expect(byCode.P0990).toBe("A");
    expect(byCode.P0989).toBe("B");
    expect(byCode.P0950).toBe("B");
    expect(byCode.P0949).toBe("C");
    expect(byCode.P0800).toBe("C");
    expect(byCode.P0799).toBe("D");
  });

  test("ties go to the lower customer code; zero revenue is always D; n counts every customer", async () => {
    // 10 customers: A ≤ ⌈0.1⌉ = 1, B ≤ ⌈0.5⌉ = 1, C ≤ ⌈2⌉ = 2.
    await customerWith(db, storeId, { code: "T2", visits: [[addDays(AS_OF, -1), "repair", 500]] });
    await customerWith(db, storeId, { code: "T1", visits: [[addDays(AS_OF, -1), "repair", 500]] });
    await customerWith(db, storeId, { code: "OLD", visits: [[addDays(AS_OF, -365), "repair", 90000]] }); // outside the revenue window
    await customerWith(db, storeId, { code: "LATE", visits: [[addDays(AS_OF, 1), "repair", 90000]] }); // after as-of
    await customerWith(db, storeId, { code: "FREE", visits: [[addDays(AS_OF, -1), "warranty", 0]] }); // visit, zero revenue
    await customerWith(db, storeId, { code: "NOVEH", vehicle: false });
    for (let i = 0; i < 4; i++) await customerWith(db, storeId, { code: `Z${i}` });
    const r = await rows();
    expect(r.T1!.tier).toBe("A");
    expect(r.T2!.tier).toBe("C");
    for (const code of ["OLD", "LATE", "FREE", "NOVEH", "Z0"]) expect(r[code]!.tier).toBe("D");
    expect(r.OLD!.revenue_fen).toBe(0);
  });

  test("with fewer paying customers than the C cut, the zero-revenue ones stay D", async () => {
    await customerWith(db, storeId, { code: "PAY", visits: [[AS_OF, "maintenance", 300]] });
    await customerWith(db, storeId, { code: "ZERO", visits: [[AS_OF, "first_maintenance", 0]] });
    const r = await rows();
    expect(r.PAY!.tier).toBe("A");
    expect(r.ZERO!.tier).toBe("D");
  });
});

describe("RFM", () => {
  test("quintiles by cumulative distribution, ties share a score, no value scores 1", async () => {
    // F: visits 1..10 in the window (one customer each) → scores 1,1,2,2,3,3,4,4,5,5
    for (let k = 1; k <= 10; k++) {
      const visits: [string, string, number][] = Array.from({ length: k }, (_, j) => [addDays(AS_OF, -(j + 1)), "care", 100]);
      await customerWith(db, storeId, { code: `F${String(k).padStart(2, "0")}`, visits });
    }
    await customerWith(db, storeId, { code: "NONE" });
    await customerWith(db, storeId, { code: "ANCIENT", visits: [[addDays(AS_OF, -400), "care", 100]] });
    const r = await rows();
    expect(Array.from({ length: 10 }, (_, i) => r[`F${String(i + 1).padStart(2, "0")}`]!.f)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // M follows revenue = 100 yuan × visits → same scores
    expect(r.F10!.m).toBe(5);
    expect(r.F01!.m).toBe(1);
    expect(r.NONE).toMatchObject({ r: 1, f: 1, m: 1 });
    // ANCIENT has a last visit (the oldest): R is scored, F and M have no value in the window.
    expect(r.ANCIENT).toMatchObject({ f: 1, m: 1, r: 1 });
    // Recency: F01..F10 all visited yesterday → ties → all share the top score 5.
    expect(r.F01!.r).toBe(5);
    expect(r.F10!.r).toBe(5);
  });

  test("a single scored customer is 5 (best), ties of equal frequency share a score", async () => {
    await customerWith(db, storeId, { code: "A", visits: [[AS_OF, "care", 100], [AS_OF, "care", 100]] });
    await customerWith(db, storeId, { code: "B", visits: [[AS_OF, "care", 100], [AS_OF, "care", 100]] });
    await customerWith(db, storeId, { code: "C", visits: [[addDays(AS_OF, -3), "care", 50]] });
    const r = await rows();
    expect(r.A!.f).toBe(r.B!.f);
    expect(r.A!.f).toBe(5);
    expect(r.C!.f).toBe(2); // ⌈5·1/3⌉
    expect(r.C!.r).toBe(2);
  });
});

describe("vehicle age, warranty, insurance", () => {
  test("vehicle-age buckets by the newest vehicle, with exact year boundaries", async () => {
    const cases: [string, string | null, string][] = [
      ["LT1", addDays(subtractYears(AS_OF, 1), 1), "lt1"],
      ["Y1", subtractYears(AS_OF, 1), "1to2"],
      ["Y2", subtractYears(AS_OF, 2), "2to3"],
      ["Y3", subtractYears(AS_OF, 3), "3to4"],
      ["Y4", subtractYears(AS_OF, 4), "ge4"],
      ["NODATE", null, "unknown"],
    ];
    for (const [code, purchase] of cases) await customerWith(db, storeId, { code, vehicle: { purchase_date: purchase } });
    const two = await customerWith(db, storeId, { code: "TWO", vehicle: { purchase_date: "2015-01-01" } });
    await db.insertInto("vehicles").values({ store_id: storeId, customer_id: two.customer.id, vin: "VINTWOSECOND00000", plate: null, model: null, purchase_date: addDays(AS_OF, -30), warranty_end: null, insurance_expiry: null, mileage_km: null }).execute();
    await customerWith(db, storeId, { code: "NOVEH", vehicle: false });
    const r = await rows();
    for (const [code, , bucket] of cases) expect(r[code]!.vehicle_age, code).toBe(bucket);
    expect(r.TWO!.vehicle_age).toBe("lt1");
    expect(r.NOVEH!.vehicle_age).toBe("unknown");
    expect(subtractYears("2028-02-29", 1)).toBe("2027-02-28");
  });

  test("warranty in / ending within 90 days / ended / unknown, and insurance due within 60 days", async () => {
    await customerWith(db, storeId, { code: "W_IN", vehicle: { warranty_end: addDays(AS_OF, 91), insurance_expiry: addDays(AS_OF, 61) } });
    await customerWith(db, storeId, { code: "W_END90", vehicle: { warranty_end: addDays(AS_OF, 90), insurance_expiry: addDays(AS_OF, 60) } });
    await customerWith(db, storeId, { code: "W_TODAY", vehicle: { warranty_end: AS_OF, insurance_expiry: AS_OF } });
    await customerWith(db, storeId, { code: "W_ENDED", vehicle: { warranty_end: addDays(AS_OF, -1), insurance_expiry: addDays(AS_OF, -1) } });
    await customerWith(db, storeId, { code: "W_NONE", vehicle: {} });
    await customerWith(db, storeId, { code: "NOVEH", vehicle: false });
    const r = await rows();
    expect(r.W_IN).toMatchObject({ warranty: "in", insurance_due: 0 });
    expect(r.W_END90).toMatchObject({ warranty: "ending", insurance_due: 1 });
    expect(r.W_TODAY).toMatchObject({ warranty: "ending", insurance_due: 1 });
    expect(r.W_ENDED).toMatchObject({ warranty: "ended", insurance_due: 0 });
    expect(r.W_NONE).toMatchObject({ warranty: "unknown", insurance_due: 0 });
    expect(r.NOVEH).toMatchObject({ warranty: "unknown", insurance_due: 0, grp: 1, tier: "D", r: 1, f: 1, m: 1, last_visit: null });
  });
});

describe("snapshot", () => {
  test("is recomputed when visits are added, the as-of date or the settings change", async () => {
    const { vehicle } = await customerWith(db, storeId, { code: "S1", visits: [[addDays(AS_OF, -3), "maintenance"]] });
    await ensureSegments(db, { storeId, asOf: AS_OF });
    const grp = async () => (await db.selectFrom("customer_segments").select("grp").where("store_id", "=", storeId).executeTakeFirstOrThrow()).grp;
    expect(await grp()).toBe(1);
    await db.insertInto("service_visits").values({ store_id: storeId, vehicle_id: vehicle!.id, customer_id: vehicle!.customer_id, ro_number: "RO-NEW", visit_date: addDays(AS_OF, -2), type: "care", amount_fen: 100 }).execute();
    await ensureSegments(db, { storeId, asOf: AS_OF });
    expect(await grp()).toBe(2);
    await ensureSegments(db, { storeId, asOf: addDays(AS_OF, 400) });
    expect(await grp()).toBe(1);
    await saveStoreSettings(db, { storeId, userId: null, settings: { ...DEFAULT_SETTINGS, mWindowDays: 500 } });
    await ensureSegments(db, { storeId, asOf: addDays(AS_OF, 400) });
    expect(await grp()).toBe(2);
  });
});

test("the demo seed populates all 8 groups and all 4 tiers", async () => {
  const ctx = await seedDemo(db, { today: AS_OF });
  const all = await computeSegments(db, { storeId: ctx.stores.ZZ01!, asOf: AS_OF });
  expect(all.length).toBe(3000);
  const groups = new Set(all.map((r) => r.grp));
  const tiers = new Set(all.map((r) => r.tier));
  expect([...groups].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect([...tiers].sort()).toEqual(["A", "B", "C", "D"]);
  const count = (t: string) => all.filter((r) => r.tier === t).length;
  expect([count("A"), count("B"), count("C")]).toEqual([30, 120, 450]);
}, 240_000); // the whole demo (every store, campaign and event-day demo): minutes on PostgreSQL on a busy 2-core machine

test("freshWithinMs trusts a recent check (builder clicks); domain calls stay exact", async () => {
  const { vehicle } = await customerWith(db, storeId, { code: "Q1", visits: [[addDays(AS_OF, -3), "maintenance"]] });
  await ensureSegments(db, { storeId, asOf: AS_OF });
  await db.insertInto("service_visits").values({ store_id: storeId, vehicle_id: vehicle!.id, customer_id: vehicle!.customer_id, ro_number: "RO-Q", visit_date: addDays(AS_OF, -2), type: "care", amount_fen: 100 }).execute();
  const grp = async () => (await db.selectFrom("customer_segments").select("grp").where("store_id", "=", storeId).executeTakeFirstOrThrow()).grp;
  await ensureSegments(db, { storeId, asOf: AS_OF, freshWithinMs: 60_000 });
  expect(await grp()).toBe(1); // trusted the check made a moment ago
  await ensureSegments(db, { storeId, asOf: AS_OF });
  expect(await grp()).toBe(2); // exact call sees the new visit
});

test("concurrent rebuilds of one store end with one row per customer", async () => {
  for (let i = 0; i < 5; i++) await customerWith(db, storeId, { code: `P${i}`, visits: [[addDays(AS_OF, -i), "repair", 100 * (i + 1)]] });
  const { refreshSegments } = await import("./segmentation.server");
  await Promise.all([0, 1, 2].map(() => refreshSegments(db, { storeId, asOf: AS_OF })));
  const rows = await db.selectFrom("customer_segments").select("customer_id").where("store_id", "=", storeId).execute();
  expect(rows).toHaveLength(5);
});

test("rebuilding a snapshot that is already current changes nothing unless forced", async () => {
  await customerWith(db, storeId, { code: "S1", visits: [[addDays(AS_OF, -3), "repair", 100]] });
  const { refreshSegments } = await import("./segmentation.server");
  const computedAt = async () => (await db.selectFrom("segment_snapshots").select("computed_at").where("store_id", "=", storeId).executeTakeFirstOrThrow()).computed_at;
  await refreshSegments(db, { storeId, asOf: AS_OF });
  const first = await computedAt();
  await new Promise((r) => setTimeout(r, 5));
  await refreshSegments(db, { storeId, asOf: AS_OF }); // e.g. another server rebuilt it while this one waited
  expect(await computedAt()).toBe(first);
  await refreshSegments(db, { storeId, asOf: AS_OF, force: true });
  expect(await computedAt()).not.toBe(first);
  await refreshSegments(db, { storeId, asOf: addDays(AS_OF, 1) }); // a new as-of date is a new snapshot
  expect((await db.selectFrom("segment_snapshots").select("as_of").where("store_id", "=", storeId).executeTakeFirstOrThrow()).as_of).toBe(addDays(AS_OF, 1));
});
