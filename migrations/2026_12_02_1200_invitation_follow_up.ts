import { sql, type Kysely } from "kysely";

/**
 * Follow-up of a "yes" (issue 11, decision 015):
 * - who verified the intent (意向核实) and when, like a loss's verification;
 * - a deposit receipt number is unique within a campaign. Receipts already carried to a second
 *   customer by the workbench bug (issue 11.1) are kept on the card that had them first (lowest
 *   id); each later copy gets ` #dup-<invitation id>` appended, and the change is appended to
 *   the card's history (no user: the migration), so a manager can find and correct them.
 * Frozen in time: later changes go in new migrations.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("invitations").addColumn("intent_verified_by", "integer", (c) => c.references("users.id")).execute();
  await db.schema.alterTable("invitations").addColumn("intent_verified_at", "text").execute();

  await renameDuplicateReceipts(db);
  // NULLs are distinct in a unique index on both engines: cards without a receipt are not limited.
  await db.schema.createIndex("invitations_campaign_receipt").unique().on("invitations").columns(["campaign_id", "deposit_receipt"]).execute();
}

/** Later copies of a receipt number within a campaign get ` #dup-<id>`, recorded in their history. */
export async function renameDuplicateReceipts(db: Kysely<any>, at = new Date().toISOString()): Promise<number> {
  const duplicates = await db.selectFrom("invitations as i")
    .select(["i.id", "i.campaign_id", "i.deposit_receipt"])
    .where("i.deposit_receipt", "is not", null)
    .where((eb) => eb.exists(eb.selectFrom("invitations as j").select("j.id")
      .whereRef("j.campaign_id", "=", "i.campaign_id").whereRef("j.deposit_receipt", "=", "i.deposit_receipt").whereRef("j.id", "<", "i.id")))
    .orderBy("i.id").execute();
  for (const d of duplicates) {
    const renamed = `${d.deposit_receipt} #dup-${d.id}`;
    await db.updateTable("invitations")
      .set({ deposit_receipt: renamed, version: sql`version + 1`, updated_at: at })
      .where("id", "=", d.id).execute();
    await db.insertInto("invitation_events").values({
      invitation_id: d.id, campaign_id: d.campaign_id, user_id: null, at, kind: "deposit", field: "deposit_receipt",
      old_value: d.deposit_receipt, new_value: renamed, attempt_id: null,
    }).execute();
  }
  return duplicates.length;
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("invitations_campaign_receipt").execute();
  await db.schema.alterTable("invitations").dropColumn("intent_verified_at").execute();
  await db.schema.alterTable("invitations").dropColumn("intent_verified_by").execute();
}
