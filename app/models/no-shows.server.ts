/**
 * No-shows (爽约, issue 15): once the event is over, every yes of the audience (not held out)
 * with no arrival is a no-show. The day after the event staff work the list like the board's
 * follow-ups: each step (no answer, reached with a reason, rebooked to a later campaign,
 * declined) is appended to no_show_follow_ups and to the card's history, never changed; the
 * latest step is where the no-show stands. A rebooking into a campaign being invited adds the
 * customer to it as an associated invitee.
 */
import { id, optional } from "./fields";
import { isStaff } from "./permissions";
import { z } from "zod";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import type { Campaign } from "#db/schema";
import { addDays, localNow } from "~/utils/format";
import { getCampaignRow, type Actor } from "./campaign.server";
import { appendEvents, insertAssociatedIn, InvitationRefused } from "./invitation.server";
import { eventLastDay } from "./review-math";


import { NO_SHOW_OUTCOMES, NO_SHOW_REASONS } from "./no-shows.constants";
import { storeTimeZone } from "./store.server";
export { NO_SHOW_OUTCOMES, NO_SHOW_REASONS };

export const NoShowStep = z.object({
  invitationId: id(),
  outcome: z.enum(NO_SHOW_OUTCOMES, { message: "noShows:errors.outcome" }),
  reason: z.enum(NO_SHOW_REASONS).nullable().catch(null),
  rebookCampaignId: id(optional).catch(null),
  note: z.string().trim().max(500, "noShows:errors.note").transform((v) => v || null).nullable().default(null),
}).superRefine((v, ctx) => {
  if (v.outcome === "rebooked" && !v.rebookCampaignId) ctx.addIssue({ code: "custom", path: ["rebookCampaignId"], message: "noShows:errors.rebookCampaign" });
  if ((v.outcome === "reached" || v.outcome === "declined") && !v.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "noShows:errors.reason" });
});
export type NoShowStepInput = z.infer<typeof NoShowStep>;

/** The event is over: its end (or, without one, its start day) has passed in the store's time, or the campaign is in review. */
export function eventOver(campaign: Pick<Campaign, "status" | "event_start" | "event_end">, timeZone: string, now: Date): boolean {
  if (campaign.status === "reviewing" || campaign.status === "closed") return true;
  if (campaign.status !== "executing") return false;
  const local = localNow(timeZone, now);
  if (campaign.event_end) return local >= campaign.event_end;
  const last = eventLastDay(campaign.event_start, null);
  return last !== null && local.slice(0, 10) > last;
}


function noShowQuery(db: DB, campaignId: number) {
  return db.selectFrom("invitations")
    .where("invitations.campaign_id", "=", campaignId).where("invitations.holdout", "=", 0).where("invitations.result", "=", "yes")
    .where((eb) => eb.not(eb.exists(eb.selectFrom("arrivals").select("arrivals.id").whereRef("arrivals.invitation_id", "=", "invitations.id"))));
}

/** The review's count: no-shows, how many were contacted (any step but no answer) and rebooked; null before the event is over. */
export async function noShowCounts(db: DB, { campaign, timeZone, now }: { campaign: Campaign; timeZone: string; now: Date }) {
  if (!eventOver(campaign, timeZone, now)) return null;
  const ids = (await noShowQuery(db, campaign.id).select("invitations.id").execute()).map((r) => r.id);
  const steps = await db.selectFrom("no_show_follow_ups").select(["invitation_id", "outcome"]).where("campaign_id", "=", campaign.id).execute();
  const mine = new Set(ids);
  const contacted = new Set(steps.filter((s) => mine.has(s.invitation_id) && s.outcome !== "no_answer").map((s) => s.invitation_id));
  const rebooked = new Set(steps.filter((s) => mine.has(s.invitation_id) && s.outcome === "rebooked").map((s) => s.invitation_id));
  return { count: ids.length, contacted: contacted.size, rebooked: rebooked.size };
}

/** The follow-up list: staff see the no-shows assigned to them, managers all; each with its steps, newest last. */
export async function listNoShows(db: DB, { storeId, campaignId, actor, now = new Date() }: { storeId: number; campaignId: number; actor: Actor; now?: Date }) {
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  const timeZone = await storeTimeZone(db, storeId);
  const over = eventOver(campaign, timeZone, now);
  const last = eventLastDay(campaign.event_start, campaign.event_end);
  let q = noShowQuery(db, campaignId)
    .innerJoin("customers", "customers.id", "invitations.customer_id")
    .leftJoin("users", "users.id", "invitations.assignee_id")
    .select(["invitations.id", "invitations.version", "invitations.assignee_id", "customers.name", "customers.phone", "users.display_name as assignee"])
    .orderBy("customers.name").orderBy("invitations.id");
  if (isStaff(actor)) q = q.where("invitations.assignee_id", "=", actor.id);
  const rows = over ? await q.execute() : [];
  const steps = rows.length
    ? await db.selectFrom("no_show_follow_ups").leftJoin("users", "users.id", "no_show_follow_ups.user_id")
      .leftJoin("campaigns", "campaigns.id", "no_show_follow_ups.rebook_campaign_id")
      .select(["no_show_follow_ups.invitation_id", "no_show_follow_ups.at", "no_show_follow_ups.outcome", "no_show_follow_ups.reason", "no_show_follow_ups.note",
        "users.display_name as by", "campaigns.name as rebookName"])
      .where("no_show_follow_ups.campaign_id", "=", campaignId).orderBy("no_show_follow_ups.id").execute()
    : [];
  const later = await laterCampaigns(db, storeId, campaign);
  return {
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status },
    over,
    dueOn: last ? addDays(last, 1) : null,
    rows: rows.map((r) => ({ ...r, steps: steps.filter((s) => s.invitation_id === r.id) })),
    later,
  };
}

/** Campaigns of the store a no-show may be rebooked into: not this one, not over, their event later than this one's. */
async function laterCampaigns(db: DB, storeId: number, campaign: Campaign) {
  let q = db.selectFrom("campaigns").select(["id", "name", "status", "event_start"])
    .where("store_id", "=", storeId).where("id", "!=", campaign.id)
    .where("status", "in", ["draft", "pending_approval", "approved", "inviting"] as never[]);
  if (campaign.event_start) q = q.where((eb) => eb.or([eb("event_start", "is", null), eb("event_start", ">", campaign.event_start!)]));
  return q.orderBy("event_start").orderBy("id").limit(50).execute();
}

/** Appends one follow-up step to a no-show (and to its card's history); rebooking into a campaign being invited adds the customer there. */
export async function recordNoShowStep(db: DB, { storeId, campaignId, actor, input, now = new Date() }: { storeId: number; campaignId: number; actor: Actor; input: NoShowStepInput; now?: Date }) {
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    if (!eventOver(campaign, await storeTimeZone(trx, storeId), now)) throw new InvitationRefused("noShows:errors.notOver", 409);
    const inv = await noShowQuery(trx, campaignId).select(["invitations.id", "invitations.assignee_id", "invitations.customer_id"])
      .where("invitations.id", "=", input.invitationId).executeTakeFirst();
    if (!inv) throw new InvitationRefused("noShows:errors.notNoShow", 409);
    if (isStaff(actor) && inv.assignee_id !== actor.id) throw new InvitationRefused("invitations:errors.notYourCard", 403);
    let rebookId: number | null = null;
    if (input.outcome === "rebooked") {
      const later = await laterCampaigns(trx, storeId, campaign);
      const target = later.find((c) => c.id === input.rebookCampaignId);
      if (!target) throw new InvitationRefused("noShows:errors.rebookCampaign", 400, "rebookCampaignId");
      rebookId = target.id;
      if (target.status === "inviting") {
        const already = await trx.selectFrom("invitations").select("id").where("campaign_id", "=", target.id).where("customer_id", "=", inv.customer_id).executeTakeFirst();
        if (!already) await insertAssociatedIn(trx, { storeId, campaignId: target.id, userId: actor.id, customerId: inv.customer_id });
      }
    }
    const at = now.toISOString();
    const row = await trx.insertInto("no_show_follow_ups").values({
      campaign_id: campaignId, invitation_id: inv.id, user_id: actor.id, at, outcome: input.outcome,
      reason: input.outcome === "no_answer" || input.outcome === "rebooked" ? input.reason ?? null : input.reason, rebook_campaign_id: rebookId, note: input.note,
    }).returning("id").executeTakeFirstOrThrow();
    await appendEvents(trx, [{ invitationId: inv.id, campaignId, userId: actor.id, kind: "no_show", field: "no_show", oldValue: null, newValue: input.outcome }], at);
    return { id: toInt(row.id) };
  });
}
