import { sql, type Kysely } from "kysely";
import { withId } from "../db/dialect";

/**
 * Campaign plans (5W2H + KPI): the campaign row, its channels, budget lines, task plan and
 * an append-only history. Money columns are bigint (fen beyond 2^31 on PostgreSQL; the pg
 * type parser returns safe integers as numbers). Frozen in time: later changes go in new migrations.
 */
const STATUSES = ["draft", "submitted", "approved", "inviting", "executing", "reviewing", "closed", "cancelled"];
const CHAINS = ["booking_maintenance", "warranty_repair", "renewal_accident", "decoration_beauty"];
const TECHNIQUES = ["borrow_trend", "emotion", "debate"];
const SUBKINDS = ["policy", "economy", "seasonal_festival", "buzzword", "hot_topic", "public_event"];
const CHANNELS = ["phone", "sms", "wechat_official", "wechat_moments", "radio", "posters", "home_visit"];
const CATEGORIES = ["materials", "gifts", "media", "venue", "catering", "discounts", "incentives", "other"];

const inList = (values: string[]) => sql.join(values.map((v) => sql.lit(v)));

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("campaigns"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("draft").check(sql`status in (${inList(STATUSES)})`))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("author_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("owner_id", "integer", (c) => c.references("users.id"))
    .addColumn("segment_id", "integer", (c) => c.references("segments.id"))
    .addColumn("holdout_percent", "integer", (c) => c.notNull().defaultTo(0).check(sql`holdout_percent between 0 and 50`))
    .addColumn("business_chain", "text", (c) => c.check(sql`business_chain in (${inList(CHAINS)})`))
    .addColumn("theme", "text")
    .addColumn("topic_technique", "text", (c) => c.check(sql`topic_technique in (${inList(TECHNIQUES)})`))
    .addColumn("topic_subkind", "text", (c) => c.check(sql`topic_subkind in (${inList(SUBKINDS)})`))
    .addColumn("offer", "text")
    .addColumn("script", "text")
    .addColumn("venue", "text")
    .addColumn("invitation_start", "text")
    .addColumn("invitation_end", "text")
    .addColumn("event_start", "text")
    .addColumn("event_end", "text")
    .addColumn("review_date", "text")
    .addColumn("kpi_reach_rate_percent", "integer")
    .addColumn("kpi_yes_count", "integer")
    .addColumn("kpi_arrivals", "integer")
    .addColumn("kpi_conversions", "integer")
    .addColumn("kpi_revenue_fen", "bigint")
    .addColumn("kpi_deposits_fen", "bigint")
    .addColumn("kpi_roi_percent", "integer")
    .addColumn("background", "text")
    .addColumn("goals", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("non_quantified_goals", "text")
    .addColumn("template_key", "text")
    .addColumn("cloned_from", "integer", (c) => c.references("campaigns.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.references("users.id"))
    .execute();
  await db.schema.createIndex("campaigns_store_status").on("campaigns").columns(["store_id", "status"]).execute();
  await db.schema.createIndex("campaigns_store_event").on("campaigns").columns(["store_id", "event_start"]).execute();

  await db.schema
    .createTable("campaign_channels")
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull().check(sql`channel in (${inList(CHANNELS)})`))
    .addColumn("planned_reach", "integer")
    .addPrimaryKeyConstraint("campaign_channels_pk", ["campaign_id", "channel"])
    .execute();

  await withId(db, db.schema.createTable("campaign_budget_lines"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull().check(sql`category in (${inList(CATEGORIES)})`))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("quantity", "integer", (c) => c.notNull().check(sql`quantity >= 0`))
    .addColumn("unit_cost_fen", "bigint", (c) => c.notNull().check(sql`unit_cost_fen >= 0`))
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addColumn("payer", "text", (c) => c.notNull().defaultTo("dealer").check(sql`payer in ('dealer', 'coop')`))
    .addColumn("actual_fen", "bigint", (c) => c.check(sql`actual_fen >= 0`))
    .addColumn("actual_note", "text")
    .execute();
  await db.schema.createIndex("campaign_budget_lines_campaign").on("campaign_budget_lines").columns(["campaign_id", "position"]).execute();

  await withId(db, db.schema.createTable("campaign_tasks"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("phase", "text", (c) => c.notNull().check(sql`phase in ('prep', 'execution', 'wrapup')`))
    .addColumn("owner_id", "integer", (c) => c.references("users.id"))
    .addColumn("due_date", "text")
    .addColumn("relative_days", "integer")
    .addColumn("status", "text", (c) => c.notNull().defaultTo("todo").check(sql`status in ('todo', 'doing', 'done')`))
    .execute();
  await db.schema.createIndex("campaign_tasks_campaign").on("campaign_tasks").columns(["campaign_id", "position"]).execute();

  await withId(db, db.schema.createTable("campaign_history"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.references("users.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('status', 'field', 'comment')`))
    .addColumn("field", "text")
    .addColumn("old_value", "text")
    .addColumn("new_value", "text")
    .addColumn("comment", "text")
    .execute();
  await db.schema.createIndex("campaign_history_campaign").on("campaign_history").columns(["campaign_id", "at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["campaign_history", "campaign_tasks", "campaign_budget_lines", "campaign_channels", "campaigns"]) {
    await db.schema.dropTable(t).execute();
  }
}
