import { sql, type Kysely } from "kysely";
import { withId } from "../db/dialect";

/**
 * Event day beyond the CRM (issue 15):
 * - a campaign's capacity (seats, null: unlimited);
 * - an invitation's seat: `seated` (a yes holding a seat), `waitlisted` (a yes beyond the
 *   capacity, in order of `waitlisted_at`, then id), null (not a yes, or no capacity);
 * - the no-show follow-up (爽约回访): every yes who did not arrive, worked the day after the event;
 *   one row per step, appended, never changed.
 * Frozen in time: later changes go in new migrations.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("campaigns").addColumn("capacity", "integer", (c) => c.check(sql`capacity is null or capacity > 0`)).execute();
  await db.schema.alterTable("invitations").addColumn("seat", "text", (c) => c.check(sql`seat is null or seat in ('seated', 'waitlisted')`)).execute();
  await db.schema.alterTable("invitations").addColumn("waitlisted_at", "text").execute();
  await db.schema.createIndex("invitations_campaign_seat").on("invitations").columns(["campaign_id", "seat"]).execute();

  await withId(db, db.schema.createTable("no_show_follow_ups"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("invitation_id", "integer", (c) => c.notNull().references("invitations.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('no_answer', 'reached', 'rebooked', 'declined')`))
    .addColumn("reason", "text")
    .addColumn("rebook_campaign_id", "integer", (c) => c.references("campaigns.id").onDelete("set null"))
    .addColumn("note", "text")
    .execute();
  await db.schema.createIndex("no_show_follow_ups_invitation").on("no_show_follow_ups").columns(["campaign_id", "invitation_id", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("no_show_follow_ups").execute();
  await db.schema.dropIndex("invitations_campaign_seat").execute();
  await db.schema.alterTable("invitations").dropColumn("waitlisted_at").execute();
  await db.schema.alterTable("invitations").dropColumn("seat").execute();
  await db.schema.alterTable("campaigns").dropColumn("capacity").execute();
}
