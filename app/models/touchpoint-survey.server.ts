/**
 * Customers rate the touchpoints (issue 15). Once the guest has been checked in at the event, the
 * invitation page (no sign-in) asks for one score 1–5 per touchpoint — reception, the venue and
 * its facilities, the explanation (transaction), the follow-up call — the same touchpoints whose
 * control indicators the manager scores on the event page. Every answer is appended; the latest
 * per invitation and touchpoint counts. The touchpoint scorecard sets the customers' average
 * beside the manager's score, by touchpoint, for each campaign and across them.
 */
import { sql } from "kysely";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import { TOUCHPOINT_KEYS, type Touchpoint } from "./execution.schema";
import { InviteRefused, loadLink } from "./invitation-link.server";
import { SURVEY_TOUCHPOINTS, type SurveyTouchpoint } from "./touchpoint-survey.constants";

export type SurveyScores = Record<SurveyTouchpoint, number | null>;

/** Whether the survey is open for the link (the guest arrived), and the latest scores given. */
export async function getSurvey(db: DB, { token }: { token: string }): Promise<{ open: boolean; latest: SurveyScores; ratedAt: string | null }> {
  const row = await loadLink(db, token);
  const arrival = await db.selectFrom("arrivals").select("id").where("invitation_id", "=", row.invitation_id).executeTakeFirst();
  const latest = Object.fromEntries(SURVEY_TOUCHPOINTS.map((tp) => [tp, null])) as SurveyScores;
  if (!arrival) return { open: false, latest, ratedAt: null };
  const rows = await latestRatings(db).where("r.invitation_id", "=", row.invitation_id).select(["r.touchpoint", "r.score", "r.rated_at"]).execute();
  let ratedAt: string | null = null;
  for (const r of rows) {
    latest[r.touchpoint] = toInt(r.score);
    if (!ratedAt || r.rated_at > ratedAt) ratedAt = r.rated_at;
  }
  return { open: !row.opted_out_at, latest, ratedAt };
}

/** Rows of touchpoint_ratings that are the latest of their invitation and touchpoint. */
function latestRatings(db: DB) {
  return db.selectFrom("touchpoint_ratings as r")
    .where("r.id", "=", (eb) => eb.selectFrom("touchpoint_ratings as r2").select((e) => e.fn.max("r2.id").as("m"))
      .whereRef("r2.invitation_id", "=", "r.invitation_id").whereRef("r2.touchpoint", "=", "r.touchpoint"));
}

/**
 * The guest's scores (at least one), appended with the time. Refused when the guest has not been
 * checked in (nothing to rate yet), after opting out, or when no score was given.
 */
export async function rateTouchpoints(db: DB, { token, scores, now = new Date() }: { token: string; scores: Partial<SurveyScores>; now?: Date }) {
  const given = SURVEY_TOUCHPOINTS.flatMap((tp) => {
    const s = scores[tp];
    return s === null || s === undefined ? [] : [[tp, s] as const];
  });
  if (!given.length) throw new InviteRefused("desk:survey.errors.empty", 400);
  if (given.some(([, s]) => !Number.isInteger(s) || s < 1 || s > 5)) throw new InviteRefused("desk:survey.errors.score", 400);
  return db.transaction().execute(async (trx) => {
    const row = await loadLink(trx, token);
    if (row.opted_out_at) throw new InviteRefused("invite:errors.optedOut", 409);
    const arrival = await trx.selectFrom("arrivals").select("id").where("invitation_id", "=", row.invitation_id).executeTakeFirst();
    if (!arrival) throw new InviteRefused("desk:survey.errors.notYet", 409);
    const at = now.toISOString();
    await trx.insertInto("touchpoint_ratings").values(given.map(([touchpoint, score]) => ({
      invitation_id: row.invitation_id, campaign_id: row.campaign_id, store_id: row.store_id, touchpoint, score, rated_at: at,
    }))).execute();
    return { count: given.length };
  });
}

export interface CustomerScore {
  average: number | null;
  /** customers whose latest answer scored this touchpoint */
  count: number;
}

/** The customers' average per touchpoint of one campaign (latest answer per customer). */
export async function customerScores(db: DB, { campaignId }: { campaignId: number }): Promise<Record<Touchpoint, CustomerScore>> {
  const rows = await latestRatings(db).where("r.campaign_id", "=", campaignId)
    .select((eb) => ["r.touchpoint", eb.fn.avg<number>("r.score").as("avg"), eb.fn.countAll().as("n")]).groupBy("r.touchpoint").execute();
  const out = Object.fromEntries(TOUCHPOINT_KEYS.map((tp) => [tp, { average: null, count: 0 }])) as Record<Touchpoint, CustomerScore>;
  for (const r of rows) out[r.touchpoint] = { average: r.avg === null ? null : Number(r.avg), count: toInt(r.n) };
  return out;
}

export interface ScorecardRow {
  campaignId: number;
  name: string;
  eventStart: string | null;
  touchpoints: Record<Touchpoint, { manager: number | null; customers: CustomerScore }>;
}

/**
 * The touchpoint scorecard across the store's campaigns (newest event first, at most `limit`):
 * for each campaign with a manager's score or a customer's rating, the manager's score and the
 * customers' average per touchpoint; and the same across all of them (the manager's scores
 * averaged over campaigns, the customers' over every latest answer).
 */
export async function touchpointScorecard(db: DB, { storeId, limit = 50 }: { storeId: number; limit?: number }) {
  const [manager, customers] = await Promise.all([
    db.selectFrom("touchpoint_scores").innerJoin("campaigns", "campaigns.id", "touchpoint_scores.campaign_id")
      .select(["touchpoint_scores.campaign_id", "touchpoint_scores.touchpoint", "touchpoint_scores.score"])
      .where("campaigns.store_id", "=", storeId).execute(),
    latestRatings(db).where("r.store_id", "=", storeId)
      .select((eb) => ["r.campaign_id", "r.touchpoint", eb.fn.sum<number>("r.score").as("sum"), eb.fn.countAll().as("n")])
      .groupBy(["r.campaign_id", "r.touchpoint"]).execute(),
  ]);
  const ids = [...new Set([...manager.map((m) => m.campaign_id), ...customers.map((c) => c.campaign_id)])];
  const campaigns = ids.length
    ? await db.selectFrom("campaigns").select(["id", "name", "event_start"]).where("store_id", "=", storeId).where("id", "in", ids)
      .orderBy(sql`event_start is null`).orderBy("event_start", "desc").orderBy("id", "desc").limit(limit).execute()
    : [];
  const empty = () => Object.fromEntries(TOUCHPOINT_KEYS.map((tp) => [tp, { manager: null, customers: { average: null, count: 0 } }])) as ScorecardRow["touchpoints"];
  const byId = new Map<number, ScorecardRow>(campaigns.map((c) => [c.id, { campaignId: c.id, name: c.name, eventStart: c.event_start, touchpoints: empty() }]));
  const overall = Object.fromEntries(TOUCHPOINT_KEYS.map((tp) => [tp, { managerSum: 0, managerN: 0, sum: 0, n: 0 }])) as Record<Touchpoint, { managerSum: number; managerN: number; sum: number; n: number }>;
  for (const m of manager) {
    const row = byId.get(m.campaign_id);
    if (!row) continue;
    row.touchpoints[m.touchpoint as Touchpoint].manager = toInt(m.score);
    overall[m.touchpoint as Touchpoint].managerSum += toInt(m.score);
    overall[m.touchpoint as Touchpoint].managerN += 1;
  }
  for (const c of customers) {
    const row = byId.get(c.campaign_id);
    if (!row) continue;
    const n = toInt(c.n);
    const sum = Number(c.sum);
    row.touchpoints[c.touchpoint].customers = { average: n ? sum / n : null, count: n };
    overall[c.touchpoint].sum += sum;
    overall[c.touchpoint].n += n;
  }
  return {
    rows: [...byId.values()],
    overall: Object.fromEntries(TOUCHPOINT_KEYS.map((tp) => {
      const o = overall[tp];
      return [tp, { manager: o.managerN ? o.managerSum / o.managerN : null, customers: { average: o.n ? o.sum / o.n : null, count: o.n } }];
    })) as Record<Touchpoint, { manager: number | null; customers: CustomerScore }>,
  };
}
