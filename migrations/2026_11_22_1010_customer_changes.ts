import type { Kysely } from "kysely";
import { withId } from "../db/dialect";

/**
 * Customer change history (who changed which field of a customer card, old → new), and the
 * segmentation snapshot: one row per customer holding its computed group, tier, RFM and
 * other cuts for an as-of date, so the segment builder's counts read an indexed table
 * instead of re-aggregating every visit of the store (see docs/decisions).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("customer_changes"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
    .addColumn("user_id", "integer", (c) => c.references("users.id"))
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("old_value", "text")
    .addColumn("new_value", "text")
    .addColumn("changed_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("customer_changes_customer").on("customer_changes").columns(["customer_id", "changed_at"]).execute();

  await db.schema
    .createTable("segment_snapshots")
    .addColumn("store_id", "integer", (c) => c.primaryKey().references("stores.id"))
    .addColumn("as_of", "text", (c) => c.notNull())
    .addColumn("settings_key", "text", (c) => c.notNull())
    .addColumn("data_stamp", "text", (c) => c.notNull())
    .addColumn("computed_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("customer_segments")
    .addColumn("customer_id", "integer", (c) => c.primaryKey().references("customers.id"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("customer_code", "text", (c) => c.notNull())
    .addColumn("do_not_contact", "integer", (c) => c.notNull())
    .addColumn("usage", "text")
    .addColumn("grp", "integer", (c) => c.notNull())
    .addColumn("tier", "text", (c) => c.notNull())
    .addColumn("r", "integer", (c) => c.notNull())
    .addColumn("f", "integer", (c) => c.notNull())
    .addColumn("m", "integer", (c) => c.notNull())
    .addColumn("m_visits", "integer", (c) => c.notNull())
    .addColumn("r_visits", "integer", (c) => c.notNull())
    .addColumn("i_visits", "integer", (c) => c.notNull())
    .addColumn("visits", "integer", (c) => c.notNull())
    .addColumn("revenue_fen", "integer", (c) => c.notNull())
    .addColumn("last_visit", "text")
    .addColumn("vehicle_age", "text", (c) => c.notNull())
    .addColumn("warranty", "text", (c) => c.notNull())
    .addColumn("insurance_due", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("customer_segments_store_grp_tier").on("customer_segments").columns(["store_id", "grp", "tier"]).execute();

  // The engine aggregates every visit of a store per customer: a covering index lets it
  // read the index alone, in customer order.
  await db.schema
    .createIndex("service_visits_store_customer_cover")
    .on("service_visits")
    .columns(["store_id", "customer_id", "visit_date", "type", "amount_fen"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("service_visits_store_customer_cover").execute();
  await db.schema.dropTable("customer_segments").execute();
  await db.schema.dropTable("segment_snapshots").execute();
  await db.schema.dropTable("customer_changes").execute();
}
