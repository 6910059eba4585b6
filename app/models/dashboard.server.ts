/**
 * The dashboard (/): for managers, campaigns by status with the next step, this year's
 * totals, ROI and cost per arrival by campaign and by business chain over time, invitations
 * short of three follow-ups and callbacks due today; for staff, their cards due today and
 * their results; for a group admin, the stores side by side. Campaign money comes from the
 * review: frozen figures of closed campaigns, live figures of those running or in review.
 */
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import type { Campaign } from "#db/schema";
import { addDays, todayIn } from "~/utils/format";
import type { Actor } from "./campaign.server";
import { REACHED_OUTCOMES } from "./invitation.constants";
import { MIN_ATTEMPTS } from "./invitation.schema";
import { costPer, roi, type ReviewFigures } from "./review-math";
import { computeReviewFigures, REVIEW_STATUSES } from "./review.server";

const OPEN = ["draft", "submitted", "approved", "inviting", "executing", "reviewing"] as const;
const WORKING = ["inviting", "executing"] as const;

export interface CampaignResult {
  id: number;
  name: string;
  status: string;
  chain: string | null;
  month: string | null;
  arrivals: number;
  conversions: number;
  revenueFen: number;
  costFen: number;
  roi: number | null;
  costPerArrivalFen: number | null;
}

async function figuresOf(db: DB, storeId: number, c: Campaign): Promise<ReviewFigures | null> {
  if (!REVIEW_STATUSES.includes(c.status)) return null;
  if (c.status === "closed") {
    const row = await db.selectFrom("campaign_reviews").select("frozen_figures").where("campaign_id", "=", c.id).executeTakeFirst();
    if (row?.frozen_figures) return JSON.parse(row.frozen_figures) as ReviewFigures;
  }
  return computeReviewFigures(db, { storeId, campaign: c });
}

function resultOf(c: Campaign, f: ReviewFigures): CampaignResult {
  const arrivals = f.funnel.find((s) => s.key === "arrived")?.count ?? 0;
  const conversions = f.funnel.find((s) => s.key === "converted")?.count ?? 0;
  return {
    id: c.id, name: c.name, status: c.status, chain: c.business_chain, month: c.event_start?.slice(0, 7) ?? null,
    arrivals, conversions, revenueFen: f.money.revenueFen, costFen: f.money.actualCostFen,
    roi: f.money.roi, costPerArrivalFen: f.money.costPerArrivalFen,
  };
}

/** Results of the store's campaigns whose event falls in a year (cancelled ones left out). */
async function yearResults(db: DB, storeId: number, year: string) {
  const campaigns = await db.selectFrom("campaigns").selectAll().where("store_id", "=", storeId).where("status", "!=", "cancelled")
    .where("event_start", ">=", `${year}-01-01`).where("event_start", "<", `${Number(year) + 1}-01-01`)
    .orderBy("event_start").orderBy("id").execute();
  const results: CampaignResult[] = [];
  for (const c of campaigns) {
    const f = await figuresOf(db, storeId, c);
    if (f) results.push(resultOf(c, f));
  }
  const sum = (k: "arrivals" | "revenueFen" | "costFen") => results.reduce((s, r) => s + r[k], 0);
  const totals = {
    campaigns: campaigns.length,
    arrivals: sum("arrivals"),
    revenueFen: sum("revenueFen"),
    costFen: sum("costFen"),
    roi: roi(sum("revenueFen"), sum("costFen")),
    costPerArrivalFen: costPer(sum("costFen"), sum("arrivals")),
  };
  return { results, totals };
}

/** ROI and cost per arrival by business chain and event month. */
export function byChainOverTime(results: CampaignResult[]) {
  const key = (r: CampaignResult) => `${r.chain ?? "none"}|${r.month ?? "—"}`;
  const groups = new Map<string, CampaignResult[]>();
  for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  const rows = [...groups].map(([k, rs]) => {
    const [chain, month] = k.split("|") as [string, string];
    const revenue = rs.reduce((s, r) => s + r.revenueFen, 0);
    const cost = rs.reduce((s, r) => s + r.costFen, 0);
    const arrivals = rs.reduce((s, r) => s + r.arrivals, 0);
    return { chain, month, campaigns: rs.length, revenueFen: revenue, costFen: cost, arrivals, roi: roi(revenue, cost), costPerArrivalFen: costPer(cost, arrivals) };
  });
  return rows.sort((a, b) => a.month.localeCompare(b.month) || a.chain.localeCompare(b.chain));
}

export async function getManagerDashboard(db: DB, { storeId, timeZone, now = new Date() }: { storeId: number; timeZone: string; now?: Date }) {
  const today = todayIn(timeZone, now);
  const year = today.slice(0, 4);
  const tomorrow = addDays(today, 1);
  const [open, statusCounts, { results, totals }, short, callbacks] = await Promise.all([
    db.selectFrom("campaigns").select(["id", "name", "status", "event_start", "invitation_start"]).where("store_id", "=", storeId).where("status", "in", [...OPEN])
      .orderBy("event_start").orderBy("id").limit(50).execute(),
    db.selectFrom("campaigns").select((eb) => ["status", eb.fn.countAll().as("n")]).where("store_id", "=", storeId).groupBy("status").execute(),
    yearResults(db, storeId, year),
    db.selectFrom("invitations").innerJoin("campaigns", "campaigns.id", "invitations.campaign_id")
      .select((eb) => ["campaigns.id", "campaigns.name", eb.fn.countAll().as("n")])
      .where("invitations.store_id", "=", storeId).where("campaigns.status", "in", [...WORKING]).where("invitations.holdout", "=", 0)
      .where("invitations.result", "in", ["pending", "maybe"]).where("invitations.attempts_count", "<", MIN_ATTEMPTS)
      .groupBy(["campaigns.id", "campaigns.name"]).orderBy("campaigns.id").execute(),
    db.selectFrom("invitations").innerJoin("campaigns", "campaigns.id", "invitations.campaign_id")
      .innerJoin("customers", "customers.id", "invitations.customer_id")
      .leftJoin("users", "users.id", "invitations.assignee_id")
      .select(["invitations.id", "invitations.callback_at", "campaigns.id as campaign_id", "campaigns.name as campaign_name", "customers.name", "users.display_name as assignee"])
      .where("invitations.store_id", "=", storeId).where("campaigns.status", "in", [...WORKING])
      .where("invitations.callback_at", "is not", null).where("invitations.callback_at", "<", `${tomorrow}T00:00`)
      .orderBy("invitations.callback_at").orderBy("invitations.id").limit(30).execute(),
  ]);
  return {
    today,
    year,
    byStatus: statusCounts.map((s) => ({ status: s.status, count: toInt(s.n) })),
    open: open.map((c) => ({ id: c.id, name: c.name, status: c.status, eventStart: c.event_start })),
    totals,
    byCampaign: results,
    byChain: byChainOverTime(results),
    shortOfThree: short.map((s) => ({ campaignId: s.id, name: s.name, count: toInt(s.n) })),
    callbacks: callbacks.map((c) => ({ id: c.id, at: c.callback_at!, campaignId: c.campaign_id, campaignName: c.campaign_name, name: c.name, assignee: c.assignee ?? null, overdue: c.callback_at! < `${today}T00:00` })),
  };
}

export async function getStaffDashboard(db: DB, { storeId, actor, timeZone, now = new Date() }: { storeId: number; actor: Actor; timeZone: string; now?: Date }) {
  const today = todayIn(timeZone, now);
  const tomorrow = addDays(today, 1);
  const [due, results] = await Promise.all([
    db.selectFrom("invitations").innerJoin("campaigns", "campaigns.id", "invitations.campaign_id")
      .innerJoin("customers", "customers.id", "invitations.customer_id")
      .select(["invitations.id", "invitations.result", "invitations.callback_at", "invitations.next_follow_up", "invitations.attempts_count", "campaigns.id as campaign_id", "campaigns.name as campaign_name", "customers.name"])
      .where("invitations.store_id", "=", storeId).where("invitations.assignee_id", "=", actor.id).where("campaigns.status", "in", [...WORKING])
      .where((eb) => eb.or([
        eb.and([eb("invitations.callback_at", "is not", null), eb("invitations.callback_at", "<", `${tomorrow}T00:00`)]),
        eb.and([eb("invitations.result", "=", "maybe"), eb("invitations.next_follow_up", "<=", today)]),
      ]))
      .orderBy("invitations.callback_at").orderBy("invitations.next_follow_up").orderBy("invitations.id").limit(50).execute(),
    db.selectFrom("invitations").innerJoin("campaigns", "campaigns.id", "invitations.campaign_id")
      .leftJoin("arrivals", (j) => j.onRef("arrivals.invitation_id", "=", "invitations.id"))
      .select((eb) => [
        "campaigns.id", "campaigns.name", "campaigns.status",
        eb.fn.countAll().as("assigned"),
        // reached: spoken to or answered in writing (not a no-answer or a wrong number)
        eb.fn.sum<number>(eb.case().when(eb.exists(eb.selectFrom("invitation_attempts").select("invitation_attempts.id")
          .whereRef("invitation_attempts.invitation_id", "=", "invitations.id").where("invitation_attempts.outcome", "in", [...REACHED_OUTCOMES]))).then(1).else(0).end()).as("reached"),
        eb.fn.sum<number>(eb.case().when("invitations.result", "=", "yes").then(1).else(0).end()).as("yes"),
        eb.fn.sum<number>(eb.case().when("invitations.result", "=", "maybe").then(1).else(0).end()).as("maybe"),
        eb.fn.sum<number>(eb.case().when("invitations.result", "=", "no").then(1).else(0).end()).as("no"),
        eb.fn.count("arrivals.id").as("arrived"),
        eb.fn.sum<number>(eb.case().when(eb.and([eb("invitations.result", "in", ["pending", "maybe"]), eb("invitations.attempts_count", "<", MIN_ATTEMPTS)])).then(1).else(0).end()).as("short"),
      ])
      .where("invitations.store_id", "=", storeId).where("invitations.assignee_id", "=", actor.id).where("campaigns.status", "!=", "cancelled")
      .groupBy(["campaigns.id", "campaigns.name", "campaigns.status"]).orderBy("campaigns.id", "desc").limit(12).execute(),
  ]);
  return {
    today,
    due: due.map((d) => ({
      id: d.id, campaignId: d.campaign_id, campaignName: d.campaign_name, name: d.name, result: d.result, attempts: d.attempts_count,
      callbackAt: d.callback_at, nextFollowUp: d.next_follow_up,
    })),
    results: results.map((r) => ({
      campaignId: r.id, name: r.name, status: r.status, assigned: toInt(r.assigned), reached: toInt(r.reached), yes: toInt(r.yes),
      maybe: toInt(r.maybe), no: toInt(r.no), arrived: toInt(r.arrived), shortOfThree: toInt(r.short),
    })),
  };
}

/** A group admin's stores side by side: this year's totals and open campaigns per store. */
export async function getStoresSideBySide(db: DB, { stores, timeZone, now = new Date() }: { stores: { id: number; name: string }[]; timeZone: string; now?: Date }) {
  const year = todayIn(timeZone, now).slice(0, 4);
  const out = [];
  for (const s of stores) {
    const [{ totals }, open] = await Promise.all([
      yearResults(db, s.id, year),
      db.selectFrom("campaigns").select((eb) => eb.fn.countAll().as("n")).where("store_id", "=", s.id).where("status", "in", [...OPEN]).executeTakeFirst(),
    ]);
    out.push({ storeId: s.id, name: s.name, open: toInt(open?.n), ...totals });
  }
  return { year, stores: out };
}
