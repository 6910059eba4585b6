import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "./client";
import { constraintViolation } from "./dialect";
import { renameDuplicateReceipts } from "../migrations/2026_12_02_1200_invitation_follow_up";
import { createTestDb } from "../tests/helpers/test-db";
import { makeApprovedCampaign } from "../tests/helpers/invitation-factories";

/**
 * The follow-up migration (issue 11) makes deposit receipts unique within a campaign. A database
 * the workbench bug already touched holds duplicates: the later copies are renamed (and the
 * change is in each card's history) so the unique index can be created.
 */
describe("migration 2026_12_02_1200: receipts unique within a campaign", () => {
  let db: DB;
  beforeEach(async () => { db = await createTestDb(); });
  afterEach(() => db.destroy());

  it("renames the later copies of a duplicated receipt, records it, and the unique index then holds", async () => {
    const a = await makeApprovedCampaign(db, { customers: 4, start: true });
    const b = await makeApprovedCampaign(db, { customers: 1, start: true });
    const rows = await db.selectFrom("invitations").select(["id", "version"]).where("campaign_id", "=", a.campaign.id).orderBy("id").execute();
    const other = await db.selectFrom("invitations").select("id").where("campaign_id", "=", b.campaign.id).executeTakeFirstOrThrow();
    // what the bug left behind: the index did not exist yet
    await db.schema.dropIndex("invitations_campaign_receipt").execute();
    const set = (id: number, receipt: string) => db.updateTable("invitations").set({ deposit_receipt: receipt, deposit_fen: 30000, result: "yes" }).where("id", "=", id).execute();
    await set(rows[0]!.id, "SJ-1");
    await set(rows[1]!.id, "SJ-1");
    await set(rows[2]!.id, "SJ-1");
    await set(rows[3]!.id, "SJ-2");
    await set(other.id, "SJ-1"); // another campaign: not a duplicate

    expect(await renameDuplicateReceipts(db, "2026-12-02T12:00:00.000Z")).toBe(2);
    const after = await db.selectFrom("invitations").select(["id", "deposit_receipt", "version"]).where("id", "in", [...rows.map((r) => r.id), other.id]).orderBy("id").execute();
    expect(Object.fromEntries(after.map((r) => [r.id, r.deposit_receipt]))).toEqual({
      [rows[0]!.id]: "SJ-1", [rows[1]!.id]: `SJ-1 #dup-${rows[1]!.id}`, [rows[2]!.id]: `SJ-1 #dup-${rows[2]!.id}`, [rows[3]!.id]: "SJ-2", [other.id]: "SJ-1",
    });
    expect(after.find((r) => r.id === rows[1]!.id)!.version).toBe(rows[1]!.version + 1);
    const events = await db.selectFrom("invitation_events").selectAll().where("field", "=", "deposit_receipt").orderBy("id").execute();
    expect(events.map((e) => [e.invitation_id, e.old_value, e.new_value, e.user_id, e.at])).toEqual([
      [rows[1]!.id, "SJ-1", `SJ-1 #dup-${rows[1]!.id}`, null, "2026-12-02T12:00:00.000Z"],
      [rows[2]!.id, "SJ-1", `SJ-1 #dup-${rows[2]!.id}`, null, "2026-12-02T12:00:00.000Z"],
    ]);
    expect(await renameDuplicateReceipts(db)).toBe(0);

    await db.schema.createIndex("invitations_campaign_receipt").unique().on("invitations").columns(["campaign_id", "deposit_receipt"]).execute();
    await expect(set(rows[3]!.id, "SJ-1").then(() => "none", constraintViolation)).resolves.toBe("unique");
    // cards without a receipt are not limited by it
    await db.updateTable("invitations").set({ deposit_receipt: null }).where("campaign_id", "=", a.campaign.id).execute();
  });
});
