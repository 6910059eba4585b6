import { sql, type Kysely } from "kysely";
import { withId } from "../db/dialect";

/**
 * The outbox (issue 13, docs/decisions/022): one row per message to a customer — the invitation
 * message and the reminders before the event — queued, then sent (or failed, or cancelled when
 * the customer opted out or the reminder no longer applies). `idempotency_key` is unique: queueing
 * twice makes one row, and the gateway dedupes a re-send after a crash on the same key.
 * `claimed_by`/`claimed_until` is the lease a dispatcher holds while it sends.
 * Frozen in time: later changes go in new migrations.
 */
const inList = (values: string[]) => sql.join(values.map((v) => sql.lit(v)));

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("outbox"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id").onDelete("cascade"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("invitation_id", "integer", (c) => c.notNull().references("invitations.id").onDelete("cascade"))
    .addColumn("customer_id", "integer", (c) => c.notNull().references("customers.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull().check(sql`channel in (${inList(["sms", "wecom"])})`))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in (${inList(["invite", "reminder_day_before", "reminder_morning"])})`))
    .addColumn("phone", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("link", "text")
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in (${inList(["queued", "sent", "failed", "cancelled"])})`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("provider_id", "text")
    .addColumn("provider_answer", "text")
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .addColumn("claimed_by", "text")
    .addColumn("claimed_until", "text")
    .execute();
  await db.schema.createIndex("outbox_idempotency_key").unique().on("outbox").column("idempotency_key").execute();
  await db.schema.createIndex("outbox_due").on("outbox").columns(["status", "next_attempt_at"]).execute();
  await db.schema.createIndex("outbox_campaign").on("outbox").columns(["campaign_id", "status"]).execute();
  await db.schema.createIndex("outbox_customer").on("outbox").columns(["customer_id", "status"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("outbox").execute();
}
