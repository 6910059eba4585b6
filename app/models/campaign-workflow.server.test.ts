import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeUser } from "../../tests/helpers/factories";
import { makeCampaignIn } from "../../tests/helpers/campaign-factories";
import { makeApprovedCampaign } from "../../tests/helpers/invitation-factories";
import { getCampaignRow, StaleVersion, type Actor } from "./campaign.server";
import { takeStep } from "./campaign-workflow.server";
import { Refused } from "./errors";

let db: DB;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.destroy();
});

const statusOf = async (storeId: number, id: number) => (await getCampaignRow(db, { storeId, id })).status;

describe("takeStep: every workflow step is one call", () => {
  it("start_invitations moves the campaign to inviting and snapshots its audience (the hold-out drawn)", async () => {
    const fx = await makeApprovedCampaign(db, { customers: 20, holdoutPercent: 10 });
    const c = await getCampaignRow(db, { storeId: fx.store.id, id: fx.campaign.id });
    expect(await takeStep(db, { storeId: fx.store.id, id: c.id, actor: fx.actor, action: "start_invitations", expectedVersion: c.version })).toEqual({ action: "start_invitations" });
    expect(await statusOf(fx.store.id, c.id)).toBe("inviting");
    const invited = await db.selectFrom("invitations").select(["holdout"]).where("campaign_id", "=", c.id).execute();
    expect(invited).toHaveLength(20);
    expect(invited.filter((i) => i.holdout).length).toBe(2);
  });

  it("start_invitations from a stale page is refused with who changed it, changing nothing", async () => {
    const fx = await makeApprovedCampaign(db, { customers: 5 });
    const c = await getCampaignRow(db, { storeId: fx.store.id, id: fx.campaign.id });
    const e = await takeStep(db, { storeId: fx.store.id, id: c.id, actor: fx.actor, action: "start_invitations", expectedVersion: c.version - 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(StaleVersion);
    expect(await statusOf(fx.store.id, c.id)).toBe("approved");
    expect(await db.selectFrom("invitations").select("id").where("campaign_id", "=", c.id).execute()).toHaveLength(0);
  });

  it("the other steps are the campaign's transitions, with their comment in the history", async () => {
    const fx = await makeApprovedCampaign(db, { customers: 3 });
    const draft = await makeCampaignIn(db, fx.store.id, "submitted", fx.actor, { id: fx.approver.id, role: "manager" });
    await takeStep(db, { storeId: fx.store.id, id: draft.id, actor: { id: fx.approver.id, role: "manager" }, action: "return", comment: "More detail" });
    expect(await statusOf(fx.store.id, draft.id)).toBe("draft");
    const h = await db.selectFrom("campaign_history").select(["field", "comment"]).where("campaign_id", "=", draft.id).where("kind", "=", "status").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(h).toEqual({ field: "return", comment: "More detail" });
  });

  it("close goes through the review: provisional figures need a confirmation and a reason", async () => {
    const fx = await makeApprovedCampaign(db, { customers: 3 });
    const approver: Actor = { id: fx.approver.id, role: "manager" };
    const c = await makeCampaignIn(db, fx.store.id, "reviewing", fx.actor, approver);
    // the event of the factory's plan is in the future: its figures are provisional
    const refused = await takeStep(db, { storeId: fx.store.id, id: c.id, actor: fx.actor, action: "close" }).catch((x) => x);
    expect(refused).toBeInstanceOf(Refused);
    expect(await statusOf(fx.store.id, c.id)).toBe("reviewing");
    await takeStep(db, { storeId: fx.store.id, id: c.id, actor: fx.actor, action: "close", comment: "Group report due", confirmEarly: true });
    expect(await statusOf(fx.store.id, c.id)).toBe("closed");
    const review = await db.selectFrom("campaign_reviews").select(["frozen_by"]).where("campaign_id", "=", c.id).executeTakeFirstOrThrow();
    expect(review.frozen_by).toBe(fx.actor.id);
  });

  it("a refused step says why beside the form: role 403, author 403, status 409", async () => {
    const fx = await makeApprovedCampaign(db, { customers: 3 });
    const staff = await makeUser(db, fx.store.id, "staff");
    const submitted = await makeCampaignIn(db, fx.store.id, "submitted", fx.actor, { id: fx.approver.id, role: "manager" });
    const refusal = (actor: Actor, action: "approve" | "submit") =>
      takeStep(db, { storeId: fx.store.id, id: submitted.id, actor, action }).then(() => null, (e: Refused) => [e.constructor.name, e.messageKey, e.status]);
    expect(await refusal({ id: staff.id, role: "staff" }, "approve")).toEqual(["Refused", "campaigns:errors.transition_role", 403]);
    expect(await refusal(fx.actor, "approve")).toEqual(["Refused", "campaigns:errors.transition_author", 403]);
    expect(await refusal(fx.actor, "submit")).toEqual(["Refused", "campaigns:errors.transition_status", 409]);
    expect(await statusOf(fx.store.id, submitted.id)).toBe("submitted");
  });
});
