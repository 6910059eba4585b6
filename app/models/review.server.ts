/**
 * The post-campaign review (活动总结): figures aggregated from what was recorded — the
 * funnel against KPI targets, money (budget vs actual, revenue, deposits, ROI, costs per
 * unit), the lift over the hold-out, breakdowns, loss reasons, touchpoint scores — plus the
 * lessons, and the workflow around it: start review, close (freezing the figures as JSON,
 * so later imports do not change a closed review) and reopen (a manager unfreezes it).
 * The arithmetic is in review-math.ts (pure); this file reads and aggregates.
 *
 * Definitions (also shown on the page):
 * - audience: the campaign's non-hold-out invitations except walk-ins registered at the door;
 *   reached: those spoken to or answered in writing — at least one attempt whose outcome was
 *   yes, maybe, no or a callback they asked for (no answer and wrong number reach nobody);
 *   yes/maybe/no: their current result.
 * - by round (decision 016): each invitation counts in one row — the round of the attempt that
 *   obtained its current result (its latest attempt with that outcome; for a card still
 *   pending, its latest reaching attempt); hold-out arrivals, walk-ins and cards never reached
 *   are a row of their own, so every column adds up to the funnel's totals.
 * - arrived: every arrival, split into invited (audience kind), associated/walk-in and hold-out;
 *   converted: arrivals with at least one order.
 * - revenue: every order taken at the event + service visits in the attribution window
 *   (review-math.ts) by customers who were invited (not held out) or arrived.
 * - deposits: advance deposits of "yes" invitations (提前收订) + deposits taken on the day; not revenue.
 * - cost: the sum of the budget lines' actual amounts (lines without one are counted as missing).
 * - lift: audience invitations not held out ("invited") against the hold-out; a customer is a
 *   visitor when they arrived at the event or visited in the window; revenue per customer
 *   counts their event orders and window visits.
 */
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import type { Campaign } from "#db/schema";
import { BUDGET_CATEGORIES, PAYERS, type CampaignStatus } from "./campaign.schema";
import { getCampaignRow, transition, transitionRefusal, TransitionNotAllowed, type Actor } from "./campaign.server";
import { ExecutionRefused } from "./execution-errors";
import { parseIndicators } from "./execution.server";
import { TOUCHPOINT_KEYS } from "./execution.schema";
import { isReachedOutcome } from "./invitation.constants";
import { LOSS_REASONS } from "./invitation.schema";
import {
  attributionWindow, costPer, eventLastDay, finalOn, kpiStatus, lift, rate, roi,
  type BreakdownRow, type FunnelStage, type MoneyLine, type ReviewFigures, type RoundRow,
} from "./review-math";
import { summarise } from "./review-stats";
import { getStoreSettings } from "./settings.server";
import { noShowCounts } from "./no-shows.server";
import { todayIn } from "~/utils/format";
import { canManage } from "./permissions";
import { CloseNeedsConfirmation } from "./errors";
import { storeTimeZone } from "./store.server";
export { CloseNeedsConfirmation };


/** A review exists once the event has run. */
export const REVIEW_STATUSES: readonly CampaignStatus[] = ["executing", "reviewing", "closed"];

const nowIso = () => new Date().toISOString();

interface InvitationRow {
  id: number;
  kind: "audience" | "associated";
  holdout: number;
  customer_id: number;
  customer_group: number | null;
  customer_tier: string | null;
  assignee_id: number | null;
  result: string;
  attempts_count: number;
  loss_reason: string | null;
  deposit_fen: number | null;
}


/**
 * When figures become final and whether they are provisional; figures frozen before
 * decision 016 carry neither, so both are derived from their window and computedAt.
 */
export function finality(fig: ReviewFigures, timeZone: string): { finalOn: string | null; provisional: boolean } {
  const on = fig.finalOn !== undefined ? fig.finalOn : finalOn(fig.attribution);
  const provisional = fig.provisional ?? (on !== null && todayIn(timeZone, new Date(fig.computedAt)) < on);
  return { finalOn: on, provisional };
}

/** Computes the review's figures from the recorded data (never the frozen copy). */
export async function computeReviewFigures(
  db: DB,
  { storeId, campaign, days, now = new Date() }: { storeId: number; campaign: Campaign; days?: number | null; now?: Date },
): Promise<ReviewFigures> {
  const campaignId = campaign.id;
  const [settings, timeZone] = await Promise.all([getStoreSettings(db as DB, { storeId }), storeTimeZone(db, storeId)]);
  const lastDay = eventLastDay(campaign.event_start, campaign.event_end);
  const window = lastDay ? attributionWindow(lastDay, days ?? settings.attributionDays) : null;
  const final = finalOn(window);

  const inCampaign = db.selectFrom("invitations").select("invitations.customer_id").where("invitations.campaign_id", "=", campaignId);
  const [invitations, arrivals, orders, dayDeposits, budget, visits, attempts, rounds, users, scores] = await Promise.all([
    db.selectFrom("invitations")
      .select(["id", "kind", "holdout", "customer_id", "customer_group", "customer_tier", "assignee_id", "result", "attempts_count", "loss_reason", "deposit_fen"])
      .where("campaign_id", "=", campaignId).execute() as Promise<InvitationRow[]>, // the campaign row is the store's
    db.selectFrom("arrivals").select(["id", "invitation_id", "customer_id", "walk_in", "holdout"]).where("campaign_id", "=", campaignId).execute(),
    db.selectFrom("event_orders").select(["arrival_id", "line", "kind", "amount_fen"]).where("campaign_id", "=", campaignId).execute(),
    db.selectFrom("event_deposits").select((eb) => eb.fn.sum<number>("amount_fen").as("s")).where("campaign_id", "=", campaignId).executeTakeFirst(),
    db.selectFrom("campaign_budget_lines").select(["category", "payer", "amount_fen", "actual_fen"]).where("campaign_id", "=", campaignId).execute(),
    window
      ? db.selectFrom("service_visits")
        .select((eb) => ["service_visits.customer_id", eb.fn.countAll().as("n"), eb.fn.sum<number>("service_visits.amount_fen").as("s")])
        .where("service_visits.store_id", "=", storeId)
        .where("service_visits.customer_id", "in", inCampaign)
        .where("service_visits.visit_date", ">", window.after)
        .where("service_visits.visit_date", "<=", window.through)
        .groupBy("service_visits.customer_id")
        .execute()
      : Promise.resolve([] as { customer_id: number; n: unknown; s: unknown }[]),
    // every attempt, in the order they were recorded (reached, channels, rounds come from them)
    db.selectFrom("invitation_attempts").select(["invitation_id", "round_id", "outcome", "channel"])
      .where("campaign_id", "=", campaignId).orderBy("id").execute(),
    db.selectFrom("invitation_rounds").leftJoin("invitation_round_members", "invitation_round_members.round_id", "invitation_rounds.id")
      .select((eb) => ["invitation_rounds.id", "invitation_rounds.number", eb.fn.count("invitation_round_members.invitation_id").as("cards")])
      .where("invitation_rounds.campaign_id", "=", campaignId)
      .groupBy(["invitation_rounds.id", "invitation_rounds.number"]).orderBy("invitation_rounds.number").execute(),
    db.selectFrom("users").select(["id", "display_name"]).where("store_id", "=", storeId).execute(),
    db.selectFrom("touchpoint_scores").select(["touchpoint", "score", "indicators", "notes"]).where("campaign_id", "=", campaignId).execute(),
  ]);

  // ── per invitation: arrival, orders, window visits ──
  const arrivalOf = new Map(arrivals.map((a) => [a.invitation_id, a]));
  const ordersByArrival = new Map<number, number>();
  for (const o of orders) ordersByArrival.set(o.arrival_id, (ordersByArrival.get(o.arrival_id) ?? 0) + toInt(o.amount_fen));
  const visitsOf = new Map(visits.map((v) => [v.customer_id, { n: toInt(v.n), fen: toInt(v.s) }]));
  const walkIns = new Set(arrivals.filter((a) => a.walk_in).map((a) => a.invitation_id));
  const arrivedOf = (i: InvitationRow) => arrivalOf.has(i.id);
  const convertedOf = (i: InvitationRow) => {
    const a = arrivalOf.get(i.id);
    return !!a && ordersByArrival.has(a.id);
  };
  const orderFenOf = (i: InvitationRow) => {
    const a = arrivalOf.get(i.id);
    return a ? ordersByArrival.get(a.id) ?? 0 : 0;
  };
  const visitFenOf = (i: InvitationRow) => visitsOf.get(i.customer_id)?.fen ?? 0;

  // ── attempts: who was reached, through which channel, in which round each result was obtained ──
  const reachedIds = new Set<number>();
  /** per invitation: the round of its latest attempt of each outcome, and of its latest reaching one */
  const roundOfOutcome = new Map<number, Map<string, number | null>>();
  const lastReachRound = new Map<number, number | null>();
  const byChannelMap = new Map<string, { attempts: number; reached: Set<number>; yes: number }>();
  for (const at of attempts) {
    const reachedNow = isReachedOutcome(at.outcome);
    const ch = byChannelMap.get(at.channel) ?? { attempts: 0, reached: new Set<number>(), yes: 0 };
    byChannelMap.set(at.channel, ch);
    ch.attempts += 1;
    if (at.outcome === "yes") ch.yes += 1;
    if (reachedNow) {
      ch.reached.add(at.invitation_id);
      reachedIds.add(at.invitation_id);
      lastReachRound.set(at.invitation_id, at.round_id);
    }
    const m = roundOfOutcome.get(at.invitation_id) ?? new Map<string, number | null>();
    roundOfOutcome.set(at.invitation_id, m);
    m.set(at.outcome, at.round_id);
  }
  const isReached = (i: InvitationRow) => reachedIds.has(i.id);

  const audience = invitations.filter((i) => !i.holdout && !walkIns.has(i.id));
  const inAudience = (i: InvitationRow) => !i.holdout && !walkIns.has(i.id);
  const count = (rows: InvitationRow[], pred: (i: InvitationRow) => boolean) => rows.reduce((n, i) => n + (pred(i) ? 1 : 0), 0);
  const reached = count(audience, isReached);
  const yes = count(audience, (i) => i.result === "yes");
  const maybe = count(audience, (i) => i.result === "maybe");
  const no = count(audience, (i) => i.result === "no");
  const invById = new Map(invitations.map((i) => [i.id, i]));
  const arrivedHoldout = arrivals.filter((a) => a.holdout).length;
  const arrivedInvited = arrivals.filter((a) => !a.holdout && invById.get(a.invitation_id)?.kind === "audience").length;
  const arrivedAssociated = arrivals.length - arrivedHoldout - arrivedInvited;
  const converted = new Set(orders.map((o) => o.arrival_id)).size;
  const a = audience.length;
  const c = campaign;
  const reachTarget = c.kpi_reach_rate_percent === null ? null : c.kpi_reach_rate_percent / 100;
  const stage = (key: FunnelStage["key"], n: number, base: number, target: number | null = null, targetRate: number | null = null): FunnelStage => {
    const r = rate(n, base);
    return { key, count: n, rate: r, target, targetRate, status: targetRate !== null ? kpiStatus(r, targetRate) : kpiStatus(n, target) };
  };
  const funnel: FunnelStage[] = [
    stage("audience", a, a),
    stage("reached", reached, a, null, reachTarget),
    stage("yes", yes, a, c.kpi_yes_count),
    stage("maybe", maybe, a),
    stage("no", no, a),
    stage("arrived", arrivals.length, a, c.kpi_arrivals),
    stage("arrivedInvited", arrivedInvited, a),
    stage("arrivedAssociated", arrivedAssociated, a),
    stage("arrivedHoldout", arrivedHoldout, a),
    stage("converted", converted, arrivals.length, c.kpi_conversions),
  ];

  // ── money ──
  const lineOf = (key: string, rows: typeof budget): MoneyLine => ({
    key,
    plannedFen: rows.reduce((s, l) => s + toInt(l.amount_fen), 0),
    actualFen: rows.reduce((s, l) => s + (l.actual_fen === null ? 0 : toInt(l.actual_fen)), 0),
    missing: rows.filter((l) => l.actual_fen === null).length,
  });
  const byCategory = BUDGET_CATEGORIES.map((k) => lineOf(k, budget.filter((l) => l.category === k))).filter((l) => l.plannedFen > 0 || l.actualFen > 0 || l.missing > 0);
  const byPayer = PAYERS.map((k) => lineOf(k, budget.filter((l) => l.payer === k))).filter((l) => l.plannedFen > 0 || l.actualFen > 0 || l.missing > 0);
  const total = lineOf("total", budget);
  const ordersFen = orders.reduce((s, o) => s + toInt(o.amount_fen), 0);
  // revenue customers: invited (not held out) or arrived — each invitation is one customer
  const revenueCustomers = invitations.filter((i) => !i.holdout || arrivedOf(i));
  const visitsFen = revenueCustomers.reduce((s, i) => s + visitFenOf(i), 0);
  const visitsCount = revenueCustomers.reduce((s, i) => s + (visitsOf.get(i.customer_id)?.n ?? 0), 0);
  const revenueFen = ordersFen + visitsFen;
  const advanceDepositsFen = invitations.reduce((s, i) => s + (!i.holdout && i.result === "yes" && i.deposit_fen ? toInt(i.deposit_fen) : 0), 0);
  const dayDepositsFen = toInt(dayDeposits?.s);
  const depositsFen = advanceDepositsFen + dayDepositsFen;
  const cost = total.actualFen;
  const theRoi = roi(revenueFen, cost);
  const group = <K extends string>(rows: typeof orders, key: (o: (typeof orders)[number]) => K, keys: readonly K[]) =>
    keys.map((k) => {
      const of = rows.filter((o) => key(o) === k);
      return { key: k, count: of.length, amountFen: of.reduce((s, o) => s + toInt(o.amount_fen), 0) };
    }).filter((x) => x.count > 0);

  // ── lift over the hold-out ──
  const held = invitations.filter((i) => i.kind === "audience" && i.holdout);
  const invitedGroup = invitations.filter((i) => i.kind === "audience" && !i.holdout);
  const outcome = (rows: InvitationRow[]) => {
    const perCustomer = rows.map((i) => orderFenOf(i) + visitFenOf(i));
    return {
      size: rows.length,
      visitors: count(rows, (i) => arrivedOf(i) || (visitsOf.get(i.customer_id)?.n ?? 0) > 0),
      revenueFen: perCustomer.reduce((s, v) => s + v, 0),
      revenueSdFen: summarise(perCustomer).sd,
    };
  };
  const theLift = held.length > 0 || c.holdout_percent > 0 ? lift(outcome(invitedGroup), outcome(held), cost) : null;

  // ── breakdowns ──
  const row = (key: string, name: string | null, rows: InvitationRow[]): BreakdownRow => ({
    key, name,
    invited: rows.length,
    reached: count(rows, isReached),
    yes: count(rows, (i) => i.result === "yes"),
    arrived: count(rows, arrivedOf),
    converted: count(rows, convertedOf),
    revenueFen: rows.reduce((s, i) => s + orderFenOf(i) + visitFenOf(i), 0),
  });
  const groupBy = (rows: InvitationRow[], key: (i: InvitationRow) => string) => {
    const m = new Map<string, InvitationRow[]>();
    for (const i of rows) {
      const k = key(i);
      const list = m.get(k);
      if (list) list.push(i);
      else m.set(k, [i]);
    }
    return m;
  };
  const nameOf = new Map(users.map((u) => [u.id, u.display_name]));
  const notHeld = invitations.filter((i) => !i.holdout);
  const byStaff = [...groupBy(audience.filter((i) => i.assignee_id !== null), (i) => String(i.assignee_id))]
    .map(([k, rows]) => ({ ...row(k, nameOf.get(Number(k)) ?? null, rows), assigned: rows.length }))
    .sort((x, y) => (x.name ?? "").localeCompare(y.name ?? "") || Number(x.key) - Number(y.key));
  const byGroup = [...groupBy(notHeld, (i) => (i.customer_group === null ? "unknown" : String(i.customer_group)))]
    .map(([k, rows]) => row(k, null, rows)).sort((x, y) => (x.key === "unknown" ? 99 : Number(x.key)) - (y.key === "unknown" ? 99 : Number(y.key)));
  const byTier = [...groupBy(notHeld, (i) => i.customer_tier ?? "unknown")]
    .map(([k, rows]) => row(k, null, rows)).sort((x, y) => x.key.localeCompare(y.key));
  // by round: each revenue customer in exactly one row, so the rows add up to the totals
  const roundNumber = new Map(rounds.map((r) => [r.id, r.number]));
  const attributedRound = (i: InvitationRow): number | null => {
    if (!inAudience(i)) return null;
    const outcomes = roundOfOutcome.get(i.id);
    let roundId: number | null | undefined;
    if (i.result !== "pending" && outcomes?.has(i.result)) roundId = outcomes.get(i.result);
    else if (lastReachRound.has(i.id)) roundId = lastReachRound.get(i.id);
    return roundId === null || roundId === undefined ? null : roundNumber.get(roundId) ?? null;
  };
  const inRound = new Map<string, InvitationRow[]>([...rounds.map((r) => [String(r.number), []] as [string, InvitationRow[]]), ["none", []]]);
  for (const i of revenueCustomers) inRound.get(String(attributedRound(i) ?? "none"))!.push(i);
  const roundRow = (key: string, cards: number | null, rows: InvitationRow[]): RoundRow => ({
    key, cards,
    reached: count(rows, (i) => inAudience(i) && isReached(i)),
    yes: count(rows, (i) => inAudience(i) && i.result === "yes"),
    maybe: count(rows, (i) => inAudience(i) && i.result === "maybe"),
    no: count(rows, (i) => inAudience(i) && i.result === "no"),
    arrived: count(rows, arrivedOf),
    converted: count(rows, convertedOf),
    revenueFen: rows.reduce((s, i) => s + orderFenOf(i) + visitFenOf(i), 0),
  });
  const byRound = rounds.map((r) => roundRow(String(r.number), toInt(r.cards), inRound.get(String(r.number))!));
  const outside = inRound.get("none")!;
  if (outside.length) byRound.push(roundRow("none", null, outside));
  const lossCounts = new Map<string, number>();
  for (const i of audience) if (i.result === "no") lossCounts.set(i.loss_reason ?? "unrecorded", (lossCounts.get(i.loss_reason ?? "unrecorded") ?? 0) + 1);
  const lossReasons = [...LOSS_REASONS, "unrecorded"].map((r) => ({ reason: r, count: lossCounts.get(r) ?? 0 })).filter((r) => r.count > 0);

  return {
    campaignId,
    computedAt: now.toISOString(),
    attribution: window,
    finalOn: final,
    provisional: final !== null && todayIn(timeZone, now) < final,
    funnel,
    holdoutSize: held.length,
    money: {
      plannedFen: total.plannedFen,
      actualCostFen: cost,
      missingActuals: total.missing,
      byCategory,
      byPayer,
      ordersFen,
      ordersCount: orders.length,
      ordersByLine: group(orders, (o) => o.line, ["M", "R", "I", "B"] as const).map((x) => ({ line: x.key, count: x.count, amountFen: x.amountFen })),
      ordersByKind: group(orders, (o) => o.kind, ["package", "deposit_converted", "new_booking"] as const).map((x) => ({ kind: x.key, count: x.count, amountFen: x.amountFen })),
      visitsFen,
      visitsCount,
      revenueFen,
      advanceDepositsFen,
      dayDepositsFen,
      depositsFen,
      roi: theRoi,
      costPerReachedFen: costPer(cost, reached),
      costPerArrivalFen: costPer(cost, arrivals.length),
      costPerConversionFen: costPer(cost, converted),
      kpi: {
        revenue: { target: c.kpi_revenue_fen === null ? null : toInt(c.kpi_revenue_fen), status: kpiStatus(revenueFen, c.kpi_revenue_fen === null ? null : toInt(c.kpi_revenue_fen)) },
        deposits: { target: c.kpi_deposits_fen === null ? null : toInt(c.kpi_deposits_fen), status: kpiStatus(depositsFen, c.kpi_deposits_fen === null ? null : toInt(c.kpi_deposits_fen)) },
        roi: { target: c.kpi_roi_percent, status: kpiStatus(theRoi, c.kpi_roi_percent === null ? null : c.kpi_roi_percent / 100) },
      },
    },
    lift: theLift,
    noShows: await noShowCounts(db, { campaign, timeZone, now }),
    byStaff,
    byGroup,
    byTier,
    byRound,
    byChannel: [...byChannelMap].sort((x, y) => x[0].localeCompare(y[0])).map(([channel, ch]) => ({ channel, attempts: ch.attempts, reached: ch.reached.size, yes: ch.yes })),
    lossReasons,
    touchpoints: TOUCHPOINT_KEYS.flatMap((tp) => {
      const s = scores.find((x) => x.touchpoint === tp);
      return s ? [{ touchpoint: tp, score: s.score, indicators: parseIndicators(s.indicators), notes: s.notes }] : [];
    }),
  };
}

/** The frozen figures of a closed campaign, or null. */
async function frozenFigures(db: DB, campaignId: number): Promise<{ figures: ReviewFigures; at: string; byName: string | null } | null> {
  const row = await db.selectFrom("campaign_reviews").leftJoin("users", "users.id", "campaign_reviews.frozen_by")
    .select(["campaign_reviews.frozen_figures", "campaign_reviews.frozen_at", "users.display_name"])
    .where("campaign_reviews.campaign_id", "=", campaignId).executeTakeFirst();
  if (!row?.frozen_figures || !row.frozen_at) return null;
  return { figures: JSON.parse(row.frozen_figures) as ReviewFigures, at: row.frozen_at, byName: row.display_name ?? null };
}

/**
 * The review of a campaign: frozen figures when closed, live ones otherwise (`days` tries
 * another attribution window on an open review). A campaign whose event has not started
 * has no review: `notStarted` is true and there are no figures.
 */
export async function getReview(
  db: DB,
  { storeId, campaignId, actor, days = null, now = new Date() }: { storeId: number; campaignId: number; actor: Actor; days?: number | null; now?: Date },
) {
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  const [lessons, settings, timeZone] = await Promise.all([
    db.selectFrom("campaign_reviews").leftJoin("users", "users.id", "campaign_reviews.updated_by")
      .select(["campaign_reviews.what_worked", "campaign_reviews.what_to_change", "campaign_reviews.decisions", "campaign_reviews.version", "campaign_reviews.updated_at", "users.display_name"])
      .where("campaign_reviews.campaign_id", "=", campaignId).executeTakeFirst(),
    getStoreSettings(db, { storeId }),
    storeTimeZone(db, storeId),
  ]);
  const notStarted = !REVIEW_STATUSES.includes(campaign.status);
  const frozen = campaign.status === "closed" ? await frozenFigures(db, campaignId) : null;
  const figures = notStarted ? null : frozen ? frozen.figures : await computeReviewFigures(db, { storeId, campaign, days, now });
  const manager = canManage(actor);
  const today = todayIn(timeZone, now);
  const fin = figures ? finality(figures, timeZone) : null;
  return {
    campaign: {
      id: campaign.id, name: campaign.name, status: campaign.status, version: campaign.version,
      eventStart: campaign.event_start, eventEnd: campaign.event_end, holdoutPercent: campaign.holdout_percent,
      businessChain: campaign.business_chain,
      kpi: {
        reachRatePercent: campaign.kpi_reach_rate_percent, yesCount: campaign.kpi_yes_count, arrivals: campaign.kpi_arrivals,
        conversions: campaign.kpi_conversions, revenueFen: campaign.kpi_revenue_fen === null ? null : toInt(campaign.kpi_revenue_fen),
        depositsFen: campaign.kpi_deposits_fen === null ? null : toInt(campaign.kpi_deposits_fen), roiPercent: campaign.kpi_roi_percent,
      },
    },
    notStarted,
    figures,
    frozen: frozen ? { at: frozen.at, byName: frozen.byName } : null,
    /**
     * When the figures become final (decision 016): `provisional` while today is before
     * `finalOn` (live figures) or when a closed campaign was frozen before it; a closed
     * campaign's provisional figures may be finalised from `finalOn` on.
     */
    finality: fin ? { ...fin, through: figures!.attribution?.through ?? null, today, reached: fin.finalOn === null || today >= fin.finalOn } : null,
    storeAttributionDays: settings.attributionDays,
    lessons: {
      whatWorked: lessons?.what_worked ?? null, whatToChange: lessons?.what_to_change ?? null, decisions: lessons?.decisions ?? null,
      version: lessons?.version ?? 0, updatedAt: lessons?.updated_at ?? null, updatedByName: lessons?.display_name ?? null,
    },
    mayEditLessons: manager && (campaign.status === "executing" || campaign.status === "reviewing"),
    actions: {
      startReview: manager && transitionRefusal(campaign, actor, "start_review") === null,
      close: manager && transitionRefusal(campaign, actor, "close") === null,
      reopen: manager && campaign.status === "closed",
      finalise: manager && campaign.status === "closed" && !!frozen && !!fin?.provisional && (fin.finalOn === null || today >= fin.finalOn),
    },
  };
}
export type ReviewPage = Awaited<ReturnType<typeof getReview>>;

/** Saves the lessons (总结); `version` is the one the form loaded (0 before the first save). */
export async function saveLessons(
  db: DB,
  { storeId, campaignId, actor, input }: { storeId: number; campaignId: number; actor: Actor; input: { version: number; whatWorked: string | null; whatToChange: string | null; decisions: string | null } },
) {
  if (!canManage(actor)) throw new ExecutionRefused("execution:errors.managersOnly", 403);
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    if (campaign.status === "closed") throw new ExecutionRefused("execution:errors.closed", 409);
    if (!REVIEW_STATUSES.includes(campaign.status)) throw new ExecutionRefused("execution:review.notStarted", 409);
    const at = nowIso();
    const old = await trx.selectFrom("campaign_reviews").selectAll().where("campaign_id", "=", campaignId).executeTakeFirst();
    const values = { what_worked: input.whatWorked, what_to_change: input.whatToChange, decisions: input.decisions, updated_by: actor.id, updated_at: at };
    if ((old?.version ?? 0) !== input.version) throw new ExecutionRefused("execution:review.lessonsConflict", 409);
    if (old) {
      const res = await trx.updateTable("campaign_reviews").set((eb) => ({ ...values, version: eb("version", "+", 1) }))
        .where("campaign_id", "=", campaignId).where("version", "=", input.version).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new ExecutionRefused("execution:review.lessonsConflict", 409);
    } else {
      await trx.insertInto("campaign_reviews").values({ campaign_id: campaignId, ...values, frozen_figures: null, frozen_at: null, frozen_by: null }).execute();
    }
    const changes = (["what_worked", "what_to_change", "decisions"] as const)
      .filter((k) => (old?.[k] ?? null) !== values[k])
      .map((k) => ({ campaign_id: campaignId, at, user_id: actor.id, kind: "field" as const, field: `review_${k}`, old_value: old?.[k] ?? null, new_value: values[k], comment: null }));
    if (changes.length) await trx.insertInto("campaign_history").values(changes).execute();
    return { version: input.version + 1 };
  });
}

/** executing → reviewing, through the campaign workflow. */
export async function startReview(db: DB, { storeId, campaignId, actor, comment = null }: { storeId: number; campaignId: number; actor: Actor; comment?: string | null }) {
  try {
    return await transition(db, { storeId, id: campaignId, actor, action: "start_review", comment });
  } catch (e) {
    if (e instanceof TransitionNotAllowed) throw new ExecutionRefused(e.reason === "role" ? "execution:errors.managersOnly" : "execution:review.cannotStartReview", e.reason === "role" ? 403 : 409);
    throw e;
  }
}

async function freeze(trx: DB, campaignId: number, actor: Actor, figures: ReviewFigures, at: string) {
  const frozen = { frozen_figures: JSON.stringify(figures), frozen_at: at, frozen_by: actor.id };
  const exists = await trx.selectFrom("campaign_reviews").select("campaign_id").where("campaign_id", "=", campaignId).executeTakeFirst();
  if (exists) await trx.updateTable("campaign_reviews").set(frozen).where("campaign_id", "=", campaignId).execute();
  else await trx.insertInto("campaign_reviews").values({ campaign_id: campaignId, what_worked: null, what_to_change: null, decisions: null, updated_by: actor.id, updated_at: at, ...frozen }).execute();
}

/**
 * reviewing → closed, freezing the figures computed now — in one transaction with the
 * status change, so a close is never half done. While the attribution window is still open
 * (the figures are provisional) the manager must confirm and give a reason; the frozen
 * figures then say they are provisional until `finalOn`, and the history records it.
 */
export async function closeCampaign(
  db: DB,
  { storeId, campaignId, actor, comment = null, confirmEarly = false, now = new Date() }: {
    storeId: number; campaignId: number; actor: Actor; comment?: string | null; confirmEarly?: boolean; now?: Date;
  },
) {
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    const refusal = transitionRefusal(campaign, actor, "close");
    if (refusal === "role") throw new ExecutionRefused("execution:errors.managersOnly", 403);
    if (refusal) throw new ExecutionRefused("execution:review.cannotClose", 409);
    const figures = await computeReviewFigures(trx, { storeId, campaign, now });
    if (figures.provisional) {
      const errors: Record<string, string> = {};
      if (!confirmEarly) errors.confirmEarly = "execution:review.closeEarly.confirmRequired";
      if (!comment?.trim()) errors.comment = "execution:review.closeEarly.reasonRequired";
      if (Object.keys(errors).length) throw new CloseNeedsConfirmation(errors, figures.finalOn ?? null);
    }
    const at = now.toISOString();
    const res = await trx.updateTable("campaigns")
      .set((eb) => ({ status: "closed" as const, version: eb("version", "+", 1), updated_at: at, updated_by: actor.id }))
      .where("id", "=", campaignId).where("store_id", "=", storeId).where("version", "=", campaign.version).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new ExecutionRefused("execution:review.statusConflict", 409);
    await trx.insertInto("campaign_history").values([
      { campaign_id: campaignId, at, user_id: actor.id, kind: "status", field: "close", old_value: campaign.status, new_value: "closed", comment },
      ...(figures.provisional
        ? [{ campaign_id: campaignId, at, user_id: actor.id, kind: "field" as const, field: "figures_provisional_until", old_value: null, new_value: figures.finalOn ?? null, comment: null }]
        : []),
    ]).execute();
    await freeze(trx, campaignId, actor, figures, at);
    return figures;
  });
}

/**
 * A closed campaign whose figures were frozen while provisional: from `finalOn` on, a
 * manager recomputes and freezes them as final (the status stays closed; the history says so).
 */
export async function finaliseReview(db: DB, { storeId, campaignId, actor, now = new Date() }: { storeId: number; campaignId: number; actor: Actor; now?: Date }) {
  if (!canManage(actor)) throw new ExecutionRefused("execution:errors.managersOnly", 403);
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    if (campaign.status !== "closed") throw new ExecutionRefused("execution:review.finalise.notClosed", 409);
    const frozen = await frozenFigures(trx, campaignId);
    const timeZone = await storeTimeZone(trx, storeId);
    const fin = frozen ? finality(frozen.figures, timeZone) : null;
    if (fin && !fin.provisional) throw new ExecutionRefused("execution:review.finalise.alreadyFinal", 409);
    if (fin?.finalOn && todayIn(timeZone, now) < fin.finalOn) throw new ExecutionRefused("execution:review.finalise.tooEarly", 409, "_form", { finalOn: fin.finalOn });
    const figures = await computeReviewFigures(trx, { storeId, campaign, now });
    const at = now.toISOString();
    await trx.insertInto("campaign_history").values({
      campaign_id: campaignId, at, user_id: actor.id, kind: "status", field: "finalise", old_value: "closed", new_value: "closed", comment: null,
    }).execute();
    await freeze(trx, campaignId, actor, figures, at);
    return figures;
  });
}

/** closed → reviewing by a manager: the figures are live again until the next close. */
export async function reopenCampaign(db: DB, { storeId, campaignId, actor, comment = null }: { storeId: number; campaignId: number; actor: Actor; comment?: string | null }) {
  if (!canManage(actor)) throw new ExecutionRefused("execution:errors.managersOnly", 403);
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    if (campaign.status !== "closed") throw new ExecutionRefused("execution:review.cannotReopen", 409);
    const at = nowIso();
    const res = await trx.updateTable("campaigns")
      .set((eb) => ({ status: "reviewing" as const, version: eb("version", "+", 1), updated_at: at, updated_by: actor.id }))
      .where("id", "=", campaignId).where("store_id", "=", storeId).where("version", "=", campaign.version).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new ExecutionRefused("execution:review.statusConflict", 409);
    await trx.insertInto("campaign_history").values({
      campaign_id: campaignId, at, user_id: actor.id, kind: "status", field: "reopen", old_value: "closed", new_value: "reviewing", comment,
    }).execute();
    await trx.updateTable("campaign_reviews").set({ frozen_figures: null, frozen_at: null, frozen_by: null }).where("campaign_id", "=", campaignId).execute();
    return { status: "reviewing" as const };
  });
}
