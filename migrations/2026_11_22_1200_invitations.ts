import { sql, type Kysely } from "kysely";
import { withId } from "../db/dialect";

/**
 * Invitations (邀约): the campaign's audience snapshot, one invitation per customer, rounds
 * and their members, every contact attempt, an append-only event history and the script
 * acknowledgements (一场培训). Frozen in time: later changes go in new migrations.
 */
const inList = (values: string[]) => sql.join(values.map((v) => sql.lit(v)));
const RESULTS = ["pending", "yes", "maybe", "no"];
const OUTCOMES = ["no_answer", "wrong_number", "callback", "yes", "maybe", "no"];
const LOSS_REASONS = ["no_time", "price", "distance", "serviced_elsewhere", "not_interested", "unreachable", "other"];
const CHANNELS = ["phone", "sms", "wechat_official", "wechat_moments", "radio", "posters", "home_visit"];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("campaign_audiences")
    .addColumn("campaign_id", "integer", (c) => c.primaryKey().references("campaigns.id").onDelete("cascade"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("segment_id", "integer", (c) => c.references("segments.id"))
    .addColumn("as_of", "text", (c) => c.notNull())
    .addColumn("seed", "bigint", (c) => c.notNull())
    .addColumn("holdout_percent", "integer", (c) => c.notNull())
    .addColumn("audience_count", "integer", (c) => c.notNull())
    .addColumn("holdout_count", "integer", (c) => c.notNull())
    .addColumn("excluded_do_not_contact", "integer", (c) => c.notNull())
    .addColumn("snapshot_count", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("snapshot_by", "integer", (c) => c.references("users.id"))
    .addColumn("snapshot_at", "text", (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable("invitation_rounds"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("channels", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("start_date", "text")
    .addColumn("end_date", "text")
    .addColumn("opened_by", "integer", (c) => c.references("users.id"))
    .addColumn("opened_at", "text", (c) => c.notNull())
    .addUniqueConstraint("invitation_rounds_campaign_number", ["campaign_id", "number"])
    .execute();

  await withId(db, db.schema.createTable("invitations"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('audience', 'associated')`))
    .addColumn("holdout", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("customer_group", "integer")
    .addColumn("customer_tier", "text")
    .addColumn("assignee_id", "integer", (c) => c.references("users.id"))
    .addColumn("round_id", "integer", (c) => c.references("invitation_rounds.id"))
    .addColumn("result", "text", (c) => c.notNull().defaultTo("pending").check(sql`result in (${inList(RESULTS)})`))
    .addColumn("attempts_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_attempt_at", "text")
    .addColumn("intent_verified", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("deposit_fen", "bigint", (c) => c.check(sql`deposit_fen >= 0`))
    .addColumn("deposit_receipt", "text")
    .addColumn("next_follow_up", "text")
    .addColumn("callback_at", "text")
    .addColumn("manager_joins", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("loss_reason", "text", (c) => c.check(sql`loss_reason in (${inList(LOSS_REASONS)})`))
    .addColumn("loss_note", "text")
    .addColumn("loss_verified_by", "integer", (c) => c.references("users.id"))
    .addColumn("loss_verified_at", "text")
    .addColumn("added_by", "integer", (c) => c.references("users.id"))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("invitations_campaign_customer", ["campaign_id", "customer_id"])
    .execute();
  await db.schema.createIndex("invitations_campaign_result").on("invitations").columns(["campaign_id", "result", "attempts_count", "id"]).execute();
  await db.schema.createIndex("invitations_campaign_assignee").on("invitations").columns(["campaign_id", "assignee_id", "result"]).execute();
  await db.schema.createIndex("invitations_store").on("invitations").columns(["store_id", "customer_id"]).execute();

  await db.schema
    .createTable("invitation_round_members")
    .addColumn("round_id", "integer", (c) => c.notNull().references("invitation_rounds.id").onDelete("cascade"))
    .addColumn("invitation_id", "integer", (c) => c.notNull().references("invitations.id").onDelete("cascade"))
    .addColumn("assignee_id", "integer", (c) => c.references("users.id"))
    .addPrimaryKeyConstraint("invitation_round_members_pk", ["round_id", "invitation_id"])
    .execute();
  await db.schema.createIndex("invitation_round_members_invitation").on("invitation_round_members").columns(["invitation_id"]).execute();

  await withId(db, db.schema.createTable("invitation_attempts"))
    .addColumn("invitation_id", "integer", (c) => c.notNull().references("invitations.id").onDelete("cascade"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("round_id", "integer", (c) => c.references("invitation_rounds.id"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("channel", "text", (c) => c.notNull().check(sql`channel in (${inList(CHANNELS)})`))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in (${inList(OUTCOMES)})`))
    .addColumn("callback_at", "text")
    .addColumn("note", "text")
    .execute();
  await db.schema.createIndex("invitation_attempts_invitation").on("invitation_attempts").columns(["invitation_id", "at"]).execute();
  await db.schema.createIndex("invitation_attempts_campaign_round").on("invitation_attempts").columns(["campaign_id", "round_id", "user_id"]).execute();

  await withId(db, db.schema.createTable("invitation_events"))
    .addColumn("invitation_id", "integer", (c) => c.notNull().references("invitations.id").onDelete("cascade"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.references("users.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("field", "text")
    .addColumn("old_value", "text")
    .addColumn("new_value", "text")
    .addColumn("attempt_id", "integer", (c) => c.references("invitation_attempts.id"))
    .execute();
  await db.schema.createIndex("invitation_events_invitation").on("invitation_events").columns(["invitation_id", "id"]).execute();
  await db.schema.createIndex("invitation_events_campaign").on("invitation_events").columns(["campaign_id", "at"]).execute();

  await db.schema
    .createTable("script_acknowledgements")
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("script_acknowledgements_pk", ["campaign_id", "user_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["script_acknowledgements", "invitation_events", "invitation_attempts", "invitation_round_members", "invitations", "invitation_rounds", "campaign_audiences"]) {
    await db.schema.dropTable(t).execute();
  }
}
