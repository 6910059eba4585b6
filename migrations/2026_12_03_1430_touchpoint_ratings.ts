import { sql, type Kysely } from "kysely";
import { withId } from "../db/dialect";

/**
 * Customers rate the touchpoints (issue 15): after the event the guest's invitation page asks for
 * one score (1–5) per touchpoint. Every answer is appended (history), the latest per invitation
 * and touchpoint counts. Frozen in time: later changes go in new migrations.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable("touchpoint_ratings"))
    .addColumn("invitation_id", "integer", (c) => c.notNull().references("invitations.id").onDelete("cascade"))
    .addColumn("campaign_id", "integer", (c) => c.notNull().references("campaigns.id").onDelete("cascade"))
    .addColumn("store_id", "integer", (c) => c.notNull().references("stores.id").onDelete("cascade"))
    .addColumn("touchpoint", "text", (c) => c.notNull().check(sqlIn(["facilities", "reception", "transaction", "follow_up_call"])))
    .addColumn("score", "integer", (c) => c.notNull().check(sqlRange()))
    .addColumn("rated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("touchpoint_ratings_invitation").on("touchpoint_ratings").columns(["invitation_id", "touchpoint", "id"]).execute();
  await db.schema.createIndex("touchpoint_ratings_campaign").on("touchpoint_ratings").columns(["campaign_id", "touchpoint"]).execute();
}

function sqlIn(values: string[]) {
  return sql`touchpoint in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
function sqlRange() {
  return sql`score between 1 and 5`;
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("touchpoint_ratings").execute();
}
