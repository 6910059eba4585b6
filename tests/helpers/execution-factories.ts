import type { DB } from "#db/client";
import { transition, type Actor } from "~/models/campaign.server";
import type { AttemptInput } from "~/models/invitation.schema";
import { assignRound, recordAttempt } from "~/models/invitation.server";
import { makeApprovedCampaign } from "./invitation-factories";

/** The factories' plan has its event on 2026-12-12 09:00 – 2026-12-13 17:00 (Asia/Shanghai). */
export const EVENT_DAY = new Date("2026-12-12T03:00:00Z");
export const EVENT_LAST_DAY = "2026-12-13";
export const TZ = "Asia/Shanghai";

/**
 * A campaign on its event day, built through the campaign and invitation models: approved,
 * invitations started (seeded hold-out), round 1 assigned to the three staff, then moved to
 * executing. `customers` includes the hold-out.
 */
export async function makeEventCampaign(db: DB, opts: { customers?: number; holdoutPercent?: number; seed?: number; execute?: boolean } = {}) {
  const ctx = await makeApprovedCampaign(db, { customers: opts.customers ?? 40, holdoutPercent: opts.holdoutPercent ?? 25, start: true, seed: opts.seed ?? 7 });
  const storeId = ctx.store.id;
  const campaignId = ctx.campaign.id;
  const round = await db.selectFrom("invitation_rounds").select("id").where("campaign_id", "=", campaignId).where("number", "=", 1).executeTakeFirstOrThrow();
  await assignRound(db, { storeId, campaignId, actor: ctx.actor, roundId: round.id, staffIds: ctx.staff.map((s) => s.id), seed: 1 });
  if (opts.execute !== false) await transition(db, { storeId, id: campaignId, actor: ctx.actor, action: "start_execution" });
  const invitations = await db.selectFrom("invitations").selectAll().where("campaign_id", "=", campaignId).orderBy("id").execute();
  return {
    ...ctx,
    storeId,
    campaignId,
    invited: invitations.filter((i) => !i.holdout),
    held: invitations.filter((i) => i.holdout),
  };
}

type AttemptExtra =
  | { outcome: "yes"; deposit?: number | null }
  | { outcome: "maybe" }
  | { outcome: "no"; lossReason?: "no_time" | "price" | "distance" | "serviced_elsewhere" | "not_interested" | "unreachable" | "other" }
  | { outcome: "no_answer" };

/** One contact attempt by `actor` (a manager may work any card), reading the current version. */
export async function attempt(db: DB, ctx: { storeId: number; campaignId: number }, actor: Actor, invitationId: number, extra: AttemptExtra, channel: "phone" | "sms" = "phone") {
  const inv = await db.selectFrom("invitations").select("version").where("id", "=", invitationId).executeTakeFirstOrThrow();
  const base = { invitationId, version: inv.version, channel, note: null };
  let input: AttemptInput;
  if (extra.outcome === "yes") input = { ...base, outcome: "yes", intentVerified: true, deposit: extra.deposit ?? null, depositReceipt: extra.deposit ? `R-${invitationId}` : null }; // a receipt is unique within a campaign
  else if (extra.outcome === "maybe") input = { ...base, outcome: "maybe", nextFollowUp: "2026-12-11", managerJoins: false };
  else if (extra.outcome === "no") input = { ...base, outcome: "no", lossReason: extra.lossReason ?? "no_time", lossNote: null };
  else input = { ...base, outcome: "no_answer" };
  return recordAttempt(db, { storeId: ctx.storeId, campaignId: ctx.campaignId, actor, input, now: new Date("2026-12-05T02:00:00Z") });
}

/** Budget line ids of a campaign in their order. */
export async function budgetLineIds(db: DB, campaignId: number) {
  return (await db.selectFrom("campaign_budget_lines").select("id").where("campaign_id", "=", campaignId).orderBy("position").execute()).map((l) => l.id);
}
