/**
 * The segmentation engine (客户分析): for a store and an as-of date, every customer's
 * 8-group matrix number, ABCD pyramid tier, RFM scores, vehicle-age bucket, warranty status
 * and insurance-due flag — computed by ONE SQL statement over the whole store (aggregates
 * and window functions available on SQLite and PostgreSQL), never customer by customer.
 *
 * Rules (domain brief, store settings as thresholds):
 * - A visit is in an N-day window when (asOf − N days) < visit_date ≤ asOf. The bound is
 *   computed here with addDays and compared as ISO text. Visits after asOf never count.
 * - Group = 1 + M + 2·R + 4·I; a line is High with ≥ xMinVisits visits of that line in its window.
 * - Pyramid: revenue in the last revenueWindowDays, ranked highest first (ties: customer
 *   code ascending); with n = all customers of the store, A is rank ≤ ⌈a%·n⌉, B ≤ ⌈b%·n⌉,
 *   C ≤ ⌈c%·n⌉, D the rest; zero revenue is always D.
 * - RFM (5 best): R orders customers by their last visit (≤ asOf; more recent is better),
 *   F by visits and M by revenue in the revenueWindowDays window. Only customers with a
 *   value are scored by quintile: score = ⌈5·k/p⌉ where p is the number of customers with
 *   a value (a visit ever / a visit in the window / revenue > 0) and k the number of them
 *   whose value is at most the customer's (the cumulative distribution, so equal values
 *   always share a score — the one of the top of their block — and the best is always 5).
 *   Customers without a value (no visit, no visit in the window, zero revenue) score 1.
 * - Vehicle age: by the customer's newest vehicle (latest purchase date); < 1 y when bought
 *   after asOf − 1 year, 1–2 y after asOf − 2 years, …, ≥ 4 y otherwise; no vehicle or no
 *   purchase date → unknown. Years are calendar years (29 Feb → 28 Feb).
 * - Warranty: by the latest warranty end among the customer's vehicles: ended when it is
 *   before asOf; ending when asOf ≤ end ≤ asOf + warrantyEndingDays; in after that; unknown
 *   when no vehicle has a warranty end.
 * - Insurance due: a vehicle's insurance expiry is within asOf ≤ expiry ≤ asOf + insuranceDueDays
 *   (an insurance that already lapsed is not "expiring").
 */
import { sql, type Expression, type SqlBool } from "kysely";
import type { DB } from "#db/client";
import { isPostgres, toInt } from "#db/dialect";
import { addDays, todayIn } from "~/utils/format";
import { csvLine } from "~/utils/csv";
import { visitTypesOfLine, type GroupNumber, type Line, type Tier, DEFAULT_TIMEZONE } from "./domain";
import type { VehicleAgeBucket, WarrantyStatus } from "./segment.schema";
import { importApplyingTo } from "./import-lease.server";
import { getStoreSettings } from "./settings.server";
import type { StoreSettings } from "./settings.schema";
import type { CustomerSegmentTable } from "#db/schema";

/** One customer's segmentation: the cached row without its store. */
export type CustomerSegmentRow = Omit<CustomerSegmentTable, "store_id" | "grp"> & { grp: GroupNumber };

/** `YYYY-MM-DD` minus whole calendar years (29 Feb → 28 Feb). */
export function subtractYears(isoDate: string, years: number): string {
  const y = Number(isoDate.slice(0, 4)) - years;
  const md = isoDate.slice(5);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return `${String(y).padStart(4, "0")}-${md === "02-29" && !leap ? "02-28" : md}`;
}

/** The first day still inside an N-day window ending at asOf is bound + 1: visit_date > bound. */
export const windowBound = (asOf: string, days: number) => addDays(asOf, -days);

const types = (line: Line) => sql.join(visitTypesOfLine(line).map((t) => sql.lit(t)));
const int = (n: number) => sql.lit(Math.trunc(n));

/**
 * The engine's single statement: one row per customer of the store (CustomerSegmentRow).
 * Used to fill the snapshot table and by the CLI.
 */
export function segmentationQuery(db: DB, { storeId, asOf, settings }: { storeId: number; asOf: string; settings: StoreSettings }) {
  const mBound = windowBound(asOf, settings.mWindowDays);
  const rBound = windowBound(asOf, settings.rWindowDays);
  const iBound = windowBound(asOf, settings.iWindowDays);
  const revBound = windowBound(asOf, settings.revenueWindowDays);
  const insEnd = addDays(asOf, settings.insuranceDueDays);
  const warrantyEnd = addDays(asOf, settings.warrantyEndingDays);
  const [y1, y2, y3, y4] = [1, 2, 3, 4].map((k) => subtractYears(asOf, k));
  return db
    .with("agg", (qb) =>
      qb.selectFrom("service_visits as v")
        .where("v.store_id", "=", storeId)
        .where("v.visit_date", "<=", asOf)
        .groupBy("v.customer_id")
        .select([
          "v.customer_id",
          sql<number>`sum(case when v.type in (${types("M")}) and v.visit_date > ${mBound} then 1 else 0 end)`.as("m_visits"),
          sql<number>`sum(case when v.type in (${types("R")}) and v.visit_date > ${rBound} then 1 else 0 end)`.as("r_visits"),
          sql<number>`sum(case when v.type in (${types("I")}) and v.visit_date > ${iBound} then 1 else 0 end)`.as("i_visits"),
          sql<number>`sum(case when v.visit_date > ${revBound} then 1 else 0 end)`.as("visits"),
          sql<number>`sum(case when v.visit_date > ${revBound} then v.amount_fen else 0 end)`.as("revenue_fen"),
          sql<string>`max(v.visit_date)`.as("last_visit"),
        ]),
    )
    .with("veh", (qb) =>
      qb.selectFrom("vehicles as vh")
        .where("vh.store_id", "=", storeId)
        .groupBy("vh.customer_id")
        .select([
          "vh.customer_id",
          sql<string | null>`max(vh.purchase_date)`.as("newest_purchase"),
          sql<string | null>`max(vh.warranty_end)`.as("warranty_end"),
          sql<number>`sum(case when vh.insurance_expiry >= ${asOf} and vh.insurance_expiry <= ${insEnd} then 1 else 0 end)`.as("ins_due"),
        ]),
    )
    .with("base", (qb) =>
      qb.selectFrom("customers as c")
        .leftJoin("agg", "agg.customer_id", "c.id")
        .leftJoin("veh", "veh.customer_id", "c.id")
        .where("c.store_id", "=", storeId)
        .select([
          "c.id as customer_id",
          "c.store_id",
          "c.customer_code",
          "c.do_not_contact",
          "c.usage",
          sql<number>`coalesce(agg.m_visits, 0)`.as("m_visits"),
          sql<number>`coalesce(agg.r_visits, 0)`.as("r_visits"),
          sql<number>`coalesce(agg.i_visits, 0)`.as("i_visits"),
          sql<number>`coalesce(agg.visits, 0)`.as("visits"),
          sql<number>`coalesce(agg.revenue_fen, 0)`.as("revenue_fen"),
          sql<string | null>`agg.last_visit`.as("last_visit"),
          sql<string | null>`veh.newest_purchase`.as("newest_purchase"),
          sql<string | null>`veh.warranty_end`.as("warranty_end"),
          sql<number>`coalesce(veh.ins_due, 0)`.as("ins_due"),
        ]),
    )
    .with("totals", (qb) =>
      qb.selectFrom("agg").select([
        sql<number>`count(*)`.as("r_n"),
        sql<number>`sum(case when agg.visits > 0 then 1 else 0 end)`.as("f_n"),
        sql<number>`sum(case when agg.revenue_fen > 0 then 1 else 0 end)`.as("m_n"),
      ]).select((eb) => eb.selectFrom("customers").where("customers.store_id", "=", storeId).select(sql<number>`count(*)`.as("c")).as("n")),
    )
    // Four sorts of the store's customers, on narrow rows (id + sort keys) joined back after.
    // `count(*) over (order by x)` counts the rows with a value ≤ x (the default frame
    // includes peers); customers without a value sort first ('' before any date, 0 before
    // any positive number) and are subtracted below.
    .with("ranks", (qb) =>
      qb.selectFrom("customers as c")
        .leftJoin("agg", "agg.customer_id", "c.id")
        .where("c.store_id", "=", storeId)
        .select([
          "c.id as customer_id",
          sql<number>`row_number() over (order by coalesce(agg.revenue_fen, 0) desc, c.customer_code asc)`.as("rev_rank"),
          sql<number>`count(*) over (order by coalesce(agg.last_visit, '') asc)`.as("r_le_all"),
          sql<number>`count(*) over (order by coalesce(agg.visits, 0) asc)`.as("f_le_all"),
          sql<number>`count(*) over (order by coalesce(agg.revenue_fen, 0) asc)`.as("m_le_all"),
        ]),
    )
    .with("ranked", (qb) =>
      qb.selectFrom("base")
        .innerJoin("ranks", "ranks.customer_id", "base.customer_id")
        .crossJoin("totals")
        .selectAll("base")
        .select([
          "totals.n", "totals.r_n", "totals.f_n", "totals.m_n", "ranks.rev_rank",
          sql<number>`ranks.r_le_all - (totals.n - totals.r_n)`.as("r_le"),
          sql<number>`ranks.f_le_all - (totals.n - totals.f_n)`.as("f_le"),
          sql<number>`ranks.m_le_all - (totals.n - totals.m_n)`.as("m_le"),
        ]),
    )
    .selectFrom("ranked")
    .select([
      "customer_id",
      "store_id",
      "customer_code",
      "do_not_contact",
      "usage",
      sql<GroupNumber>`1 + case when m_visits >= ${int(settings.mMinVisits)} then 1 else 0 end + case when r_visits >= ${int(settings.rMinVisits)} then 2 else 0 end + case when i_visits >= ${int(settings.iMinVisits)} then 4 else 0 end`.as("grp"),
      sql<Tier>`case when revenue_fen <= 0 then 'D' when rev_rank <= (${int(settings.tierAPercent)} * n + 99) / 100 then 'A' when rev_rank <= (${int(settings.tierBPercent)} * n + 99) / 100 then 'B' when rev_rank <= (${int(settings.tierCPercent)} * n + 99) / 100 then 'C' else 'D' end`.as("tier"),
      sql<number>`case when last_visit is null then 1 else (5 * r_le + r_n - 1) / r_n end`.as("r"),
      sql<number>`case when visits > 0 then (5 * f_le + f_n - 1) / f_n else 1 end`.as("f"),
      sql<number>`case when revenue_fen > 0 then (5 * m_le + m_n - 1) / m_n else 1 end`.as("m"),
      "m_visits",
      "r_visits",
      "i_visits",
      "visits",
      "revenue_fen",
      "last_visit",
      sql<VehicleAgeBucket>`case when newest_purchase is null then 'unknown' when newest_purchase > ${y1} then 'lt1' when newest_purchase > ${y2} then '1to2' when newest_purchase > ${y3} then '2to3' when newest_purchase > ${y4} then '3to4' else 'ge4' end`.as("vehicle_age"),
      sql<WarrantyStatus>`case when warranty_end is null then 'unknown' when warranty_end < ${asOf} then 'ended' when warranty_end <= ${warrantyEnd} then 'ending' else 'in' end`.as("warranty"),
      sql<number>`case when ins_due > 0 then 1 else 0 end`.as("insurance_due"),
    ]);
}

const NUMERIC: (keyof CustomerSegmentRow)[] = ["customer_id", "do_not_contact", "grp", "r", "f", "m", "m_visits", "r_visits", "i_visits", "visits", "revenue_fen", "insurance_due"];
/** PostgreSQL returns bigint aggregates as strings: normalise once. */
export function normaliseRow<T extends Partial<CustomerSegmentRow>>(row: T): T {
  const out: any = { ...row };
  for (const k of NUMERIC) if (k in out) out[k] = toInt(out[k]);
  return out;
}

export async function resolveAsOf(db: DB, { storeId, asOf }: { storeId: number; asOf?: string }): Promise<string> {
  if (asOf) return asOf;
  const store = await db.selectFrom("stores").select("timezone").where("id", "=", storeId).executeTakeFirst();
  return todayIn(store?.timezone ?? DEFAULT_TIMEZONE);
}

/** Every customer of the store with its segmentation, computed now (no snapshot), ordered by code. */
export async function computeSegments(db: DB, { storeId, asOf }: { storeId: number; asOf?: string }): Promise<CustomerSegmentRow[]> {
  const day = await resolveAsOf(db, { storeId, asOf });
  const settings = await getStoreSettings(db, { storeId });
  const rows = await segmentationQuery(db, { storeId, asOf: day, settings }).orderBy("customer_code").execute();
  return rows.map((r) => normaliseRow(r as CustomerSegmentRow));
}

// ── The snapshot: customer_segments filled by the same statement, reused while valid ──

/**
 * What the snapshot was computed from. Inserts of customers, vehicles and visits, visit
 * amounts and customer edits (updated_at) change it; writers that change other columns of
 * existing rows (an import updating a vehicle's insurance date) call invalidateSegments.
 */
async function dataStamp(db: DB, storeId: number): Promise<string> {
  const [v, c, vh] = await Promise.all([
    db.selectFrom("service_visits").where("store_id", "=", storeId)
      .select((eb) => [eb.fn.countAll().as("n"), eb.fn.max("id").as("maxId"), eb.fn.sum("amount_fen").as("sum")]).executeTakeFirst(),
    db.selectFrom("customers").where("store_id", "=", storeId)
      .select((eb) => [eb.fn.countAll().as("n"), eb.fn.max("id").as("maxId"), eb.fn.max("updated_at").as("updated")]).executeTakeFirst(),
    db.selectFrom("vehicles").where("store_id", "=", storeId)
      .select((eb) => [eb.fn.countAll().as("n"), eb.fn.max("id").as("maxId")]).executeTakeFirst(),
  ]);
  return [toInt(v?.n), toInt(v?.maxId), toInt(v?.sum), toInt(c?.n), toInt(c?.maxId), c?.updated ?? "", toInt(vh?.n), toInt(vh?.maxId)].join("|");
}

/** Forces the next read to recompute the store's segmentation. */
export async function invalidateSegments(db: DB, { storeId }: { storeId: number }) {
  lastChecks.get(db)?.delete(storeId);
  await db.deleteFrom("segment_snapshots").where("store_id", "=", storeId).execute();
}

/** Per database handle and store: when the data stamp was last found unchanged (for `freshWithinMs`). */
const lastChecks = new WeakMap<DB, Map<number, { at: number; key: string }>>();
/** Per database handle: the rebuilds under way, by store, as-of date, settings and data stamp. */
const rebuilds = new WeakMap<DB, Map<string, Promise<void>>>();

/**
 * Makes customer_segments hold the store's segmentation for asOf (default: today in the
 * store's time zone), recomputing it in one transaction when the as-of date, the settings
 * or the data changed. Returns the as-of date used.
 *
 * `freshWithinMs` (interactive pages only, e.g. the builder's preview as the user clicks):
 * skip the data-stamp check when this process found the snapshot current less than that
 * long ago, for the same as-of date and settings. Domain calls leave it unset: always exact.
 */
export async function ensureSegments(db: DB, opts: { storeId: number; asOf?: string; freshWithinMs?: number; serveLast?: boolean }): Promise<string> {
  return (await ensureSnapshot(db, opts)).asOf;
}

export interface SnapshotState {
  /** the as-of date of the snapshot the page reads */
  asOf: string;
  /** when that snapshot was computed (ISO), null when there is none */
  computedAt: string | null;
  /** a newer snapshot is being computed in the background (PostgreSQL, `serveLast`) */
  rebuilding: boolean;
}

/**
 * ensureSegments, telling which snapshot the caller reads. `serveLast` (pages: campaigns,
 * segments): on PostgreSQL, when the store has a snapshot and it is out of date, the rebuild
 * starts in the background (one per store and data stamp in this process; across processes the
 * snapshot row's lock orders them) and the caller reads the last snapshot at once, with its
 * as-of time. On SQLite (one writer, the rebuild holds the write lock anyway) it stays in line.
 */
export async function ensureSnapshot(db: DB, { storeId, asOf, freshWithinMs, serveLast }: { storeId: number; asOf?: string; freshWithinMs?: number; serveLast?: boolean }): Promise<SnapshotState> {
  const day = await resolveAsOf(db, { storeId, asOf });
  const settings = await getStoreSettings(db, { storeId });
  const settingsKey = JSON.stringify(settings);
  const memoKey = `${day}|${settingsKey}`;
  const memo = lastChecks.get(db)?.get(storeId);
  if (freshWithinMs && memo && memo.key === memoKey && Date.now() - memo.at < freshWithinMs) return { asOf: day, computedAt: null, rebuilding: false };
  const stamp = await dataStamp(db, storeId);
  const current = await db.selectFrom("segment_snapshots").selectAll().where("store_id", "=", storeId).executeTakeFirst();
  // While an import is being written into the store (docs/decisions/013) the snapshot stays
  // as it was before the import: rebuilt once the import is finished, never from half of it.
  if (!(current && current.as_of === day && current.settings_key === settingsKey && current.data_stamp === stamp)
    && !(await importApplyingTo(db, { storeId }))) {
    // One rebuild per store and data stamp in this process: requests that find the snapshot
    // stale at the same moment wait for it instead of each rebuilding (and, on PostgreSQL,
    // each holding a pooled connection while queued on the snapshot row's lock).
    const key = `${storeId}|${memoKey}|${stamp}`;
    let running = rebuilds.get(db);
    if (!running) rebuilds.set(db, (running = new Map()));
    let rebuild = running.get(key);
    if (!rebuild) {
      const map = running;
      rebuild = refreshSegments(db, { storeId, asOf: day, settings, stamp }).finally(() => map.delete(key));
      running.set(key, rebuild);
    }
    if (serveLast && current && isPostgres(db)) {
      rebuild.catch((e: unknown) => console.warn(`segments of store ${storeId}: the background rebuild failed (${(e as Error)?.message}); the last snapshot stays`));
      return { asOf: current.as_of, computedAt: current.computed_at, rebuilding: true };
    }
    await rebuild;
    if (!lastChecks.has(db)) lastChecks.set(db, new Map());
    lastChecks.get(db)!.set(storeId, { at: Date.now(), key: memoKey });
    const after = await db.selectFrom("segment_snapshots").select(["as_of", "computed_at"]).where("store_id", "=", storeId).executeTakeFirst();
    return { asOf: day, computedAt: after?.computed_at ?? null, rebuilding: false };
  }
  if (!lastChecks.has(db)) lastChecks.set(db, new Map());
  lastChecks.get(db)!.set(storeId, { at: Date.now(), key: memoKey });
  return { asOf: day, computedAt: current?.computed_at ?? null, rebuilding: false };
}

/** Recomputes the whole store's segmentation into customer_segments (one INSERT … SELECT). */
export async function refreshSegments(
  db: DB,
  { storeId, asOf, settings, stamp, force = false }: { storeId: number; asOf: string; settings?: StoreSettings; stamp?: string; force?: boolean },
) {
  const s = settings ?? (await getStoreSettings(db, { storeId }));
  const dataKey = stamp ?? (await dataStamp(db, storeId));
  const now = new Date().toISOString();
  const meta = { as_of: asOf, settings_key: JSON.stringify(s), data_stamp: dataKey, computed_at: now };
  await db.transaction().execute(async (trx) => {
    // The store's snapshot row first: on PostgreSQL its row lock makes concurrent rebuilds of
    // the same store wait for each other instead of colliding on customer_segments' keys.
    // Another process (or server) may have rebuilt the same snapshot while this one waited for
    // the row: the update's condition finds it current and changes nothing, and so do we
    // (unless forced).
    const claimed = await trx
      .insertInto("segment_snapshots")
      .values({ store_id: storeId, ...meta })
      .onConflict((oc) => {
        const update = oc.column("store_id").doUpdateSet(meta);
        return force ? update : update.where((eb) => eb.or([
          eb("segment_snapshots.as_of", "!=", meta.as_of),
          eb("segment_snapshots.settings_key", "!=", meta.settings_key),
          eb("segment_snapshots.data_stamp", "!=", meta.data_stamp),
        ]));
      })
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return;
    await trx.deleteFrom("customer_segments").where("store_id", "=", storeId).execute();
    await trx
      .insertInto("customer_segments")
      .columns([
        "customer_id", "store_id", "customer_code", "do_not_contact", "usage", "grp", "tier", "r", "f", "m",
        "m_visits", "r_visits", "i_visits", "visits", "revenue_fen", "last_visit", "vehicle_age", "warranty", "insurance_due",
      ])
      .expression(segmentationQuery(trx, { storeId, asOf, settings: s }))
      .execute();
  });
}

export type SegmentPredicate = Expression<SqlBool>;

export const SEGMENTS_CSV_HEADER = "customer_code,group,tier,r,f,m,vehicle_age,warranty,insurance_due,do_not_contact";

/** The `segments` CLI output: a header and one CSV line per customer of the store, by customer code. */
export async function segmentsCsvLines(db: DB, { storeId, asOf }: { storeId: number; asOf?: string }): Promise<string[]> {
  const rows = await computeSegments(db, { storeId, asOf });
  return [
    SEGMENTS_CSV_HEADER,
    // the shared formula-safe writer: a customer code such as "=1+1" cannot run in a spreadsheet
    ...rows.map((r) => csvLine([r.customer_code, r.grp, r.tier, r.r, r.f, r.m, r.vehicle_age, r.warranty, r.insurance_due, r.do_not_contact ? 1 : 0])),
  ];
}
