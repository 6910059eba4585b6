import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../tests/helpers/test-db";
import { attempt, makeEventCampaign, TZ } from "../../tests/helpers/execution-factories";
import { checkIn } from "./checkin.server";
import { listNoShows, NoShowStep, recordNoShowStep } from "./no-shows.server";
import { computeReviewFigures } from "./review.server";
import { InvitationRefused } from "./invitation.server";

let db: DB;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.destroy();
});

const DURING = new Date("2026-12-12T03:00:00Z"); // 11:00 on the first event day (Shanghai)
const NEXT_DAY = new Date("2026-12-14T02:00:00Z"); // the day after the event's last day

describe("no-shows (爽约)", () => {
  it("lists every yes who did not arrive once the event is over, appends follow-up steps and counts them in the review", async () => {
    const c = await makeEventCampaign(db, { customers: 10, holdoutPercent: 0 });
    const [came, noShow1, noShow2, maybe] = c.invited.map((i) => i.id);
    for (const id of [came!, noShow1!, noShow2!]) await attempt(db, c, c.actor, id, { outcome: "yes" });
    await attempt(db, c, c.actor, maybe!, { outcome: "maybe" });
    await checkIn(db, { storeId: c.storeId, campaignId: c.campaignId, actor: c.actor, invitationId: came!, timeZone: TZ, now: DURING });

    const during = await listNoShows(db, { storeId: c.storeId, campaignId: c.campaignId, actor: c.actor, now: DURING });
    expect(during.over).toBe(false);
    expect(during.rows).toEqual([]);
    await expect(recordNoShowStep(db, { storeId: c.storeId, campaignId: c.campaignId, actor: c.actor, input: NoShowStep.parse({ invitationId: noShow1, outcome: "no_answer" }), now: DURING }))
      .rejects.toBeInstanceOf(InvitationRefused);

    const after = await listNoShows(db, { storeId: c.storeId, campaignId: c.campaignId, actor: c.actor, now: NEXT_DAY });
    expect(after.over).toBe(true);
    expect(after.dueOn).toBe("2026-12-14");
    expect(after.rows.map((r) => r.id).sort()).toEqual([noShow1!, noShow2!].sort());

    const step = (input: Record<string, unknown>) => recordNoShowStep(db, { storeId: c.storeId, campaignId: c.campaignId, actor: c.actor, input: NoShowStep.parse(input), now: NEXT_DAY });
    await step({ invitationId: noShow1, outcome: "no_answer" });
    await step({ invitationId: noShow1, outcome: "reached", reason: "schedule", note: "下周可以" });
    await step({ invitationId: noShow2, outcome: "declined", reason: "not_interested" });
    // the arrived guest is not a no-show
    await expect(step({ invitationId: came, outcome: "no_answer" })).rejects.toBeInstanceOf(InvitationRefused);

    const list = await listNoShows(db, { storeId: c.storeId, campaignId: c.campaignId, actor: c.actor, now: NEXT_DAY });
    const one = list.rows.find((r) => r.id === noShow1)!;
    expect(one.steps.map((s) => [s.outcome, s.reason])).toEqual([["no_answer", null], ["reached", "schedule"]]);
    // append-only: both steps stay, and the card's history has them
    const events = await db.selectFrom("invitation_events").select("new_value").where("invitation_id", "=", noShow1!).where("kind", "=", "no_show").execute();
    expect(events.map((e) => e.new_value)).toEqual(["no_answer", "reached"]);

    const campaign = await db.selectFrom("campaigns").selectAll().where("id", "=", c.campaignId).executeTakeFirstOrThrow();
    const fig = await computeReviewFigures(db, { storeId: c.storeId, campaign, now: NEXT_DAY });
    expect(fig.noShows).toEqual({ count: 2, contacted: 2, rebooked: 0 });
    const early = await computeReviewFigures(db, { storeId: c.storeId, campaign, now: DURING });
    expect(early.noShows).toBeNull();
  });

  it("a step needs a reason when reached, a later campaign when rebooked, and staff may only work their own no-shows", async () => {
    expect(NoShowStep.safeParse({ invitationId: 1, outcome: "reached" }).success).toBe(false);
    expect(NoShowStep.safeParse({ invitationId: 1, outcome: "rebooked" }).success).toBe(false);
    expect(NoShowStep.safeParse({ invitationId: 1, outcome: "whatever" }).success).toBe(false);
    const c = await makeEventCampaign(db, { customers: 6, holdoutPercent: 0 });
    const inv = c.invited[0]!;
    await attempt(db, c, c.actor, inv.id, { outcome: "yes" });
    const other = c.staffActors.find((s) => s.id !== inv.assignee_id)!;
    await expect(recordNoShowStep(db, { storeId: c.storeId, campaignId: c.campaignId, actor: other, input: NoShowStep.parse({ invitationId: inv.id, outcome: "no_answer" }), now: NEXT_DAY }))
      .rejects.toMatchObject({ status: 403 });
    await expect(recordNoShowStep(db, { storeId: c.storeId, campaignId: c.campaignId, actor: c.actor, input: NoShowStep.parse({ invitationId: inv.id, outcome: "rebooked", rebookCampaignId: c.campaignId }), now: NEXT_DAY }))
      .rejects.toMatchObject({ field: "rebookCampaignId" });
    expect(await db.selectFrom("no_show_follow_ups").selectAll().execute()).toEqual([]);
  });
});
