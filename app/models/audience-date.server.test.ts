/**
 * Issue 11 item 11: the audience snapshot's as-of day is the store's today. Before, it was
 * the UTC date, a day early between 00:00 and 08:00 in Beijing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { getAudience, startInvitations } from "./invitation.server";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeApprovedCampaign } from "../../tests/helpers/invitation-factories";

let db: DB;
beforeEach(async () => { db = await createTestDb(); });
afterEach(async () => { await db.destroy(); });

describe("the audience's as-of day", () => {
  for (const [now, day] of [
    ["2026-12-02T17:30:00Z", "2026-12-03"], // 01:30 on the 3rd in Beijing, still the 2nd in UTC
    ["2026-12-02T15:59:00Z", "2026-12-02"], // 23:59 on the 2nd in Beijing
  ] as const) {
    it(`is the store's date at ${now}: ${day}`, async () => {
      const ctx = await makeApprovedCampaign(db, { customers: 5 });
      const res = await startInvitations(db, { storeId: ctx.store.id, campaignId: ctx.campaign.id, actor: ctx.actor, seed: 3, now: new Date(now) });
      expect(res.as_of).toBe(day);
      expect((await getAudience(db, { campaignId: ctx.campaign.id }))!.as_of).toBe(day);
    });
  }

  it("follows the store's own time zone", async () => {
    const ctx = await makeApprovedCampaign(db, { customers: 5 });
    await db.updateTable("stores").set({ timezone: "America/Los_Angeles" }).where("id", "=", ctx.store.id).execute();
    const res = await startInvitations(db, { storeId: ctx.store.id, campaignId: ctx.campaign.id, actor: ctx.actor, seed: 3, now: new Date("2026-12-03T05:00:00Z") });
    expect(res.as_of).toBe("2026-12-02");
  });
});
