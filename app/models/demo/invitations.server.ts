/**
 * The demo's campaign in the inviting stage (ZZ01): a thank-you event for high-loyalty
 * customers, made through the model functions — plan, approval, audience snapshot with a
 * 10 % hold-out, round 1 dealt over the three staff, a week of calls (callbacks, deposits,
 * loss reasons, some cards short of three follow-ups), then round 2 for the undecided.
 */
import { addDays } from "~/utils/format";
import { fixedT } from "~/utils/i18n-resources.server";
import { planDefaults } from "~/models/campaign-templates";
import { PlanSchema } from "~/models/campaign.schema";
import { createCampaign, type Actor } from "~/models/campaign.server";
import { demoAt, startDemoInvitations, uniqueReceipts, type DemoContext } from "./context";
import { LOSS_REASONS, MoveSchema, type MoveInput } from "~/models/invitation.schema";
import { openRound, recordAttempt, verifyLoss } from "~/models/invitation.server";
import { createRng } from "~/models/random";
import type { SegmentDefinition } from "~/models/segment.schema";
import { createSegment, summariseDefinition } from "~/models/segment.server";

const SEED = 20261124;

const at = demoAt;

export async function seedInvitationsDemo(ctx: DemoContext): Promise<void> {
  const { db, today } = ctx;
  const storeId = ctx.stores.ZZ01;
  const authorId = ctx.users["manager@demo.test"];
  const approverId = ctx.users["manager2@demo.test"];
  const staffIds = ["staff1@demo.test", "staff2@demo.test", "staff3@demo.test"].map((e) => ctx.users[e]).filter((x): x is number => !!x);
  if (!storeId || !authorId || !approverId || staffIds.length < 3) return;
  const author: Actor = { id: authorId, role: "manager" };
  const approver: Actor = { id: approverId, role: "manager" };
  const rng = createRng(SEED);

  // a segment of about 330 customers (300 to invite + the hold-out)
  const groups = [[8], [6, 8], [7, 8], [4, 8], [4, 6, 8]] as (1 | 2 | 3 | 4 | 5 | 6 | 7 | 8)[][];
  const candidates: SegmentDefinition[] = groups.flatMap((g) => [
    { match: "all" as const, conditions: [{ kind: "group" as const, values: g }] },
    { match: "all" as const, conditions: [{ kind: "group" as const, values: g }, { kind: "tier" as const, values: ["A" as const, "B" as const, "C" as const] }] },
  ]);
  let best = candidates[0]!;
  let bestGap = Infinity;
  for (const definition of candidates) {
    const { count } = await summariseDefinition(db, { storeId, definition, asOf: today });
    if (Math.abs(count - 330) < bestGap) { best = definition; bestGap = Math.abs(count - 330); }
  }
  const segment = await createSegment(db, { storeId, userId: authorId, name: "高价值客户答谢（邀约演示）", definition: best });

  const t = fixedT("zh-CN");
  const values = planDefaults(t, { templateKey: "thank_you_event", today, ownerId: authorId });
  const input = PlanSchema.parse({
    ...values,
    name: `${values.name || "老客户答谢会"}（邀约中）`,
    segmentId: String(segment.id), holdoutPercent: "10",
    kpiReachRatePercent: "100", kpiYesCount: "120", kpiArrivals: "100", kpiDeposits: "30000",
    invitationStart: addDays(today, -7), invitationEnd: addDays(today, 3),
    eventStart: `${addDays(today, 6)}T09:00`, eventEnd: `${addDays(today, 6)}T17:00`, reviewDate: addDays(today, 13),
  });
  const campaign = await createCampaign(db, { storeId, actor: author, input });
  const staff: Actor[] = staffIds.map((id) => ({ id, role: "staff" }));
  await startDemoInvitations(db, { storeId, campaignId: campaign.id, author, approver, staff, asOf: today, snapshotSeed: SEED, dealSeed: SEED });

  const attempt = async (inv: { id: number; version: number; assignee_id: number | null }, raw: Record<string, unknown>, when: Date) => {
    const parsed = MoveSchema.safeParse({ invitationId: inv.id, version: inv.version, ...raw });
    if (!parsed.success) throw new Error(`demo move invalid: ${JSON.stringify(parsed.error.issues)}`);
    const res = await recordAttempt(db, { storeId, campaignId: campaign.id, actor: { id: inv.assignee_id!, role: "staff" }, input: parsed.data as MoveInput, now: when });
    return res.invitation;
  };
  const uniqueReceipt = uniqueReceipts();
  const decide = (day: number): Record<string, unknown> => {
    const r = rng.next();
    if (r < 0.38) {
      const deposit = rng.chance(0.3);
      return { to: "yes", intentVerified: rng.chance(0.8) ? "on" : "", deposit: deposit ? String(rng.int(2, 10) * 100) : "", depositReceipt: deposit ? uniqueReceipt(`SJ${today.replace(/-/g, "").slice(2)}${rng.int(100, 999)}`) : "" };
    }
    if (r < 0.66) return { to: "maybe", nextFollowUp: addDays(today, rng.int(0, 4)), managerJoins: rng.chance(0.2) ? "on" : "" };
    if (r < 0.86) {
      const reason = rng.pick(LOSS_REASONS);
      return { to: "no", lossReason: reason, lossNote: reason === "other" ? "近期出差" : "" };
    }
    return day < -1 ? { to: "pending", outcome: "callback", callbackAt: `${addDays(today, rng.int(0, 1))}T${String(rng.int(9, 17)).padStart(2, "0")}:30` } : { to: "pending", outcome: "no_answer" };
  };

  // round 1: the last seven days
  let invs = await db.selectFrom("invitations").select(["id", "version", "assignee_id"]).where("campaign_id", "=", campaign.id).where("holdout", "=", 0).orderBy("id").execute();
  for (const inv0 of invs) {
    if (rng.chance(0.14)) continue; // not reached yet
    let inv: { id: number; version: number; assignee_id: number | null; result?: string } = { ...inv0 };
    let day = -7 + rng.int(0, 3);
    const misses = rng.chance(0.5) ? rng.int(1, 2) : 0;
    for (let k = 0; k < misses; k++) {
      inv = await attempt(inv, { to: "pending", outcome: rng.chance(0.85) ? "no_answer" : "wrong_number" }, at(today, day, rng.int(9, 17), rng.int(0, 59)));
      day += 1;
    }
    inv = await attempt(inv, decide(day), at(today, day, rng.int(9, 17), rng.int(0, 59)));
    if (inv.result === "no" && rng.chance(0.5)) await verifyLoss(db, { storeId, campaignId: campaign.id, actor: author, invitationId: inv.id, version: inv.version });
  }

  // round 2 for the undecided, the last two days
  await openRound(db, { storeId, campaignId: campaign.id, actor: author, channels: ["phone", "sms"], startDate: addDays(today, -2), endDate: addDays(today, 3) });
  invs = await db.selectFrom("invitations").select(["id", "version", "assignee_id"]).where("campaign_id", "=", campaign.id).where("holdout", "=", 0)
    .where("result", "in", ["pending", "maybe"]).orderBy("id").execute();
  for (const inv of invs) {
    if (!rng.chance(0.55)) continue;
    await attempt(inv, decide(-2), at(today, rng.int(-2, 0), rng.int(9, 11), rng.int(0, 59)));
  }
}
