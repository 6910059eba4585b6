import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { constraintViolation, toInt } from "#db/dialect";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeApprovedCampaign, makeCustomers } from "../../tests/helpers/invitation-factories";
import { makeUser } from "../../tests/helpers/factories";
import { parseObject } from "~/utils/form";
import { CampaignNotFound } from "./campaign.server";
import { getBoard, getCardHistory, getManagerLists, getNextCall, getRoundSummary } from "./invitation-board.server";
import { localNow } from "~/utils/format";
import { AttemptSchema, BOARD_PAGE, BoardFiltersSchema, boardFormSchema, MoveSchema, moveSchema, type AttemptInput } from "./invitation.schema";
import {
  addAssociated, assignRound, confirmScript, distribute, drawHoldout, holdoutSize, InvitationNotFound, InvitationRefused,
  openRound, reassign, recordAttempt, snapshotAudience, StaleInvitation, startInvitations, verifyIntent, verifyLoss,
} from "./invitation.server";
import { checkMove } from "./invitation.constants";
import { createRng } from "./random";

let db: DB;
beforeEach(async () => {
  db = await createTestDb();
});
afterEach(async () => {
  await db.destroy();
});

const invitationsOf = (campaignId: number) =>
  db.selectFrom("invitations").selectAll().where("campaign_id", "=", campaignId).orderBy("id").execute();

const move = (raw: Record<string, unknown>) => {
  const parsed = parseObject(MoveSchema, raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.data;
};

async function historyOf(invitationId: number) {
  return db.selectFrom("invitation_events").selectAll().where("invitation_id", "=", invitationId).orderBy("id").execute();
}

describe("pure parts", () => {
  it("distributes evenly (±1), deterministically for a seed, and balances groups", () => {
    const items = Array.from({ length: 103 }, (_, i) => ({ id: i + 1, group: (i % 8) + 1 }));
    const a = distribute(items, [7, 3, 5], { seed: 9 });
    const b = distribute(items, [5, 7, 3], { seed: 9 });
    expect([...a.entries()]).toEqual([...b.entries()]);
    const counts = [3, 5, 7].map((s) => [...a.values()].filter((x) => x === s).length);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(103);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect([...distribute(items, [3, 5, 7], { seed: 10 }).entries()]).not.toEqual([...a.entries()]);

    const balanced = distribute(items, [3, 5, 7], { seed: 9, balanceByGroup: true });
    for (let g = 1; g <= 8; g++) {
      const inGroup = items.filter((i) => i.group === g).map((i) => balanced.get(i.id)!);
      const c = [3, 5, 7].map((s) => inGroup.filter((x) => x === s).length);
      expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
    }
    const total = [3, 5, 7].map((s) => [...balanced.values()].filter((x) => x === s).length);
    expect(Math.max(...total) - Math.min(...total)).toBeLessThanOrEqual(1);
  });

  it("holds out the share rounded to the nearest customer, the same for the same seed", () => {
    expect(holdoutSize(200, 10)).toBe(20);
    expect(holdoutSize(105, 10)).toBe(11);
    expect(holdoutSize(5, 0)).toBe(0);
    const ids = Array.from({ length: 200 }, (_, i) => i * 3 + 1);
    const h = drawHoldout(ids, 15, 1234);
    expect(h.size).toBe(30);
    expect([...drawHoldout([...ids].reverse(), 15, 1234)].sort()).toEqual([...h].sort());
    expect([...drawHoldout(ids, 15, 99)].sort()).not.toEqual([...h].sort());
  });

  it("refuses a move to an unknown column, a result without its follow-up and a bad deposit", () => {
    const base = { invitationId: "1", version: "1" };
    const bad = (raw: Record<string, unknown>) => {
      const r = parseObject(MoveSchema, { ...base, ...raw });
      return r.ok ? null : r.errors;
    };
    expect(bad({ to: "arrived" })).toEqual({ to: "invitations:errors.unknownColumn" });
    expect(bad({ to: "no" })).toMatchObject({ lossReason: "invitations:errors.lossReasonRequired" });
    expect(bad({ to: "no", lossReason: "other" })).toMatchObject({ lossNote: "invitations:errors.lossNoteRequired" });
    expect(bad({ to: "maybe" })).toMatchObject({ nextFollowUp: "invitations:errors.followUpRequired" });
    expect(bad({ to: "maybe", nextFollowUp: "2026-02-30" })).toMatchObject({ nextFollowUp: "invitations:errors.date" });
    expect(bad({ to: "yes", deposit: "-5" })).toMatchObject({ deposit: "invitations:errors.deposit" });
    expect(bad({ to: "yes", deposit: "abc" })).toMatchObject({ deposit: "invitations:errors.deposit" });
    expect(bad({ to: "pending", outcome: "yes" })).toMatchObject({ outcome: "invitations:errors.outcome" });
    expect(bad({ to: "pending", outcome: "callback" })).toMatchObject({ callbackAt: "invitations:errors.callbackRequired" });
    expect(bad({ to: "yes", version: "x" })).toMatchObject({ version: "invitations:errors.version" });
    expect(bad({ to: "yes", deposit: "1,200.5", intentVerified: "on" })).toBeNull();
    expect(move({ ...base, to: "yes", deposit: "1200.5" })).toMatchObject({ outcome: "yes", deposit: 120050, reopen: false });
    expect(move({ ...base, to: "pending", outcome: "callback", callbackAt: "2026-12-01T10:30" })).toMatchObject({ outcome: "callback", reopen: true });
    const form = parseObject(AttemptSchema, { ...base, outcome: "no_answer" });
    expect(form.ok).toBe(true);
  });

  it("reads board filters from the URL leniently", () => {
    expect(BoardFiltersSchema.parse({ round: "2", assignee: "me", group: "3", tier: "A", flag: "short", q: " 王 ", show: "pending:50,bogus:3" }))
      .toEqual({ round: 2, assignee: "me", group: 3, tier: "A", flag: "short", q: "王", show: { pending: 50 } });
    expect(BoardFiltersSchema.parse({ round: "x", group: "9", tier: "Z", flag: "?", assignee: "x; drop" }))
      .toEqual({ round: null, assignee: undefined, group: null, tier: null, flag: null, q: null, show: {} });
  });
});

describe("the audience", () => {
  it("excludes do-not-contact (counted), holds out the share with the recorded seed, one invitation per customer", async () => {
    const c = await makeApprovedCampaign(db, { customers: 105, doNotContact: 7, holdoutPercent: 10 });
    const result = await startInvitations(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, seed: 777 });
    expect(result).toMatchObject({ mode: "first", audience_count: 105, holdout_count: 11, excluded_do_not_contact: 7, seed: 777 });
    const rows = await invitationsOf(c.campaign.id);
    expect(rows).toHaveLength(105);
    expect(new Set(rows.map((r) => r.customer_id)).size).toBe(105);
    const dnc = new Set(c.customerIds.slice(105));
    expect(rows.some((r) => dnc.has(r.customer_id))).toBe(false);
    const held = new Set(rows.filter((r) => r.holdout).map((r) => r.customer_id));
    expect(held).toEqual(drawHoldout(rows.map((r) => r.customer_id), 10, 777));
    expect(rows.filter((r) => r.holdout).every((r) => r.round_id === null && r.assignee_id === null)).toBe(true);
    const campaign = await db.selectFrom("campaigns").select("status").where("id", "=", c.campaign.id).executeTakeFirstOrThrow();
    expect(campaign.status).toBe("inviting");
    const round1 = await db.selectFrom("invitation_round_members").select((eb) => eb.fn.countAll().as("n")).executeTakeFirst();
    expect(toInt(round1?.n)).toBe(94);
    // a customer with two vehicles is on one card with both
    const two = rows.find((r) => !r.holdout)!;
    await db.insertInto("vehicles").values({ store_id: c.store.id, customer_id: two.customer_id, vin: "SECONDCAR00000001", plate: "豫A2ND01", model: "Q5L", purchase_date: null, warranty_end: null, insurance_expiry: null, mileage_km: null }).execute();
    const board = await getBoard(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, filters: BoardFiltersSchema.parse({ q: "豫A2ND01" }), timeZone: "Asia/Shanghai" });
    expect(board.counts.pending).toBe(1);
    expect(board.columns.pending[0]!.vehicles).toHaveLength(2);
  });

  it("is refused to staff, before approval and on another store's campaign", async () => {
    const c = await makeApprovedCampaign(db, { customers: 5 });
    await expect(startInvitations(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.staffActors[0]! })).rejects.toMatchObject({ status: 403 });
    const other = await makeApprovedCampaign(db, { customers: 2 });
    await expect(startInvitations(db, { storeId: other.store.id, campaignId: c.campaign.id, actor: other.actor })).rejects.toBeInstanceOf(CampaignNotFound);
    await startInvitations(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, seed: 1 });
    await expect(startInvitations(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor })).rejects.toMatchObject({ messageKey: "invitations:errors.notApproved", status: 409 });
  });

  it("re-snapshots freely before the first call, afterwards only adds new customers", async () => {
    const c = await makeApprovedCampaign(db, { customers: 40, holdoutPercent: 20, start: true, seed: 5 });
    const before = await invitationsOf(c.campaign.id);
    await makeCustomers(db, c.store.id, 10);
    const again = await snapshotAudience(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor });
    expect(again).toMatchObject({ mode: "replace", audience_count: 50, holdout_count: 10, seed: 5 });
    const after = await invitationsOf(c.campaign.id);
    expect(after).toHaveLength(50);
    expect(after.map((r) => r.id)).not.toContain(before[0]!.id);

    await assignRound(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, roundId: after[0]!.round_id ?? after.find((r) => r.round_id)!.round_id!, staffIds: c.staff.map((s) => s.id) });
    const first = (await invitationsOf(c.campaign.id)).find((r) => !r.holdout && r.assignee_id === c.staff[0]!.id)!;
    await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.staffActors[0]!, input: move({ invitationId: first.id, version: first.version, to: "pending", outcome: "no_answer" }) });
    await makeCustomers(db, c.store.id, 10);
    const add = await snapshotAudience(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor });
    expect(add).toMatchObject({ mode: "add", added: 10, heldOut: 2, audience_count: 60, holdout_count: 12 });
    const now = await invitationsOf(c.campaign.id);
    expect(now.filter((r) => after.some((a) => a.id === r.id))).toHaveLength(50);
    const audience = await db.selectFrom("campaign_audiences").selectAll().where("campaign_id", "=", c.campaign.id).executeTakeFirstOrThrow();
    expect(toInt(audience.snapshot_count)).toBe(3);
  });

  it("adds associated customers by hand, once, and never a do-not-contact one", async () => {
    const c = await makeApprovedCampaign(db, { customers: 5, start: true });
    const [walkIn] = await makeCustomers(db, c.store.id, 1);
    const [refuser] = await makeCustomers(db, c.store.id, 0, { doNotContact: 1 });
    const row = await addAssociated(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, customerId: walkIn! });
    expect(row).toMatchObject({ kind: "associated", holdout: 0 });
    await expect(addAssociated(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, customerId: walkIn! })).rejects.toMatchObject({ messageKey: "invitations:errors.alreadyInvited" });
    await expect(addAssociated(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, customerId: refuser! })).rejects.toMatchObject({ messageKey: "invitations:errors.doNotContact" });
    await expect(addAssociated(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.staffActors[0]!, customerId: walkIn! })).rejects.toMatchObject({ status: 403 });
    // re-snapshotting keeps the associated customer
    await snapshotAudience(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor });
    expect((await invitationsOf(c.campaign.id)).filter((r) => r.kind === "associated")).toHaveLength(1);
  });
});

describe("rounds and assignment", () => {
  it("assigns a round evenly and deterministically for the seed, records each assignment, and reassigns", async () => {
    const runs: number[][] = [];
    for (let k = 0; k < 2; k++) {
      const local = await createTestDb();
      const c = await makeApprovedCampaign(local, { customers: 50, holdoutPercent: 10, start: true, seed: 31 });
      const round = await local.selectFrom("invitation_rounds").selectAll().where("campaign_id", "=", c.campaign.id).executeTakeFirstOrThrow();
      const res = await assignRound(local, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, roundId: round.id, staffIds: c.staff.map((s) => s.id), seed: 8 });
      expect(res.assigned).toBe(45);
      const counts = Object.values(res.perStaff);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      const rows = await local.selectFrom("invitations").select(["id", "assignee_id", "holdout"]).where("campaign_id", "=", c.campaign.id).orderBy("id").execute();
      runs.push(rows.map((r) => (r.assignee_id === null ? -1 : c.staff.findIndex((s) => s.id === r.assignee_id))));
      const events = await local.selectFrom("invitation_events").select((eb) => eb.fn.countAll().as("n")).where("kind", "=", "assignee").executeTakeFirst();
      expect(toInt(events?.n)).toBe(45);
      // again: nothing unassigned left
      expect((await assignRound(local, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, roundId: round.id, staffIds: [c.staff[0]!.id] })).assigned).toBe(0);
      await expect(assignRound(local, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.staffActors[0]!, roundId: round.id, staffIds: [c.staff[0]!.id] })).rejects.toMatchObject({ status: 403 });
      const stranger = await makeUser(local, (await makeApprovedCampaign(local, { customers: 1 })).store.id, "staff");
      await expect(assignRound(local, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, roundId: round.id, staffIds: [stranger.id], redistributeAll: true }))
        .rejects.toMatchObject({ messageKey: "invitations:errors.staffUnknown" });
      // reassign a selection
      const some = rows.filter((r) => !r.holdout && r.assignee_id !== c.staff[2]!.id).slice(0, 3).map((r) => r.id);
      expect((await reassign(local, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, invitationIds: some, assigneeId: c.staff[2]!.id })).reassigned).toBe(3);
      const ev = await local.selectFrom("invitation_events").selectAll().where("invitation_id", "=", some[0]!).where("kind", "=", "assignee").orderBy("id").execute();
      expect(ev).toHaveLength(2);
      expect(ev[1]).toMatchObject({ old_value: String(rows.find((r) => r.id === some[0])!.assignee_id), new_value: String(c.staff[2]!.id), user_id: c.manager.id });
      await local.destroy();
    }
    expect(runs[0]).toEqual(runs[1]);
  });

  it("opens round 2 for the pending and maybe invitations", async () => {
    const c = await makeApprovedCampaign(db, { customers: 12, start: true });
    const rows = await invitationsOf(c.campaign.id);
    await reassign(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, invitationIds: rows.map((r) => r.id), assigneeId: c.staff[0]!.id });
    const fresh = await invitationsOf(c.campaign.id);
    const s = c.staffActors[0]!;
    await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, input: move({ invitationId: fresh[0]!.id, version: fresh[0]!.version, to: "yes" }) });
    await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, input: move({ invitationId: fresh[1]!.id, version: fresh[1]!.version, to: "no", lossReason: "price" }) });
    await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, input: move({ invitationId: fresh[2]!.id, version: fresh[2]!.version, to: "maybe", nextFollowUp: "2026-12-03" }) });
    const { round, covered } = await openRound(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, channels: ["sms"], startDate: "2026-12-04", endDate: "2026-12-06" });
    expect(round.number).toBe(2);
    expect(covered).toBe(10);
    const summary = await getRoundSummary(db, { storeId: c.store.id, campaignId: c.campaign.id });
    expect(summary.perRound).toHaveLength(2);
    expect(summary.perRound[0]!.total).toMatchObject({ assigned: 12, reached: 3, yes: 1, maybe: 1, no: 1, shortOfThree: 10 });
    expect(summary.perRound[1]!.total).toMatchObject({ assigned: 10, reached: 0, yes: 0 });
    expect(summary.perRound[1]!.staff[0]).toMatchObject({ assigneeId: c.staff[0]!.id, assigned: 10 });
    expect(summary.progress).toMatchObject({ invited: 12, reached: 3, yes: 1, maybe: 1, no: 1, pending: 9, lossUnverified: 1 });
  });
});

describe("attempts", () => {
  async function started() {
    const c = await makeApprovedCampaign(db, { customers: 10, holdoutPercent: 10, start: true });
    const round = await db.selectFrom("invitation_rounds").selectAll().where("campaign_id", "=", c.campaign.id).executeTakeFirstOrThrow();
    await assignRound(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, roundId: round.id, staffIds: c.staff.map((s) => s.id) });
    const rows = await invitationsOf(c.campaign.id);
    const mine = rows.find((r) => r.assignee_id === c.staff[0]!.id)!;
    const theirs = rows.find((r) => r.assignee_id === c.staff[1]!.id)!;
    const held = rows.find((r) => r.holdout)!;
    return { ...c, round, mine, theirs, held };
  }

  it("applies each result's follow-up and keeps every change in the history", async () => {
    const c = await started();
    const s = c.staffActors[0]!;
    const now = new Date("2026-12-01T02:00:00Z"); // the call-backs below are in its future
    const at = (input: AttemptInput & { reopen?: boolean }) => recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, input, now });
    let inv = (await at(move({ invitationId: c.mine.id, version: c.mine.version, to: "pending", outcome: "callback", callbackAt: "2026-12-02T15:00" }))).invitation;
    expect(inv).toMatchObject({ result: "pending", callback_at: "2026-12-02T15:00", attempts_count: 1 });
    inv = (await at(move({ invitationId: inv.id, version: inv.version, to: "maybe", nextFollowUp: "2026-12-05", managerJoins: "on" }))).invitation;
    expect(inv).toMatchObject({ result: "maybe", next_follow_up: "2026-12-05", manager_joins: 1, callback_at: null, attempts_count: 2 });
    inv = (await at(move({ invitationId: inv.id, version: inv.version, to: "yes", intentVerified: "on", deposit: "500", depositReceipt: "R-001" }))).invitation;
    expect(inv).toMatchObject({ result: "yes", intent_verified: 1, deposit_fen: 50000, deposit_receipt: "R-001", next_follow_up: null, manager_joins: 0 });
    inv = (await at(move({ invitationId: inv.id, version: inv.version, to: "no", lossReason: "other", lossNote: "出差" }))).invitation;
    expect(inv).toMatchObject({ result: "no", loss_reason: "other", loss_note: "出差", loss_verified_by: null, attempts_count: 4 });
    await expect(verifyLoss(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, invitationId: inv.id, version: inv.version })).rejects.toMatchObject({ status: 403 });
    inv = await verifyLoss(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, invitationId: inv.id, version: inv.version });
    expect(inv.loss_verified_by).toBe(c.manager.id);

    const events = await historyOf(inv.id);
    expect(events.filter((e) => e.kind === "attempt").map((e) => e.new_value)).toEqual(["callback", "maybe", "yes", "no"]);
    expect(events.filter((e) => e.field === "result").map((e) => `${e.old_value}→${e.new_value}`)).toEqual(["pending→maybe", "maybe→yes", "yes→no"]);
    expect(events.filter((e) => e.field === "deposit_fen").map((e) => `${e.old_value}→${e.new_value}`)).toEqual(["null→50000"]);
    expect(events.some((e) => e.kind === "verification" && e.field === "loss_verified_by" && e.new_value === String(c.manager.id))).toBe(true);
    expect(events.every((e) => e.at && e.user_id)).toBe(true);
    const attempts = await db.selectFrom("invitation_attempts").selectAll().where("invitation_id", "=", inv.id).execute();
    expect(attempts.map((a) => a.outcome)).toEqual(["callback", "maybe", "yes", "no"]);
    expect(attempts.every((a) => a.user_id === s.id && a.channel === "phone" && a.round_id === c.round.id)).toBe(true);
  });

  it("refuses bad attempts and leaves the card and its history unchanged", async () => {
    const c = await started();
    const s = c.staffActors[0]!;
    const snapshot = async () => ({
      rows: await invitationsOf(c.campaign.id),
      events: toInt((await db.selectFrom("invitation_events").select((eb) => eb.fn.countAll().as("n")).executeTakeFirst())?.n),
      attempts: toInt((await db.selectFrom("invitation_attempts").select((eb) => eb.fn.countAll().as("n")).executeTakeFirst())?.n),
    });
    const before = await snapshot();
    const tryIt = (actor = s, raw: Record<string, unknown> = {}, campaignId = c.campaign.id, storeId = c.store.id) =>
      recordAttempt(db, { storeId, campaignId, actor, input: move({ invitationId: c.mine.id, version: c.mine.version, to: "yes", ...raw }) });

    // someone else's card
    await expect(tryIt(c.staffActors[1]!)).rejects.toMatchObject({ messageKey: "invitations:errors.notYourCard", status: 403 });
    // stale version: refused with the current state
    const stale = await tryIt(s, { version: c.mine.version + 1 }).catch((e) => e);
    expect(stale).toBeInstanceOf(StaleInvitation);
    expect(stale.current).toMatchObject({ id: c.mine.id, version: c.mine.version, result: "pending" });
    // an invitation of another campaign (or store)
    const other = await makeApprovedCampaign(db, { customers: 3, start: true });
    await expect(tryIt(s, {}, c.campaign.id, other.store.id)).rejects.toBeInstanceOf(CampaignNotFound);
    await expect(recordAttempt(db, { storeId: other.store.id, campaignId: other.campaign.id, actor: other.actor, input: move({ invitationId: c.mine.id, version: 1, to: "yes" }) }))
      .rejects.toBeInstanceOf(InvitationNotFound);
    // hold-out customers are never contacted
    await expect(recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, input: move({ invitationId: c.held.id, version: c.held.version, to: "yes" }) }))
      .rejects.toMatchObject({ messageKey: "invitations:errors.holdout" });
    // script not confirmed
    const newcomer = await makeUser(db, c.store.id, "staff");
    await reassign(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, invitationIds: [c.theirs.id], assigneeId: newcomer.id });
    const theirs = (await invitationsOf(c.campaign.id)).find((r) => r.id === c.theirs.id)!;
    await expect(recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: { id: newcomer.id, role: "staff" }, input: move({ invitationId: theirs.id, version: theirs.version, to: "yes" }) }))
      .rejects.toMatchObject({ messageKey: "invitations:errors.scriptNotConfirmed" });

    const after = await snapshot();
    expect(after.attempts).toBe(before.attempts);
    expect(after.rows.find((r) => r.id === c.mine.id)).toEqual(before.rows.find((r) => r.id === c.mine.id));
    // the only new events are the reassignment
    expect(after.events).toBe(before.events + 1);
    await confirmScript(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: { id: newcomer.id, role: "staff" } });
    await expect(recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: { id: newcomer.id, role: "staff" }, input: move({ invitationId: theirs.id, version: theirs.version, to: "yes" }) }))
      .resolves.toMatchObject({ invitation: { result: "yes" } });
    expect(InvitationRefused).toBeDefined();
  });

  it("keeps a complete history after 1,000 random moves from concurrent clients", async () => {
    const c = await makeApprovedCampaign(db, { customers: 24, start: true });
    const rows = await invitationsOf(c.campaign.id);
    await reassign(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, invitationIds: rows.map((r) => r.id), assigneeId: c.staff[0]!.id });
    const ids = rows.map((r) => r.id);
    const clients = [c.staffActors[0]!, c.actor, { id: c.approver.id, role: "manager" as const }, c.staffActors[0]!, c.actor, c.staffActors[0]!];
    await confirmScript(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: clients[2]! });
    const known = new Map<number, number>((await invitationsOf(c.campaign.id)).map((r) => [r.id, r.version]));
    const accepted: { id: number; version: number; to: string; outcome: string }[] = [];
    let refused = 0;
    let tried = 0;
    const rng = createRng(2026);
    const targets = [
      { to: "yes", deposit: "100" }, { to: "maybe", nextFollowUp: "2026-12-09" }, { to: "no", lossReason: "distance" },
      { to: "pending", outcome: "no_answer" }, { to: "pending", outcome: "callback", callbackAt: "2026-12-02T09:30" },
    ];
    await Promise.all(clients.map(async (actor, k) => {
      const local = createRng(100 + k);
      while (tried < 1000) {
        tried += 1;
        const id = ids[local.int(0, ids.length - 1)]!;
        const version = known.get(id)!; // what this client last saw (may be stale)
        const target = targets[local.int(0, targets.length - 1)]!;
        if (rng.chance(0.5)) await new Promise((r) => setTimeout(r, 0));
        try {
          const res = await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor, now: new Date("2026-12-01T00:00:00Z"), input: move({ invitationId: id, version, ...target }) });
          accepted.push({ id, version: res.invitation.version, to: target.to, outcome: res.invitation.result });
          known.set(id, Math.max(known.get(id)!, res.invitation.version));
        } catch (e) {
          if (!(e instanceof StaleInvitation)) throw e;
          refused += 1;
          known.set(id, Math.max(known.get(id)!, e.current.version));
        }
      }
    }));
    expect(accepted.length + refused).toBeGreaterThanOrEqual(1000);
    expect(refused).toBeGreaterThan(0);
    const final = await invitationsOf(c.campaign.id);
    for (const inv of final) {
      const mine = accepted.filter((a) => a.id === inv.id).sort((a, b) => a.version - b.version);
      expect(inv.attempts_count).toBe(mine.length);
      if (!mine.length) continue;
      const last = mine[mine.length - 1]!;
      expect(inv.version).toBe(last.version);
      expect(inv.result).toBe(last.to === "pending" ? "pending" : last.to);
      // versions of accepted moves on a card are consecutive: no write was lost or doubled
      expect(mine.map((m) => m.version)).toEqual(mine.map((_, i) => mine[0]!.version + i));
    }
    const attemptEvents = await db.selectFrom("invitation_events").select((eb) => eb.fn.countAll().as("n")).where("campaign_id", "=", c.campaign.id).where("kind", "=", "attempt").executeTakeFirst();
    expect(toInt(attemptEvents?.n)).toBe(accepted.length);
    const attempts = await db.selectFrom("invitation_attempts").select((eb) => eb.fn.countAll().as("n")).where("campaign_id", "=", c.campaign.id).executeTakeFirst();
    expect(toInt(attempts?.n)).toBe(accepted.length);
  });
});

describe("board and workbench", () => {
  it("gives a card's whole history, newest first, with the names of people and rounds", async () => {
    const c = await makeApprovedCampaign(db, { customers: 3, start: true });
    const round = await db.selectFrom("invitation_rounds").selectAll().where("campaign_id", "=", c.campaign.id).executeTakeFirstOrThrow();
    await assignRound(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, roundId: round.id, staffIds: [c.staff[0]!.id] });
    const inv = (await invitationsOf(c.campaign.id))[0]!;
    const s = c.staffActors[0]!;
    const t0 = new Date(Date.now() - 86_400_000); // attempts logged yesterday, the verification now
    const first = await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, now: t0, input: move({ invitationId: inv.id, version: inv.version, to: "pending", outcome: "no_answer" }) });
    const second = await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, now: new Date(t0.getTime() + 60_000), input: move({ invitationId: inv.id, version: first.invitation.version, to: "no", lossReason: "price" }) });
    await verifyLoss(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, invitationId: inv.id, version: second.invitation.version });
    const history = await getCardHistory(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: inv.id });
    expect(history).toHaveLength((await historyOf(inv.id)).length);
    const ats = history.map((h) => h.at);
    expect(ats).toEqual([...ats].sort().reverse());
    expect(history[0]).toMatchObject({ field: "loss_verified_by", toLabel: c.manager.display_name });
    const result = history.find((h) => h.field === "result")!;
    expect(result).toMatchObject({ from: "pending", to: "no", by: expect.any(String) });
    expect(history.find((h) => h.field === "assignee_id")).toMatchObject({ from: null, toLabel: expect.any(String) });
    // round 2 covers the cards still to contact: their history names it
    await openRound(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, channels: ["sms"], startDate: "2026-12-04", endDate: "2026-12-06" });
    const other = (await invitationsOf(c.campaign.id)).find((r) => r.id !== inv.id && !r.holdout)!;
    const otherHistory = await getCardHistory(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: other.id });
    expect(otherHistory.find((h) => h.field === "round_id")).toMatchObject({ fromLabel: "1", toLabel: "2" });
    await expect(getCardHistory(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: 999_999 })).rejects.toBeInstanceOf(InvitationNotFound);
  });

  it("counts each column and reads its window in the column's order, for the whole campaign and for a filter, with show-more", async () => {
    const c = await makeApprovedCampaign(db, { customers: 60, holdoutPercent: 10, start: true });
    const round = await db.selectFrom("invitation_rounds").selectAll().where("campaign_id", "=", c.campaign.id).executeTakeFirstOrThrow();
    await assignRound(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, roundId: round.id, staffIds: c.staff.map((s) => s.id) });
    // a realistic mix: results, callbacks, follow-up dates, several attempts on some cards
    const rng = createRng(7);
    const now = new Date("2026-12-01T02:00:00Z");
    for (const inv of (await invitationsOf(c.campaign.id)).filter((r) => !r.holdout)) {
      let version = inv.version;
      for (let k = rng.int(0, 3); k > 0; k--) {
        const pick = rng.int(0, 5);
        const target = [
          { to: "yes" }, { to: "maybe", nextFollowUp: `2026-12-0${rng.int(2, 9)}` }, { to: "no", lossReason: "price" },
          { to: "pending", outcome: "no_answer" }, { to: "pending", outcome: "callback", callbackAt: `2026-12-0${rng.int(2, 9)}T1${rng.int(0, 7)}:00` },
          { to: "maybe" as const, nextFollowUp: "2026-12-05" },
        ][pick]!;
        const res = await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, now: new Date(now.getTime() + rng.int(0, 1e6)), input: move({ invitationId: inv.id, version, ...target }) });
        version = res.invitation.version;
      }
    }
    const rows = (await invitationsOf(c.campaign.id)).filter((r) => !r.holdout);
    // the rules, in plain JS: To contact = callbacks first (earliest), then fewest attempts; Maybe = earliest follow-up first;
    // Yes and No = most recently changed first; ties by id
    const nullsLast = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
    type R = (typeof rows)[number];
    const order: Record<string, (a: R, b: R) => number> = {
      pending: (a, b) => nullsLast(a.callback_at, b.callback_at) || a.attempts_count - b.attempts_count || a.id - b.id,
      maybe: (a, b) => nullsLast(a.next_follow_up, b.next_follow_up) || a.id - b.id,
      yes: (a, b) => (a.updated_at === b.updated_at ? b.id - a.id : a.updated_at < b.updated_at ? 1 : -1),
      no: (a, b) => (a.updated_at === b.updated_at ? b.id - a.id : a.updated_at < b.updated_at ? 1 : -1),
    };
    const expected = (subset: R[], col: string, n: number) => subset.filter((r) => r.result === col).sort(order[col]).slice(0, n).map((r) => r.id);
    for (const [actor, raw, subset] of [
      [c.actor, {}, rows],
      [c.actor, { show: "pending:3,maybe:2,yes:40" }, rows],
      [c.staffActors[1]!, {}, rows.filter((r) => r.assignee_id === c.staff[1]!.id)],
      [c.actor, { flag: "short" }, rows.filter((r) => (r.result === "pending" || r.result === "maybe") && r.attempts_count < 3)],
    ] as const) {
      const filters = BoardFiltersSchema.parse(raw);
      const board = await getBoard(db, { storeId: c.store.id, campaignId: c.campaign.id, actor, filters, timeZone: "Asia/Shanghai", now });
      for (const col of ["pending", "yes", "maybe", "no"] as const) {
        expect(board.counts[col]).toBe(subset.filter((r) => r.result === col).length);
        expect(board.columns[col].map((card) => card.id)).toEqual(expected(subset, col, filters.show[col] ?? BOARD_PAGE));
      }
      // short of three follow-ups: always the whole campaign, per assignee
      const short = new Map<number | null, number>();
      for (const r of rows) if ((r.result === "pending" || r.result === "maybe") && r.attempts_count < 3) short.set(r.assignee_id, (short.get(r.assignee_id) ?? 0) + 1);
      expect(new Map(board.shortOfThree.map((x) => [x.assigneeId, x.count]))).toEqual(short);
    }
  });

  it("filters the board (my cards for staff, flagged, search) and picks the next call: due callbacks first, then fewest attempts", async () => {
    const c = await makeApprovedCampaign(db, { customers: 9, start: true });
    const round = await db.selectFrom("invitation_rounds").selectAll().where("campaign_id", "=", c.campaign.id).executeTakeFirstOrThrow();
    await assignRound(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, roundId: round.id, staffIds: c.staff.map((s) => s.id) });
    const s = c.staffActors[0]!;
    const filters = (raw: Record<string, string> = {}) => BoardFiltersSchema.parse(raw);
    const board = await getBoard(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, filters: filters(), timeZone: "Asia/Shanghai" });
    expect(board.counts).toEqual({ pending: 3, yes: 0, maybe: 0, no: 0 });
    expect(board.columns.pending.every((card) => card.assigneeId === s.id && /^\d{3}\*{4}\d{4}$/.test(card.phone!))).toBe(true);
    expect(board.targets.yes).toBe(80);
    expect(board.shortOfThree).toHaveLength(3);
    const all = await getBoard(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, filters: filters(), timeZone: "Asia/Shanghai" });
    expect(all.counts.pending).toBe(9);
    expect(all.columns.pending[0]!.phone).toMatch(/^\d{11}$/);

    const [a, b, d] = board.columns.pending;
    const now = new Date("2026-12-01T02:00:00Z"); // 10:00 in Shanghai
    await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, now, input: move({ invitationId: a!.id, version: a!.version, to: "pending", outcome: "no_answer" }) });
    // set at 09:00 for 09:30: due by 10:00
    await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, now: new Date("2026-12-01T01:00:00Z"), input: move({ invitationId: b!.id, version: b!.version, to: "pending", outcome: "callback", callbackAt: "2026-12-01T09:30" }) });
    const next = await getNextCall(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, timeZone: "Asia/Shanghai", now });
    expect(next.card!.id).toBe(b!.id); // the due callback
    expect(next.card!.phone).toMatch(/^\d{11}$/);
    expect(next.remaining).toBe(3);
    const later = await recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, now, input: move({ invitationId: b!.id, version: b!.version + 1, to: "pending", outcome: "callback", callbackAt: "2026-12-01T18:00" }) });
    expect(later.invitation.callback_at).toBe("2026-12-01T18:00");
    expect((await getNextCall(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, timeZone: "Asia/Shanghai", now })).card!.id).toBe(d!.id); // 0 attempts
    const flagged = await getBoard(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: s, filters: filters({ flag: "callback_today" }), timeZone: "Asia/Shanghai", now });
    expect(flagged.counts.pending).toBe(1);
    await expect(getNextCall(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.staffActors[1]!, timeZone: "Asia/Shanghai", invitationId: a!.id }))
      .rejects.toMatchObject({ status: 403 });
  });
});

describe("follow-up of a yes, deposit receipts and call-backs (issue 11)", () => {
  async function started(customers = 6) {
    const c = await makeApprovedCampaign(db, { customers, start: true });
    const rows = await invitationsOf(c.campaign.id);
    await reassign(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, invitationIds: rows.map((r) => r.id), assigneeId: c.staff[0]!.id });
    const fresh = await invitationsOf(c.campaign.id);
    const s = c.staffActors[0]!;
    const log = (inv: { id: number; version: number }, raw: Record<string, unknown>, now = new Date("2026-12-01T02:00:00Z"), actor = s) =>
      recordAttempt(db, { storeId: c.store.id, campaignId: c.campaign.id, actor, now, input: move({ invitationId: inv.id, version: inv.version, ...raw }) });
    return { ...c, rows: fresh, s, log };
  }
  const eventCount = async () => toInt((await db.selectFrom("invitation_events").select((eb) => eb.fn.countAll().as("n")).executeTakeFirst())?.n);

  it("a receipt number is unique within a campaign: a second card is refused at the field, nothing changes", async () => {
    const c = await started();
    const [a, b] = c.rows;
    const first = (await c.log(a!, { to: "yes", deposit: "300", depositReceipt: "SJ-300" })).invitation;
    const before = { row: (await invitationsOf(c.campaign.id)).find((r) => r.id === b!.id), events: await eventCount() };
    const refused = await c.log(b!, { to: "yes", deposit: "300", depositReceipt: "SJ-300" }).catch((e) => e);
    expect(refused).toBeInstanceOf(InvitationRefused);
    expect(refused).toMatchObject({ messageKey: "invitations:errors.receiptTaken", field: "depositReceipt", status: 409 });
    expect((await invitationsOf(c.campaign.id)).find((r) => r.id === b!.id)).toEqual(before.row);
    expect(await eventCount()).toBe(before.events);
    // the card that has it may be saved again with it; another number is fine for the second card
    await expect(c.log(first, { to: "yes", deposit: "", depositReceipt: "SJ-300" })).resolves.toMatchObject({ invitation: { deposit_receipt: "SJ-300", deposit_fen: 30000 } });
    await expect(c.log(b!, { to: "yes", deposit: "200", depositReceipt: "SJ-301" })).resolves.toMatchObject({ invitation: { deposit_receipt: "SJ-301" } });
    // the same number in another campaign is another receipt
    const other = await started(2);
    await expect(other.log(other.rows[0]!, { to: "yes", deposit: "300", depositReceipt: "SJ-300" })).resolves.toMatchObject({ invitation: { deposit_receipt: "SJ-300" } });
    // and the database itself refuses a duplicate written around the model
    await expect(db.updateTable("invitations").set({ deposit_receipt: "SJ-300" }).where("id", "=", b!.id).execute().then(() => "none", constraintViolation)).resolves.toBe("unique");
  });

  it("refuses a call-back before now in the store's time zone; the queue is left as it was", async () => {
    const c = await started(3);
    const [a] = c.rows;
    const now = new Date("2026-12-01T02:00:00Z"); // 10:00 in Shanghai
    const before = (await invitationsOf(c.campaign.id)).find((r) => r.id === a!.id);
    await expect(c.log(a!, { to: "pending", outcome: "callback", callbackAt: "2026-12-01T09:59" }, now))
      .rejects.toMatchObject({ messageKey: "invitations:errors.callbackPast", field: "callbackAt", status: 400 });
    await expect(c.log(a!, { to: "pending", outcome: "callback", callbackAt: "2026-11-30T18:00" }, now)).rejects.toMatchObject({ field: "callbackAt" });
    expect((await invitationsOf(c.campaign.id)).find((r) => r.id === a!.id)).toEqual(before);
    expect(await db.selectFrom("invitation_attempts").select("id").where("invitation_id", "=", a!.id).execute()).toHaveLength(0);
    // this very minute is not the past
    await expect(c.log(a!, { to: "pending", outcome: "callback", callbackAt: "2026-12-01T10:00" }, now)).resolves.toMatchObject({ invitation: { callback_at: "2026-12-01T10:00" } });

    // 09:00 is past in Shanghai at 02:00 UTC, and still ahead in a store on UTC
    await db.updateTable("stores").set({ timezone: "UTC" }).where("id", "=", c.store.id).execute();
    const b = (await invitationsOf(c.campaign.id)).find((r) => r.id === c.rows[1]!.id)!;
    await expect(c.log(b, { to: "pending", outcome: "callback", callbackAt: "2026-12-01T09:00" }, now)).resolves.toMatchObject({ invitation: { callback_at: "2026-12-01T09:00" } });

    // the form's schema says the same next to the field, given the store's local time
    const form = parseObject(boardFormSchema({ nowLocal: localNow("Asia/Shanghai", now) }), { intent: "attempt", invitationId: "1", version: "1", outcome: "callback", callbackAt: "2026-12-01T09:59" });
    expect(form.ok ? null : form.errors).toEqual({ callbackAt: "invitations:errors.callbackPast" });
    const json = parseObject(moveSchema({ nowLocal: "2026-12-01T10:00" }), { invitationId: 1, version: 1, to: "pending", outcome: "callback", callbackAt: "2026-12-01 09:30" });
    expect(json.ok ? null : json.errors).toEqual({ callbackAt: "invitations:errors.callbackPast" });
    expect(parseObject(moveSchema({ nowLocal: "2026-12-01T10:00" }), { invitationId: 1, version: 1, to: "pending", outcome: "callback", callbackAt: "2026-12-01T10:00" }).ok).toBe(true);
    // and the board's drop form, in the browser, before the optimistic move
    expect(checkMove("pending", { outcome: "callback", callbackAt: "2026-12-01T09:59" }, "2026-12-01T10:00")).toEqual({ callbackAt: "invitations:errors.callbackPast" });
    expect(checkMove("pending", { outcome: "callback", callbackAt: "2026-12-01T10:00" }, "2026-12-01T10:00")).toBeNull();
  });

  it("a yes without verified intent is listed for the manager and marked on its card until a manager verifies it", async () => {
    const c = await started(4);
    const [a, b, d] = c.rows;
    const unverified = (await c.log(a!, { to: "yes", deposit: "" })).invitation;
    await c.log(b!, { to: "yes", intentVerified: "on", deposit: "100", depositReceipt: "R-9" });
    await c.log(d!, { to: "no", lossReason: "price" });
    const lists = () => getManagerLists(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor });
    expect((await lists()).intentsToVerify.map((x) => x.id)).toEqual([a!.id]);
    expect((await lists()).lossesToVerify.map((x) => x.id)).toEqual([d!.id]);
    const board = await getBoard(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, filters: BoardFiltersSchema.parse({}), timeZone: "Asia/Shanghai" });
    expect(Object.fromEntries(board.columns.yes.map((x) => [x.id, x.intentVerified]))).toEqual({ [a!.id]: false, [b!.id]: true });
    const flagged = await getBoard(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, filters: BoardFiltersSchema.parse({ flag: "intent_unverified" }), timeZone: "Asia/Shanghai" });
    expect(flagged.counts).toEqual({ pending: 0, yes: 1, maybe: 0, no: 0 });
    // the caller who ticked it is recorded as the verifier
    const ticked = (await invitationsOf(c.campaign.id)).find((r) => r.id === b!.id)!;
    expect(ticked).toMatchObject({ intent_verified: 1, intent_verified_by: c.staff[0]!.id, intent_verified_at: "2026-12-01T02:00:00.000Z" });

    // staff may not verify by the manager's action; a card that is not a yes cannot be verified
    await expect(verifyIntent(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.s, invitationId: a!.id, version: unverified.version })).rejects.toMatchObject({ status: 403 });
    const loss = (await invitationsOf(c.campaign.id)).find((r) => r.id === d!.id)!;
    await expect(verifyIntent(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, invitationId: d!.id, version: loss.version })).rejects.toMatchObject({ messageKey: "invitations:errors.notAYes" });
    await expect(verifyIntent(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, invitationId: a!.id, version: unverified.version + 1 })).rejects.toBeInstanceOf(StaleInvitation);

    const verified = await verifyIntent(db, { storeId: c.store.id, campaignId: c.campaign.id, actor: c.actor, invitationId: a!.id, version: unverified.version, now: new Date("2026-12-01T03:00:00Z") });
    expect(verified).toMatchObject({ intent_verified: 1, intent_verified_by: c.manager.id, intent_verified_at: "2026-12-01T03:00:00.000Z", version: unverified.version + 1 });
    expect((await lists()).intentsToVerify).toEqual([]);
    const history = await getCardHistory(db, { storeId: c.store.id, campaignId: c.campaign.id, invitationId: a!.id });
    expect(history.find((e) => e.field === "intent_verified_by")).toMatchObject({ kind: "verification", to: String(c.manager.id), toLabel: c.manager.display_name });

    // a later yes keeps the verification (as it keeps the deposit); a maybe clears it
    const again = (await c.log(verified, { to: "yes", deposit: "" }, new Date("2026-12-01T04:00:00Z"))).invitation;
    expect(again).toMatchObject({ intent_verified: 1, intent_verified_by: c.manager.id });
    const maybe = (await c.log(again, { to: "maybe", nextFollowUp: "2026-12-04" }, new Date("2026-12-01T05:00:00Z"))).invitation;
    expect(maybe).toMatchObject({ intent_verified: 0, intent_verified_by: null, intent_verified_at: null });
    const yesAgain = (await c.log(maybe, { to: "yes", deposit: "" }, new Date("2026-12-01T06:00:00Z"))).invitation;
    expect(yesAgain.intent_verified).toBe(0);
    expect((await lists()).intentsToVerify.map((x) => x.id)).toEqual([a!.id]);
  });
});
