import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import { DEFAULT_TIMEZONE } from "./domain";

export function getStoreByCode(db: DB, code: string) {
  return db.selectFrom("stores").selectAll().where("code", "=", code).executeTakeFirst();
}

/** The store's time zone (its dates and times are written in it); the default when it has none. */
export async function storeTimeZone(db: DB, storeId: number): Promise<string> {
  const row = await db.selectFrom("stores").select("timezone").where("id", "=", storeId).executeTakeFirst();
  return row?.timezone ?? DEFAULT_TIMEZONE;
}

export async function createStore(db: DB, input: { code: string; name: string; timezone?: string }) {
  return db
    .insertInto("stores")
    .values({ code: input.code, name: input.name, timezone: input.timezone ?? DEFAULT_TIMEZONE, created_at: new Date().toISOString() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Customers, vehicles and visits on file for a store. */
export async function getStoreCounts(db: DB, { storeId }: { storeId: number }) {
  const [c, v, s] = await Promise.all([
    db.selectFrom("customers").select((eb) => eb.fn.countAll().as("n")).where("store_id", "=", storeId).executeTakeFirst(),
    db.selectFrom("vehicles").select((eb) => eb.fn.countAll().as("n")).where("store_id", "=", storeId).executeTakeFirst(),
    db.selectFrom("service_visits").select((eb) => eb.fn.countAll().as("n")).where("store_id", "=", storeId).executeTakeFirst(),
  ]);
  return { customers: toInt(c?.n), vehicles: toInt(v?.n), visits: toInt(s?.n) };
}

/**
 * Tables holding a store's data, children first. Each feature that adds a store-owned
 * table adds its steps AT THE TOP of this list (its rows refer to customers and users),
 * so that deleting (or re-seeding) a store stays complete.
 */
export const STORE_DELETE_STEPS: ((db: DB, storeId: number) => Promise<unknown>)[] = [
  // ── feature tables (campaigns, invitations, …) go here ──
  // leads (issue 16): their history, then the leads; a lead of another store created by a user of this one keeps its row
  (db, id) => db.deleteFrom("lead_events").where("store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("leads").where("store_id", "=", id).execute(),
  (db, id) => db.updateTable("leads").set({ created_by: null })
    .where("created_by", "in", db.selectFrom("users").select("id").where("store_id", "=", id)).execute(),
  (db, id) => db.updateTable("lead_events").set({ user_id: null })
    .where("user_id", "in", db.selectFrom("users").select("id").where("store_id", "=", id)).execute(),
  // event day and review (issue 6): orders and deposits refer to arrivals; all refer to campaigns and users
  ...(["event_orders", "event_deposits", "arrivals"] as const).map(
    (table) => (db: DB, id: number) => db.deleteFrom(table).where("store_id", "=", id).execute(),
  ),
  ...(["touchpoint_scores", "readiness_checks", "campaign_reviews"] as const).map(
    (table) => (db: DB, id: number) =>
      db.deleteFrom(table).where("campaign_id", "in", db.selectFrom("campaigns").select("id").where("store_id", "=", id)).execute(),
  ),
  // customer-base imports (issue 3); an admin of this store may have imported into another store.
  // Their staged rows and the customer history that names them go first.
  (db, id) => db.deleteFrom("import_staged_batches")
    .where("job_id", "in", db.selectFrom("import_jobs").select("id").where("store_id", "=", id)).execute(),
  (db, id) => db.deleteFrom("customer_changes").where("store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("import_jobs").where("store_id", "=", id).execute(),
  (db, id) => db.updateTable("import_jobs").set({ user_id: null })
    .where("user_id", "in", db.selectFrom("users").select("id").where("store_id", "=", id)).execute(),
  // invitations (issue 5): children of invitations first, then rounds and the audience
  ...(["invitation_events", "invitation_attempts", "invitation_round_members"] as const).map(
    (table) => (db: DB, id: number) =>
      db.deleteFrom(table).where("invitation_id", "in", db.selectFrom("invitations").select("id").where("store_id", "=", id)).execute(),
  ),
  (db, id) => db.deleteFrom("invitations").where("store_id", "=", id).execute(),
  ...(["invitation_rounds", "script_acknowledgements", "campaign_audiences"] as const).map(
    (table) => (db: DB, id: number) =>
      db.deleteFrom(table).where("campaign_id", "in", db.selectFrom("campaigns").select("id").where("store_id", "=", id)).execute(),
  ),
  // customers & segments (issue 3)
  (db, id) => db.deleteFrom("customer_segments").where("store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("segment_snapshots").where("store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("customer_changes").where("store_id", "=", id).execute(),
  // campaigns (issue 4): children first; cloned_from points inside the same store
  ...(["campaign_history", "campaign_tasks", "campaign_budget_lines", "campaign_channels"] as const).map(
    (table) => (db: DB, id: number) =>
      db.deleteFrom(table).where("campaign_id", "in", db.selectFrom("campaigns").select("id").where("store_id", "=", id)).execute(),
  ),
  (db, id) => db.updateTable("campaigns").set({ cloned_from: null }).where("store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("campaigns").where("store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("segments").where("store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("store_settings").where("store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("service_visits").where("store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("vehicles").where("store_id", "=", id).execute(),
  (db, id) =>
    db.deleteFrom("customer_preferences")
      .where("customer_id", "in", db.selectFrom("customers").select("id").where("store_id", "=", id))
      .execute(),
  (db, id) => db.deleteFrom("customers").where("store_id", "=", id).execute(),
  (db, id) =>
    db.deleteFrom("sessions").where("user_id", "in", db.selectFrom("users").select("id").where("store_id", "=", id)).execute(),
  (db, id) => db.updateTable("sessions").set({ active_store_id: null }).where("active_store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("users").where("store_id", "=", id).execute(),
  (db, id) => db.deleteFrom("stores").where("id", "=", id).execute(),
];

/** Deletes a store and everything it owns, in one transaction. */
export async function deleteStore(db: DB, { storeId }: { storeId: number }) {
  await db.transaction().execute(async (trx) => {
    for (const step of STORE_DELETE_STEPS) await step(trx, storeId);
  });
}
