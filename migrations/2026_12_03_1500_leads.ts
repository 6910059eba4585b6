import { sql, type Kysely } from "kysely";
import { withId } from "../db/dialect";

/**
 * Leads across departments (线索交叉, issue 16, docs/decisions/025): a lead on a customer, owned by
 * a department (sales / after_sales) and one person of it, from a campaign and invitation (both
 * nullable), status new → contacted → won / lost, expected and actual value in fen, the next
 * follow-up date; `lead_events` is its append-only history. Users already have a department
 * (core migration, default after_sales). Frozen in time: later changes go in new migrations.
 */
const inList = (values: string[]) => sql.join(values.map((v) => sql.lit(v)));
const KINDS = ["trade_in", "insurance_renewal", "extended_warranty", "accessories_beauty", "repair_quote", "other"];
const STATUSES = ["new", "contacted", "won", "lost"];
const SOURCES = ["desk", "board", "calls", "order", "rule", "card"];

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("leads"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in (${inList(KINDS)})`))
    .addColumn("department", "text", (c) => c.notNull().check(sql`department in (${inList(["sales", "after_sales"])})`))
    .addColumn("owner_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("creator_department", "text")
    .addColumn("campaign_id", "integer", (c) => c.references("campaigns.id").onDelete("set null"))
    .addColumn("invitation_id", "integer", (c) => c.references("invitations.id").onDelete("set null"))
    .addColumn("event_order_id", "integer", (c) => c.references("event_orders.id").onDelete("set null"))
    .addColumn("source", "text", (c) => c.notNull().check(sql`source in (${inList(SOURCES)})`))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("new").check(sql`status in (${inList(STATUSES)})`))
    .addColumn("lost_reason", "text")
    .addColumn("note", "text")
    .addColumn("expected_value_fen", "bigint", (c) => c.check(sql`expected_value_fen >= 0`))
    .addColumn("actual_value_fen", "bigint", (c) => c.check(sql`actual_value_fen >= 0`))
    .addColumn("next_follow_up", "text")
    .addColumn("won_on", "text")
    .addColumn("closed_at", "text")
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("leads_owner").on("leads").columns(["owner_id", "status", "next_follow_up"]).execute();
  await db.schema.createIndex("leads_store").on("leads").columns(["store_id", "department", "status"]).execute();
  await db.schema.createIndex("leads_customer").on("leads").columns(["customer_id", "status", "kind"]).execute();
  await db.schema.createIndex("leads_campaign").on("leads").columns(["campaign_id", "kind"]).execute();

  await withId(db, db.schema.createTable("lead_events"))
    .addColumn("lead_id", "integer", (c) => c.notNull().references("leads.id").onDelete("cascade"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("user_id", "integer", (c) => c.references("users.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("field", "text")
    .addColumn("old_value", "text")
    .addColumn("new_value", "text")
    .execute();
  await db.schema.createIndex("lead_events_lead").on("lead_events").columns(["lead_id", "at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("lead_events").execute();
  await db.schema.dropTable("leads").execute();
}
