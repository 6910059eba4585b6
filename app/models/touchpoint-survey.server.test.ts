import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { checkIn } from "./checkin.server";
import { saveTouchpointScore } from "./execution.server";
import { InviteRefused, linkTokenFor } from "./invitation-link.server";
import { customerScores, getSurvey, rateTouchpoints, touchpointScorecard } from "./touchpoint-survey.server";
import { SurveyForm } from "./touchpoint-survey.schema";
import { createTestDb } from "../../tests/helpers/test-db";
import { EVENT_DAY, makeEventCampaign, TZ } from "../../tests/helpers/execution-factories";

let db: DB;
beforeEach(async () => { db = await createTestDb(); });
afterEach(async () => { await db.destroy(); });

describe("customers rate the touchpoints", () => {
  it("opens after check-in, appends every answer, counts the latest per customer; the scorecard sets it beside the manager's", async () => {
    const ctx = await makeEventCampaign(db);
    const base = { storeId: ctx.storeId, campaignId: ctx.campaignId };
    const [a, b] = ctx.invited;
    const tokenA = (await linkTokenFor(db, { ...base, invitationId: a!.id }))!;
    const tokenB = (await linkTokenFor(db, { ...base, invitationId: b!.id }))!;

    // not checked in yet: closed, and a post is refused with nothing written
    expect((await getSurvey(db, { token: tokenA })).open).toBe(false);
    const early = await rateTouchpoints(db, { token: tokenA, scores: { reception: 5 } }).catch((e) => e);
    expect(early).toBeInstanceOf(InviteRefused);
    expect(early.messageKey).toBe("desk:survey.errors.notYet");
    expect(await db.selectFrom("touchpoint_ratings").select("id").execute()).toHaveLength(0);

    for (const inv of [a!, b!]) await checkIn(db, { ...base, actor: ctx.actor, invitationId: inv.id, timeZone: TZ, now: EVENT_DAY });
    expect((await getSurvey(db, { token: tokenA })).open).toBe(true);
    const empty = await rateTouchpoints(db, { token: tokenA, scores: {} }).catch((e) => e);
    expect(empty.messageKey).toBe("desk:survey.errors.empty");

    await rateTouchpoints(db, { token: tokenA, scores: { reception: 2, facilities: 3 }, now: new Date("2026-12-12T10:00:00Z") });
    await rateTouchpoints(db, { token: tokenA, scores: { reception: 4 }, now: new Date("2026-12-12T11:00:00Z") }); // changes their mind
    await rateTouchpoints(db, { token: tokenB, scores: { reception: 5, transaction: 1 } });
    // history: every answer kept
    expect(await db.selectFrom("touchpoint_ratings").select("id").execute()).toHaveLength(5);
    const survey = await getSurvey(db, { token: tokenA });
    expect(survey.latest).toEqual({ reception: 4, facilities: 3, transaction: null, follow_up_call: null });

    const scores = await customerScores(db, { campaignId: ctx.campaignId });
    expect(scores.reception).toEqual({ average: 4.5, count: 2 }); // (4 + 5) / 2: A's first answer no longer counts
    expect(scores.facilities).toEqual({ average: 3, count: 1 });
    expect(scores.follow_up_call).toEqual({ average: null, count: 0 });

    await saveTouchpointScore(db, { ...base, actor: ctx.actor, input: { touchpoint: "reception", score: 3, indicators: [], notes: null } });
    const card = await touchpointScorecard(db, { storeId: ctx.storeId });
    expect(card.rows).toHaveLength(1);
    expect(card.rows[0]!.touchpoints.reception).toEqual({ manager: 3, customers: { average: 4.5, count: 2 } });
    expect(card.overall.transaction).toEqual({ manager: null, customers: { average: 1, count: 1 } });
    // another store sees none of it
    const other = await makeEventCampaign(db, { seed: 3 });
    if (other.storeId !== ctx.storeId) expect((await touchpointScorecard(db, { storeId: other.storeId })).rows).toEqual([]);
  });

  it("the form takes one score 1–5 per touchpoint, at least one", () => {
    expect(SurveyForm.safeParse({ reception: "5" }).success).toBe(true);
    expect(SurveyForm.safeParse({}).success).toBe(false);
    expect(SurveyForm.safeParse({ reception: "6" }).success).toBe(false);
    expect(SurveyForm.safeParse({ reception: "0", facilities: "3" }).success).toBe(false);
    expect(SurveyForm.parse({ facilities: "3", transaction: "" })).toEqual({ reception: null, facilities: 3, transaction: null, follow_up_call: null });
  });

  it("the database refuses a score outside 1–5", async () => {
    const ctx = await makeEventCampaign(db);
    const inv = ctx.invited[0]!;
    const bad = await db.insertInto("touchpoint_ratings").values({ invitation_id: inv.id, campaign_id: ctx.campaignId, store_id: ctx.storeId, touchpoint: "reception", score: 9, rated_at: "x" }).execute().catch((e) => e);
    expect(bad).toBeInstanceOf(Error);
  });
});
