/**
 * Issue 11 item 5: the review's counts add up. On randomly generated campaigns (rounds,
 * every attempt outcome, reopened cards, arrivals, walk-ins, orders, later visits):
 * "reached" is exactly the audience customers spoken to or who answered in writing (counted
 * here with plain SQL, not the app's code), and every column of the by-round table sums to
 * the review's totals.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import { checkIn, registerWalkIn } from "./checkin.server";
import { recordOrder } from "./execution.server";
import type { AttemptInput } from "./invitation.schema";
import { getRoundSummary } from "./invitation-board.server";
import { openRound, recordAttempt } from "./invitation.server";
import { computeReviewFigures } from "./review.server";
import { getCampaignRow } from "./campaign.server";
import { createTestDb } from "../../tests/helpers/test-db";
import { TEST_ENGINE } from "../../tests/helpers/pg";
import { EVENT_DAY, makeEventCampaign, TZ } from "../../tests/helpers/execution-factories";
import { makeVisit } from "../../tests/helpers/factories";

let db: DB;
beforeAll(async () => { db = await createTestDb(); });
afterAll(async () => { await db.destroy(); });

const OUTCOMES = ["no_answer", "wrong_number", "callback", "yes", "maybe", "no"] as const;
type Step =
  | { kind: "attempt"; card: number; outcome: (typeof OUTCOMES)[number]; reopen: boolean; channel: "phone" | "sms" }
  | { kind: "round" };

const campaignArb = fc.record({
  customers: fc.integer({ min: 4, max: 16 }),
  holdoutPercent: fc.constantFrom(0, 10, 25),
  seed: fc.integer({ min: 1, max: 10_000 }),
  steps: fc.array(fc.oneof(
    { weight: 12, arbitrary: fc.record({ kind: fc.constant("attempt" as const), card: fc.nat(100), outcome: fc.constantFrom(...OUTCOMES), reopen: fc.boolean(), channel: fc.constantFrom("phone" as const, "sms" as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("round" as const) }) },
  ), { maxLength: 40 }),
  arrivals: fc.array(fc.nat(100), { maxLength: 10 }),
  walkIns: fc.integer({ min: 0, max: 2 }),
  orders: fc.array(fc.record({ arrival: fc.nat(100), fen: fc.integer({ min: 1, max: 500_000 }) }), { maxLength: 8 }),
  visits: fc.array(fc.record({ card: fc.nat(100), day: fc.integer({ min: -2, max: 33 }), fen: fc.integer({ min: 1, max: 300_000 }) }), { maxLength: 8 }),
});

function attemptInput(invitationId: number, version: number, s: Extract<Step, { kind: "attempt" }>): AttemptInput & { reopen?: boolean } {
  const base = { invitationId, version, channel: s.channel, note: null };
  switch (s.outcome) {
    case "yes": return { ...base, outcome: "yes", intentVerified: true, deposit: null, depositReceipt: null };
    case "maybe": return { ...base, outcome: "maybe", nextFollowUp: "2026-12-11", managerJoins: false };
    case "no": return { ...base, outcome: "no", lossReason: "price", lossNote: null };
    case "callback": return { ...base, outcome: "callback", callbackAt: "2026-12-10T10:00", reopen: s.reopen };
    default: return { ...base, outcome: s.outcome, reopen: s.reopen };
  }
}

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe("review counts add up (property)", () => {
  it("reached is the audience spoken to, and the by-round rows sum to the totals", { timeout: 600_000 }, async () => {
    let walkInPhone = 13700000000;
    await fc.assert(fc.asyncProperty(campaignArb, async (g) => {
      const ctx = await makeEventCampaign(db, { customers: g.customers, holdoutPercent: g.holdoutPercent, seed: g.seed });
      const { storeId, campaignId, actor } = ctx;
      const cards = ctx.invited;
      for (const s of g.steps) {
        if (s.kind === "round") {
          await openRound(db, { storeId, campaignId, actor, channels: ["phone"], startDate: null, endDate: null });
          continue;
        }
        const card = cards[s.card % cards.length]!;
        const { version } = await db.selectFrom("invitations").select("version").where("id", "=", card.id).executeTakeFirstOrThrow();
        await recordAttempt(db, { storeId, campaignId, actor, input: attemptInput(card.id, version, s), now: new Date("2026-12-05T02:00:00Z") });
      }
      const door = { storeId, campaignId, actor: ctx.staffActors[0]!, timeZone: TZ, now: EVENT_DAY };
      const everyone = [...ctx.invited, ...ctx.held];
      const arrivalIds: number[] = [];
      for (const a of new Set(g.arrivals.map((k) => everyone[k % everyone.length]!.id))) arrivalIds.push((await checkIn(db, { ...door, invitationId: a })).arrivalId);
      for (let w = 0; w < g.walkIns; w++) arrivalIds.push((await registerWalkIn(db, { ...door, customerId: null, name: `路过${w}`, phone: String(walkInPhone++) })).arrivalId);
      if (arrivalIds.length) {
        for (const o of g.orders) {
          await recordOrder(db, { storeId, campaignId, actor, input: { arrivalId: arrivalIds[o.arrival % arrivalIds.length]!, line: "M", description: "套餐", amount: o.fen, kind: "package" } });
        }
      }
      for (const v of g.visits) {
        const inv = everyone[v.card % everyone.length]!;
        const vehicle = await db.selectFrom("vehicles").select(["id", "customer_id"]).where("customer_id", "=", inv.customer_id).executeTakeFirstOrThrow();
        await makeVisit(db, storeId, vehicle, { date: addDays("2026-12-13", v.day), type: "maintenance", fen: v.fen });
      }

      const campaign = await getCampaignRow(db, { storeId, id: campaignId });
      const f = await computeReviewFigures(db, { storeId, campaign, now: EVENT_DAY });
      const total = Object.fromEntries(f.funnel.map((s) => [s.key, s.count]));

      // reached, by hand: audience cards (not held out, not walk-ins) with a yes/maybe/no/callback attempt
      const hand = await db.selectFrom("invitations").select((eb) => eb.fn.countAll().as("n"))
        .where("invitations.campaign_id", "=", campaignId).where("invitations.holdout", "=", 0)
        .where((eb) => eb.not(eb.exists(eb.selectFrom("arrivals").select("arrivals.id").whereRef("arrivals.invitation_id", "=", "invitations.id").where("arrivals.walk_in", "=", 1))))
        .where((eb) => eb.exists(eb.selectFrom("invitation_attempts").select("invitation_attempts.id").whereRef("invitation_attempts.invitation_id", "=", "invitations.id")
          .where("invitation_attempts.outcome", "in", ["yes", "maybe", "no", "callback"])))
        .executeTakeFirstOrThrow();
      expect(total.reached).toBe(toInt(hand.n));

      const sum = (k: "reached" | "yes" | "maybe" | "no" | "arrived" | "converted" | "revenueFen") => f.byRound.reduce((s, r) => s + r[k], 0);
      expect(sum("reached")).toBe(total.reached);
      expect(sum("yes")).toBe(total.yes);
      expect(sum("maybe")).toBe(total.maybe);
      expect(sum("no")).toBe(total.no);
      expect(sum("arrived")).toBe(total.arrived);
      expect(sum("converted")).toBe(total.converted);
      expect(sum("revenueFen")).toBe(f.money.revenueFen);
      // a round's results were obtained in it: no more yes than cards answering yes in that round
      const rounds = await db.selectFrom("invitation_rounds").select(["id", "number"]).where("campaign_id", "=", campaignId).execute();
      for (const r of f.byRound) {
        expect(r.yes + r.maybe + r.no).toBeLessThanOrEqual(r.reached);
        if (r.key === "none") continue;
        const round = rounds.find((x) => String(x.number) === r.key)!;
        const yesHere = await db.selectFrom("invitation_attempts").select((eb) => eb.fn.count("invitation_id").distinct().as("n"))
          .where("round_id", "=", round.id).where("outcome", "=", "yes").executeTakeFirstOrThrow();
        expect(r.yes).toBeLessThanOrEqual(toInt(yesHere.n));
      }
      // the invitations page's round summary uses the same definition of reached
      const summary = await getRoundSummary(db, { storeId, campaignId });
      expect(summary.progress.reached).toBe(total.reached);
    }), { numRuns: TEST_ENGINE === "pg" ? 6 : 15 });
  });
});
