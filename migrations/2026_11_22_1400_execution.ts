import { sql, type Kysely } from "kysely";
import { withId } from "../db/dialect";

/**
 * Event day and review (issue 6): arrivals (check-in, walk-ins, hold-out
 * arrivals, manager overrides), orders and deposits taken at the event, touchpoint scores,
 * N8 readiness ticks, and the review (lessons + the figures frozen when the campaign closes).
 * Invitation codes need no table: they are a keyed permutation of the invitation id
 * (app/models/invitation-code.ts). Money is bigint fen. Frozen in time: later changes go in new migrations.
 */
const inList = (values: string[]) => sql.join(values.map((v) => sql.lit(v)));
const LINES = ["M", "R", "I", "B"];
const ORDER_KINDS = ["package", "deposit_converted", "new_booking"];
const TOUCHPOINTS = ["facilities", "reception", "transaction", "follow_up_call"];
const N8 = ["occasion", "flow", "venue", "atmosphere", "publicity", "creative", "promotion", "invitation_control"];

export async function up(db: Kysely<any>): Promise<void> {
  // One arrival per invitation: the unique constraint makes a double check-in from two tablets impossible.
  await withId(db, db.schema.createTable("arrivals"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("invitation_id", "integer", (c) => c.notNull().references("invitations.id").onDelete("cascade"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
    .addColumn("arrived_at", "text", (c) => c.notNull())
    .addColumn("checked_in_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("walk_in", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("holdout", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("override_by", "integer", (c) => c.references("users.id"))
    .addUniqueConstraint("arrivals_campaign_invitation", ["campaign_id", "invitation_id"])
    .execute();
  await db.schema.createIndex("arrivals_campaign_at").on("arrivals").columns(["campaign_id", "arrived_at"]).execute();
  await db.schema.createIndex("arrivals_store").on("arrivals").columns(["store_id", "customer_id"]).execute();

  await withId(db, db.schema.createTable("event_orders"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("arrival_id", "integer", (c) => c.notNull().references("arrivals.id").onDelete("cascade"))
    .addColumn("line", "text", (c) => c.notNull().check(sql`line in (${inList(LINES)})`))
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in (${inList(ORDER_KINDS)})`))
    .addColumn("created_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("event_orders_campaign").on("event_orders").columns(["campaign_id", "arrival_id"]).execute();

  await withId(db, db.schema.createTable("event_deposits"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("arrival_id", "integer", (c) => c.notNull().references("arrivals.id").onDelete("cascade"))
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("receipt", "text")
    .addColumn("created_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("event_deposits_campaign").on("event_deposits").columns(["campaign_id", "arrival_id"]).execute();

  await db.schema
    .createTable("touchpoint_scores")
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("touchpoint", "text", (c) => c.notNull().check(sql`touchpoint in (${inList(TOUCHPOINTS)})`))
    .addColumn("score", "integer", (c) => c.notNull().check(sql`score between 1 and 5`))
    .addColumn("indicators", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("notes", "text")
    .addColumn("scored_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("scored_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("touchpoint_scores_pk", ["campaign_id", "touchpoint"])
    .execute();

  await db.schema
    .createTable("readiness_checks")
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("point", "text", (c) => c.notNull().check(sql`point in (${inList(N8)})`))
    .addColumn("checked_by", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("checked_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("readiness_checks_pk", ["campaign_id", "point"])
    .execute();

  await db.schema
    .createTable("campaign_reviews")
    .addColumn("campaign_id", "integer", (c) => c.primaryKey().references("campaigns.id").onDelete("cascade"))
    .addColumn("what_worked", "text")
    .addColumn("what_to_change", "text")
    .addColumn("decisions", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("updated_by", "integer", (c) => c.references("users.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("frozen_figures", "text")
    .addColumn("frozen_at", "text")
    .addColumn("frozen_by", "integer", (c) => c.references("users.id"))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["campaign_reviews", "readiness_checks", "touchpoint_scores", "event_deposits", "event_orders", "arrivals"]) {
    await db.schema.dropTable(t).execute();
  }
}
