import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { constraintViolation } from "#db/dialect";
import { checkIn, registerWalkIn } from "./checkin.server";
import { ExecutionRefused } from "./execution-errors";
import { recordDeposit, recordOrder, saveActualCosts, saveTouchpointScore, setReadiness } from "./execution.server";
import { closeCampaign, CloseNeedsConfirmation, finaliseReview, getReview, reopenCampaign, saveLessons, startReview } from "./review.server";
import { getCampaignRow } from "./campaign.server";
import { saveStoreSettings } from "./settings.server";
import { DEFAULT_SETTINGS } from "./settings.schema";
import { createTestDb } from "../../tests/helpers/test-db";
import { attempt, budgetLineIds, EVENT_DAY, makeEventCampaign, TZ } from "../../tests/helpers/execution-factories";
import { makeVehicle, makeVisit } from "../../tests/helpers/factories";
import { makeApprovedCampaign } from "../../tests/helpers/invitation-factories";

let db: DB;
/** The factories' event ends 2026-12-13: the 30-day window runs through 2027-01-12, figures final from 2027-01-13. */
const AFTER_WINDOW = new Date("2027-01-13T02:00:00Z");
beforeEach(async () => { db = await createTestDb(); });
afterEach(async () => { await db.destroy(); });

/** The scenario the expectations below are computed from by hand (see the comments). */
async function scenario() {
  const ctx = await makeEventCampaign(db, { customers: 40, holdoutPercent: 25 });
  const { invited: inv, held } = ctx;
  expect(inv).toHaveLength(30);
  expect(held).toHaveLength(10);
  const m = ctx.actor;
  for (let i = 0; i < 10; i++) await attempt(db, ctx, m, inv[i]!.id, { outcome: "yes", deposit: i < 2 ? 50000 : null });
  for (let i = 10; i < 15; i++) await attempt(db, ctx, m, inv[i]!.id, { outcome: "maybe" });
  for (let i = 15; i < 18; i++) await attempt(db, ctx, m, inv[i]!.id, { outcome: "no", lossReason: "price" });
  for (let i = 18; i < 20; i++) await attempt(db, ctx, m, inv[i]!.id, { outcome: "no", lossReason: "no_time" });
  await attempt(db, ctx, m, inv[20]!.id, { outcome: "no_answer" }, "sms");
  const door = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.staffActors[0]!, timeZone: TZ, now: EVENT_DAY };
  const arrival: Record<string, number> = {};
  for (const i of [0, 1, 2, 3, 4, 5, 6, 7, 10]) arrival[`i${i}`] = (await checkIn(db, { ...door, invitationId: inv[i]!.id })).arrivalId;
  arrival.h0 = (await checkIn(db, { ...door, invitationId: held[0]!.id })).arrivalId;
  arrival.walk = (await registerWalkIn(db, { ...door, customerId: null, name: "路过", phone: "13700001111" })).arrivalId;
  const rec = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.staffActors[0]! };
  await recordOrder(db, { ...rec, input: { arrivalId: arrival.i0!, line: "M", description: "保养套餐", amount: 100000, kind: "package" } });
  await recordOrder(db, { ...rec, input: { arrivalId: arrival.i0!, line: "B", description: "镀晶", amount: 30000, kind: "new_booking" } });
  await recordOrder(db, { ...rec, input: { arrivalId: arrival.i1!, line: "R", description: "延保", amount: 250050, kind: "deposit_converted" } });
  await recordOrder(db, { ...rec, input: { arrivalId: arrival.walk!, line: "I", description: "续保", amount: 80000, kind: "new_booking" } });
  await recordOrder(db, { ...rec, input: { arrivalId: arrival.h0!, line: "M", description: "保养", amount: 45000, kind: "package" } });
  await recordDeposit(db, { ...rec, input: { arrivalId: arrival.i2!, amount: 20000, receipt: "S-9" } });
  const [line0, line1] = await budgetLineIds(db, ctx.campaignId);
  await saveActualCosts(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: m, lines: [{ id: line0!, actual: 500000, note: "发票 1" }, { id: line1!, actual: 120000, note: null }] });
  const visit = async (customerId: number, date: string, fen: number) => {
    const v = await makeVehicle(db, ctx.storeId, customerId, { plate: `豫A${customerId}` });
    await makeVisit(db, ctx.storeId, v, { date, type: "maintenance", fen });
  };
  await visit(inv[3]!.customer_id, "2026-12-13", 99900); // day 0: left out
  await visit(inv[3]!.customer_id, "2026-12-14", 60000); // day 1
  await visit(inv[25]!.customer_id, "2027-01-12", 40000); // day 30
  await visit(inv[26]!.customer_id, "2027-01-13", 70000); // day 31: left out
  await visit(held[1]!.customer_id, "2026-12-20", 30000); // hold-out, not arrived: lift only
  await visit(held[0]!.customer_id, "2026-12-18", 10000); // hold-out who arrived: revenue and lift
  return { ctx, arrival, line0: line0!, line1: line1! };
}

describe("review figures, computed by hand from the same data", () => {
  it("funnel, money, ROI, lift and breakdowns", async () => {
    const { ctx } = await scenario();
    const review = await getReview(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor });
    const f = review.figures!;
    const stage = Object.fromEntries(f.funnel.map((s) => [s.key, s]));
    expect(stage.audience!.count).toBe(30);
    // reached: spoken to (yes/maybe/no); inv[20]'s no-answer reaches nobody
    expect(stage.reached!.count).toBe(20);
    expect(stage.reached!.rate).toBeCloseTo(20 / 30, 10);
    expect(stage.reached!.status).toBe("missed"); // target 100 %
    expect([stage.yes!.count, stage.maybe!.count, stage.no!.count]).toEqual([10, 5, 5]);
    expect(stage.yes!.target).toBe(80);
    expect([stage.arrived!.count, stage.arrivedInvited!.count, stage.arrivedAssociated!.count, stage.arrivedHoldout!.count]).toEqual([11, 9, 1, 1]);
    expect(stage.converted!.count).toBe(4);
    expect(stage.converted!.rate).toBeCloseTo(4 / 11, 10);
    expect(f.holdoutSize).toBe(10);

    expect(f.attribution).toEqual({ after: "2026-12-13", through: "2027-01-12", days: 30 });
    expect(f.money.ordersFen).toBe(100000 + 30000 + 250050 + 80000 + 45000);
    expect(f.money.visitsFen).toBe(60000 + 40000 + 10000);
    expect(f.money.visitsCount).toBe(3);
    expect(f.money.revenueFen).toBe(615050);
    expect(f.money.actualCostFen).toBe(620000);
    expect(f.money.plannedFen).toBe(100 * 10 + 3 * 20);
    expect(f.money.missingActuals).toBe(0);
    expect(f.money.roi).toBeCloseTo((615050 - 620000) / 620000, 12);
    expect(f.money.advanceDepositsFen).toBe(100000);
    expect(f.money.dayDepositsFen).toBe(20000);
    expect(f.money.depositsFen).toBe(120000);
    expect(f.money.costPerReachedFen).toBe(31000); // 620000 / 20
    expect(f.money.costPerArrivalFen).toBe(56364); // 620000 / 11 = 56363.6
    expect(f.money.costPerConversionFen).toBe(155000);
    expect(f.money.kpi.revenue.status).toBe("missed");
    expect(f.money.byPayer.map((p) => [p.key, p.actualFen])).toEqual([["dealer", 500000], ["coop", 120000]]);
    expect(f.money.ordersByLine).toEqual([
      { line: "M", count: 2, amountFen: 145000 }, { line: "R", count: 1, amountFen: 250050 },
      { line: "I", count: 1, amountFen: 80000 }, { line: "B", count: 1, amountFen: 30000 },
    ]);

    const lift = f.lift!;
    expect(lift.invited.size).toBe(30);
    expect(lift.invited.visitors).toBe(10); // 9 arrived + the day-30 visitor
    expect(lift.invited.revenueFen).toBe(130000 + 250050 + 60000 + 40000);
    expect(lift.holdout.size).toBe(10);
    expect(lift.holdout.visitors).toBe(2);
    expect(lift.holdout.revenueFen).toBe(45000 + 10000 + 30000);
    expect(lift.incrementalRevenueFen).toBe(480050 - 8500 * 30);
    expect(lift.incrementalRoi).toBeCloseTo((225050 - 620000) / 620000, 12);
    expect(lift.tooSmall).toBe(true);

    expect(f.lossReasons).toEqual([{ reason: "no_time", count: 2 }, { reason: "price", count: 3 }]);
    expect(f.byChannel).toEqual([{ channel: "phone", attempts: 20, reached: 20, yes: 10 }, { channel: "sms", attempts: 1, reached: 0, yes: 0 }]);
    expect(f.byStaff.reduce((s, r) => s + r.assigned, 0)).toBe(30);
    expect(f.byStaff.reduce((s, r) => s + r.converted, 0)).toBe(2);
    expect(f.byGroup.reduce((s, r) => s + r.invited, 0)).toBe(31);
    // round 1 obtained every result; the rest (never reached, the hold-out guest, the walk-in) is outside the rounds
    expect(f.byRound).toEqual([
      { key: "1", cards: 30, reached: 20, yes: 10, maybe: 5, no: 5, arrived: 9, converted: 2, revenueFen: 130000 + 250050 + 60000 },
      { key: "none", cards: null, reached: 0, yes: 0, maybe: 0, no: 0, arrived: 2, converted: 2, revenueFen: 80000 + 45000 + 40000 + 10000 },
    ]);
    expect(f.byStaff.reduce((s, r) => s + r.reached, 0)).toBe(20);
    expect(JSON.stringify(f)).not.toContain("NaN");
  });

  it("follows the store's attribution window, and a trial window on the page", async () => {
    const { ctx } = await scenario();
    await saveStoreSettings(db, { storeId: ctx.storeId, userId: null, settings: { ...DEFAULT_SETTINGS, attributionDays: 31 } });
    const r31 = await getReview(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor });
    expect(r31.figures!.money.visitsFen).toBe(110000 + 70000); // day 31 now in
    const r1 = await getReview(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor, days: 1 });
    expect(r1.figures!.money.visitsFen).toBe(60000); // only day 1
  });

  it("closing freezes the figures; later visits change nothing until a manager reopens", async () => {
    const { ctx } = await scenario();
    const base = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor };
    await saveLessons(db, { ...base, input: { version: 0, whatWorked: "电话邀约到店率高", whatToChange: "礼品预算超支", decisions: "下次提前两周彩排" } });
    await startReview(db, base);
    const closedWith = await closeCampaign(db, { ...base, now: AFTER_WINDOW });
    expect(closedWith.provisional).toBe(false);
    expect((await getCampaignRow(db, { storeId: ctx.storeId, id: ctx.campaignId })).status).toBe("closed");
    const v = await makeVehicle(db, ctx.storeId, ctx.invited[27]!.customer_id, { plate: "豫A00027" });
    await makeVisit(db, ctx.storeId, v, { date: "2026-12-15", type: "repair", fen: 123400 });
    const frozen = await getReview(db, base);
    expect(frozen.frozen).not.toBeNull();
    expect(frozen.figures!.money.revenueFen).toBe(615050);
    expect(frozen.figures).toEqual(closedWith);
    expect(frozen.lessons.whatWorked).toBe("电话邀约到店率高");
    // a closed campaign refuses new lessons and orders
    expect((await saveLessons(db, { ...base, input: { version: 1, whatWorked: "x", whatToChange: null, decisions: null } }).catch((e) => e)).messageKey).toBe("execution:errors.closed");
    await reopenCampaign(db, base);
    const live = await getReview(db, base);
    expect(live.frozen).toBeNull();
    expect(live.figures!.money.revenueFen).toBe(615050 + 123400);
    const history = await db.selectFrom("campaign_history").select(["field", "new_value"]).where("campaign_id", "=", ctx.campaignId).where("kind", "=", "status").execute();
    expect(history.map((h) => h.field)).toEqual(expect.arrayContaining(["start_review", "close", "reopen"]));
  });
});

describe("closing before the attribution window ends (decision 016)", () => {
  // the window runs through 2027-01-12 (Beijing): the figures are final from 2027-01-13
  const DURING = new Date("2026-12-15T02:00:00Z");
  const LAST_WINDOW_EVENING = new Date("2027-01-12T15:30:00Z"); // 23:30 in Beijing, still 01-12
  const FINAL_MIDNIGHT = new Date("2027-01-12T16:05:00Z"); // 00:05 on 01-13 in Beijing (still 01-12 in UTC)

  it("says when the figures become final; an early close needs a confirmation and a reason, and freezes them as provisional", async () => {
    const { ctx } = await scenario();
    const base = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor };
    await startReview(db, base);
    const live = await getReview(db, { ...base, now: DURING });
    expect(live.figures!.finalOn).toBe("2027-01-13");
    expect(live.figures!.provisional).toBe(true);
    expect(live.finality).toMatchObject({ finalOn: "2027-01-13", provisional: true, through: "2027-01-12", reached: false });
    // the store's day, not UTC's: at 00:05 in Beijing on the 13th the window is over
    expect((await getReview(db, { ...base, now: LAST_WINDOW_EVENING })).finality!.provisional).toBe(true);
    expect((await getReview(db, { ...base, now: FINAL_MIDNIGHT })).finality!.provisional).toBe(false);

    const bare = await closeCampaign(db, { ...base, now: DURING }).catch((e) => e);
    expect(bare).toBeInstanceOf(CloseNeedsConfirmation);
    expect(bare.errors).toEqual({ confirmEarly: "execution:review.closeEarly.confirmRequired", comment: "execution:review.closeEarly.reasonRequired" });
    const noReason = await closeCampaign(db, { ...base, confirmEarly: true, comment: "  ", now: DURING }).catch((e) => e);
    expect(noReason.errors).toEqual({ comment: "execution:review.closeEarly.reasonRequired" });
    const noConfirm = await closeCampaign(db, { ...base, comment: "集团月报需要", now: DURING }).catch((e) => e);
    expect(noConfirm.errors).toEqual({ confirmEarly: "execution:review.closeEarly.confirmRequired" });
    // refused: nothing changed
    expect((await getCampaignRow(db, { storeId: ctx.storeId, id: ctx.campaignId })).status).toBe("reviewing");
    expect(await db.selectFrom("campaign_history").select("id").where("campaign_id", "=", ctx.campaignId).where("field", "=", "close").execute()).toHaveLength(0);
    expect((await db.selectFrom("campaign_reviews").select("frozen_figures").where("campaign_id", "=", ctx.campaignId).executeTakeFirst())?.frozen_figures ?? null).toBeNull();

    const frozen = await closeCampaign(db, { ...base, confirmEarly: true, comment: "集团月报需要", now: DURING });
    expect(frozen.provisional).toBe(true);
    const history = await db.selectFrom("campaign_history").select(["kind", "field", "new_value", "comment"]).where("campaign_id", "=", ctx.campaignId).orderBy("id").execute();
    expect(history.slice(-2)).toEqual([
      { kind: "status", field: "close", new_value: "closed", comment: "集团月报需要" },
      { kind: "field", field: "figures_provisional_until", new_value: "2027-01-13", comment: null },
    ]);
    const closed = await getReview(db, { ...base, now: DURING });
    expect(closed.frozen).not.toBeNull();
    expect(closed.finality).toMatchObject({ provisional: true, finalOn: "2027-01-13" });
    expect(closed.actions.finalise).toBe(false); // not before the window ends

    // a visit later in the window is missing from the provisional figures until they are finalised
    const v = await makeVehicle(db, ctx.storeId, ctx.invited[28]!.customer_id, { plate: "豫A00028" });
    await makeVisit(db, ctx.storeId, v, { date: "2026-12-28", type: "repair", fen: 50000 });
    expect((await getReview(db, { ...base, now: FINAL_MIDNIGHT })).figures!.money.revenueFen).toBe(615050);
    const early = await finaliseReview(db, { ...base, now: LAST_WINDOW_EVENING }).catch((e) => e);
    expect(early.messageKey).toBe("execution:review.finalise.tooEarly");
    expect((await finaliseReview(db, { ...base, actor: ctx.staffActors[0]!, now: FINAL_MIDNIGHT }).catch((e) => e)).status).toBe(403);
    expect((await getReview(db, { ...base, now: FINAL_MIDNIGHT })).actions.finalise).toBe(true);

    const final = await finaliseReview(db, { ...base, now: FINAL_MIDNIGHT });
    expect(final.provisional).toBe(false);
    expect(final.money.revenueFen).toBe(615050 + 50000);
    const after = await getReview(db, { ...base, now: FINAL_MIDNIGHT });
    expect(after.finality).toMatchObject({ provisional: false });
    expect(after.actions.finalise).toBe(false);
    expect((await getCampaignRow(db, { storeId: ctx.storeId, id: ctx.campaignId })).status).toBe("closed");
    const last = await db.selectFrom("campaign_history").select(["kind", "field"]).where("campaign_id", "=", ctx.campaignId).orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
    expect(last).toEqual({ kind: "status", field: "finalise" });
    expect((await finaliseReview(db, { ...base, now: FINAL_MIDNIGHT }).catch((e) => e)).messageKey).toBe("execution:review.finalise.alreadyFinal");
  });

  it("figures frozen before finality was recorded are judged by when they were computed", async () => {
    const { ctx } = await scenario();
    const base = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor };
    await startReview(db, base);
    const figures = await closeCampaign(db, { ...base, confirmEarly: true, comment: "旧数据", now: DURING });
    const { finalOn: _f, provisional: _p, ...legacy } = figures;
    await db.updateTable("campaign_reviews").set({ frozen_figures: JSON.stringify(legacy) }).where("campaign_id", "=", ctx.campaignId).execute();
    const r = await getReview(db, { ...base, now: FINAL_MIDNIGHT });
    expect(r.finality).toMatchObject({ finalOn: "2027-01-13", provisional: true, reached: true });
    expect(r.actions.finalise).toBe(true);
  });
});

describe("bad input: refused clearly, nothing half-saved", () => {
  it("orders: negative or zero amounts, an arrival of another campaign", async () => {
    const { ctx, arrival } = await scenario();
    const other = await makeEventCampaign(db, { customers: 4 });
    const otherArrival = (await checkIn(db, { storeId: other.storeId, campaignId: other.campaignId, actor: other.actor, invitationId: other.invited[0]!.id, timeZone: TZ, now: EVENT_DAY })).arrivalId;
    const rec = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor };
    const before = (await db.selectFrom("event_orders").selectAll().execute()).length;
    for (const amount of [-100, 0]) {
      const e = await recordOrder(db, { ...rec, input: { arrivalId: arrival.i0!, line: "M", description: "x", amount, kind: "package" } }).catch((x) => x);
      expect(e).toBeInstanceOf(ExecutionRefused);
      expect(e.field).toBe("amount");
    }
    const foreign = await recordOrder(db, { ...rec, input: { arrivalId: otherArrival, line: "M", description: "x", amount: 100, kind: "package" } }).catch((x) => x);
    expect(foreign.messageKey).toBe("execution:errors.arrivalUnknown");
    expect((await db.selectFrom("event_orders").selectAll().execute()).length).toBe(before);
  });

  it("actual costs: a line of another campaign refuses the whole form", async () => {
    const { ctx, line0 } = await scenario();
    const other = await makeEventCampaign(db, { customers: 4 });
    const [foreignLine] = await budgetLineIds(db, other.campaignId);
    const e = await saveActualCosts(db, {
      storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor,
      lines: [{ id: line0, actual: 1, note: "changed" }, { id: foreignLine!, actual: 999, note: null }],
    }).catch((x) => x);
    expect(e).toBeInstanceOf(ExecutionRefused);
    expect(e.messageKey).toBe("execution:errors.lineUnknown");
    expect(e.field).toBe("lines.1.actual");
    const lines = await db.selectFrom("campaign_budget_lines").select(["id", "actual_fen", "actual_note"]).where("id", "in", [line0, foreignLine!]).orderBy("id").execute();
    expect(lines.find((l) => l.id === line0)!.actual_fen).toBe(500000);
    expect(lines.find((l) => l.id === foreignLine)!.actual_fen).toBeNull();
    // staff may not fill actual costs
    const staff = await saveActualCosts(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.staffActors[0]!, lines: [] }).catch((x) => x);
    expect(staff.status).toBe(403);
  });

  it("touchpoint scores outside 1–5 and unknown indicators; the database refuses them too", async () => {
    const ctx = await makeEventCampaign(db, { customers: 4 });
    const base = { storeId: ctx.storeId, campaignId: ctx.campaignId, actor: ctx.actor };
    for (const score of [0, 6, 2.5]) {
      const e = await saveTouchpointScore(db, { ...base, input: { touchpoint: "reception", score, indicators: [], notes: null } }).catch((x) => x);
      expect(e.messageKey).toBe("execution:errors.score");
    }
    const bad = await saveTouchpointScore(db, { ...base, input: { touchpoint: "reception", score: 4, indicators: ["parking"], notes: null } }).catch((x) => x);
    expect(bad.field).toBe("indicators");
    await saveTouchpointScore(db, { ...base, input: { touchpoint: "reception", score: 4, indicators: ["smiles", "greets_promptly"], notes: "前台响应快" } });
    await saveTouchpointScore(db, { ...base, input: { touchpoint: "reception", score: 5, indicators: ["smiles"], notes: null } });
    const rows = await db.selectFrom("touchpoint_scores").selectAll().where("campaign_id", "=", ctx.campaignId).execute();
    expect(rows.map((r) => r.score)).toEqual([5]);
    const direct = await db.insertInto("touchpoint_scores").values({ campaign_id: ctx.campaignId, touchpoint: "facilities", score: 9, indicators: "[]", notes: null, scored_by: ctx.actor.id, scored_at: "x" }).execute().catch((x) => x);
    expect(constraintViolation(direct)).toBe("check");
  });

  it("the arrivals table itself allows one arrival per invitation", async () => {
    const ctx = await makeEventCampaign(db, { customers: 4 });
    const row = { campaign_id: ctx.campaignId, store_id: ctx.storeId, invitation_id: ctx.invited[0]!.id, customer_id: ctx.invited[0]!.customer_id, arrived_at: "2026-12-12T01:00:00.000Z", checked_in_by: ctx.actor.id, walk_in: 0, holdout: 0, override_by: null };
    await db.insertInto("arrivals").values(row).execute();
    const e = await db.insertInto("arrivals").values(row).execute().catch((x) => x);
    expect(constraintViolation(e)).toBe("unique");
  });

  it("a review of a campaign that has not started answers 'not started' with no figures", async () => {
    const ctx = await makeApprovedCampaign(db, { customers: 4 });
    const r = await getReview(db, { storeId: ctx.store.id, campaignId: ctx.campaign.id, actor: ctx.actor });
    expect(r.notStarted).toBe(true);
    expect(r.figures).toBeNull();
    const e = await saveLessons(db, { storeId: ctx.store.id, campaignId: ctx.campaign.id, actor: ctx.actor, input: { version: 0, whatWorked: "x", whatToChange: null, decisions: null } }).catch((x) => x);
    expect(e.messageKey).toBe("execution:review.notStarted");
    expect(await db.selectFrom("campaign_reviews").selectAll().execute()).toHaveLength(0);
    const close = await closeCampaign(db, { storeId: ctx.store.id, campaignId: ctx.campaign.id, actor: ctx.actor }).catch((x) => x);
    expect(close.messageKey).toBe("execution:review.cannotClose");
  });

  it("readiness ticks are a manager's, recorded once each", async () => {
    const ctx = await makeEventCampaign(db, { customers: 4 });
    const base = { storeId: ctx.storeId, campaignId: ctx.campaignId };
    await setReadiness(db, { ...base, actor: ctx.actor, point: "venue", checked: true });
    await setReadiness(db, { ...base, actor: ctx.actor, point: "venue", checked: true });
    expect(await db.selectFrom("readiness_checks").selectAll().where("campaign_id", "=", ctx.campaignId).execute()).toHaveLength(1);
    expect((await setReadiness(db, { ...base, actor: ctx.staffActors[0]!, point: "flow", checked: true }).catch((x) => x)).status).toBe(403);
    expect((await setReadiness(db, { ...base, actor: ctx.actor, point: "nonsense", checked: true }).catch((x) => x)).field).toBe("point");
  });
});
