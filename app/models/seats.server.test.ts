import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../tests/helpers/test-db";
import { attempt, makeEventCampaign } from "../../tests/helpers/execution-factories";
import { recordAttempt } from "./invitation.server";
import { seatSummary, waitlistPosition } from "./seats.server";
import { getCard } from "./invitation-board.server";

let db: DB;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.destroy();
});

async function seats(campaignId: number) {
  const rows = await db.selectFrom("invitations").select(["id", "seat", "waitlisted_at"]).where("campaign_id", "=", campaignId).where("seat", "is not", null).orderBy("id").execute();
  return Object.fromEntries(rows.map((r) => [r.id, r.seat]));
}

describe("capacity and waitlist", () => {
  it("seats yes answers up to the capacity, waitlists the rest in order, and promotes the first when a seated guest declines", async () => {
    const c = await makeEventCampaign(db, { customers: 12, holdoutPercent: 0, execute: false });
    await db.updateTable("campaigns").set({ capacity: 2 }).where("id", "=", c.campaignId).execute();
    const [a, b, x, y] = c.invited.map((i) => i.id);
    for (const id of [a!, b!, x!, y!]) await attempt(db, c, c.actor, id, { outcome: "yes" });
    expect(await seats(c.campaignId)).toEqual({ [a!]: "seated", [b!]: "seated", [x!]: "waitlisted", [y!]: "waitlisted" });
    expect(await seatSummary(db, c.campaignId)).toEqual({ capacity: 2, seated: 2, waitlisted: 2 });
    const yRow = await db.selectFrom("invitations").selectAll().where("id", "=", y!).executeTakeFirstOrThrow();
    expect(await waitlistPosition(db, yRow)).toBe(2);
    // the board's card says who waits
    expect((await getCard(db, { storeId: c.storeId, campaignId: c.campaignId, invitationId: y!, actor: c.actor })).seat).toBe("waitlisted");
    expect((await getCard(db, { storeId: c.storeId, campaignId: c.campaignId, invitationId: a!, actor: c.actor })).seat).toBe("seated");

    // a waitlisted guest saying no leaves the queue without taking a seat
    await attempt(db, c, c.actor, y!, { outcome: "no" });
    expect(await seats(c.campaignId)).toEqual({ [a!]: "seated", [b!]: "seated", [x!]: "waitlisted" });
    // a seated guest declines: the first waiting is seated at once, with history
    await attempt(db, c, c.actor, a!, { outcome: "no" });
    expect(await seats(c.campaignId)).toEqual({ [b!]: "seated", [x!]: "seated" });
    const history = await db.selectFrom("invitation_events").select(["invitation_id", "old_value", "new_value"]).where("kind", "=", "seat").where("invitation_id", "=", x!).orderBy("id").execute();
    expect(history.map((h) => [h.old_value, h.new_value])).toEqual([[null, "waitlisted"], ["waitlisted", "seated"]]);
    // a later yes from the one who declined goes to the back of the queue
    await attempt(db, c, c.actor, a!, { outcome: "yes" });
    expect((await seats(c.campaignId))[a!]).toBe("waitlisted");
    // a seated maybe frees the seat as well
    await attempt(db, c, c.actor, b!, { outcome: "maybe" });
    expect(await seats(c.campaignId)).toEqual({ [x!]: "seated", [a!]: "seated" });
  });

  it("without a capacity, nobody is seated or waitlisted", async () => {
    const c = await makeEventCampaign(db, { customers: 6, holdoutPercent: 0, execute: false });
    await attempt(db, c, c.actor, c.invited[0]!.id, { outcome: "yes" });
    expect(await seats(c.campaignId)).toEqual({});
    expect(await seatSummary(db, c.campaignId)).toBeNull();
  });

  it("two concurrent yes for the last seat: exactly one gets it", async () => {
    for (let round = 0; round < 3; round++) {
      const c = await makeEventCampaign(db, { customers: 6, holdoutPercent: 0, execute: false });
      await db.updateTable("campaigns").set({ capacity: 2 }).where("id", "=", c.campaignId).execute();
      const [first, p, q] = c.invited.map((i) => i.id);
      await attempt(db, c, c.actor, first!, { outcome: "yes" });
      const yes = (id: number) => recordAttempt(db, {
        storeId: c.storeId, campaignId: c.campaignId, actor: c.actor,
        input: { invitationId: id, version: c.invited.find((i) => i.id === id)!.version, channel: "phone", note: null, outcome: "yes", intentVerified: true, deposit: null, depositReceipt: null },
        now: new Date("2026-12-05T02:00:00Z"),
      });
      const results = await Promise.allSettled([yes(p!), yes(q!)]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
      const s = await seats(c.campaignId);
      expect([s[p!], s[q!]].sort()).toEqual(["seated", "waitlisted"]);
      expect(await seatSummary(db, c.campaignId)).toEqual({ capacity: 2, seated: 2, waitlisted: 1 });
    }
  });
});
