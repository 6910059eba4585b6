import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeApprovedCampaign } from "../../tests/helpers/invitation-factories";
import { makeCustomer, makeStore } from "../../tests/helpers/factories";
import { queueInvitationMessages } from "./outbox.server";
import { handleInboundSms, isOptOutText } from "./sms-inbound.server";

describe("inbound SMS", () => {
  it("reads T, TD and 退订 as an opt-out in any case or width, nothing else", () => {
    for (const t of ["T", "t", " TD ", "td", "退订", "Ｔ", "ＴＤ", "T。", "退订!"]) expect(isOptOutText(t)).toBe(true);
    for (const t of ["", "TT", "好的", "T 我不来", "不要退订", "test"]) expect(isOptOutText(t)).toBe(false);
  });

  describe("on a database", () => {
    let db: DB;
    beforeEach(async () => { db = await createTestDb(); });
    afterEach(async () => { await db.destroy(); });

    it("marks every customer with the number do-not-contact (every store), with history, and cancels their queued messages", async () => {
      const c = await makeApprovedCampaign(db, { customers: 4, start: true });
      await queueInvitationMessages(db, { storeId: c.store.id, campaignId: c.campaign.id, baseUrl: "https://x.example" });
      const row = await db.selectFrom("outbox").select(["customer_id", "phone", "invitation_id"]).orderBy("id").executeTakeFirstOrThrow();
      const otherStore = await makeStore(db);
      const twin = await makeCustomer(db, otherStore.id, { phone: row.phone });
      const stranger = await makeCustomer(db, otherStore.id, { phone: "13700000000" });
      const r = await handleInboundSms(db, { phone: `0086-${row.phone}`, text: "td" });
      expect(r).toEqual({ optOut: true, customers: 2, cancelled: 1 });
      const flags = await db.selectFrom("customers").select(["id", "do_not_contact"]).where("id", "in", [row.customer_id, twin.id, stranger.id]).orderBy("id").execute();
      expect(flags.map((f) => [f.id, toInt(f.do_not_contact)])).toEqual([[row.customer_id, 1], [twin.id, 1], [stranger.id, 0]].sort((a, b) => a[0]! - b[0]!));
      const changes = await db.selectFrom("customer_changes").select(["customer_id", "old_value", "new_value", "user_id"]).where("field", "=", "do_not_contact").orderBy("customer_id").execute();
      expect(changes.map((h) => h.customer_id).sort()).toEqual([row.customer_id, twin.id].sort());
      expect(changes.every((h) => h.old_value === "0" && h.new_value === "1" && h.user_id === null)).toBe(true);
      const events = await db.selectFrom("invitation_events").selectAll().where("invitation_id", "=", row.invitation_id).where("kind", "=", "opt_out").execute();
      expect(events.length).toBe(1);
      const statuses = await db.selectFrom("outbox").select(["customer_id", "status", "provider_answer"]).execute();
      expect(statuses.filter((s) => s.status === "cancelled")).toEqual([{ customer_id: row.customer_id, status: "cancelled", provider_answer: "opted out by SMS" }]);
      // again: nothing left to change; any other reply changes nothing
      expect(await handleInboundSms(db, { phone: row.phone, text: "T" })).toEqual({ optOut: true, customers: 0, cancelled: 0 });
      expect(await handleInboundSms(db, { phone: "13700000000", text: "好的" })).toEqual({ optOut: false, customers: 0, cancelled: 0 });
    });
  });
});
