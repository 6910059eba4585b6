/**
 * The review's arithmetic, pure and browser-safe (no database): the attribution window,
 * ROI, rates, costs per unit, the lift over the hold-out and KPI status. Money is integer
 * fen throughout; ratios are plain numbers (0.25 = 25 %), null when undefined (÷ 0).
 *
 * Attribution window (decided here, shown on the review): with E the event's last day
 * (the date part of event_end, or of event_start when there is no end) and N the store's
 * attributionDays (1–365, default 30), a service visit counts when E < visit_date ≤ E + N.
 * Day 0 (the event day itself) is left out because what is sold that day is recorded as
 * event orders — counting the imported repair order too would count it twice; day N is in,
 * day N + 1 is out.
 */
import { addDays } from "~/utils/format";

export const MIN_ATTRIBUTION_DAYS = 1;
export const MAX_ATTRIBUTION_DAYS = 365;
/** Below this many hold-out customers the lift is shown with a "too small to trust" note. */
export const MIN_TRUSTED_HOLDOUT = 30;

export class AttributionDaysInvalid extends Error {
  constructor(public days: number) {
    super(`attribution window must be ${MIN_ATTRIBUTION_DAYS}–${MAX_ATTRIBUTION_DAYS} days, got ${days}`);
  }
}

/** The event's last day (`YYYY-MM-DD`) from the plan's local date-times. */
export function eventLastDay(eventStart: string | null, eventEnd: string | null): string | null {
  const v = eventEnd ?? eventStart;
  return v ? v.slice(0, 10) : null;
}

/** The window as (after, through]: a visit counts when after < visit_date ≤ through. */
export function attributionWindow(lastDay: string, days: number): { after: string; through: string; days: number } {
  if (!Number.isInteger(days) || days < MIN_ATTRIBUTION_DAYS || days > MAX_ATTRIBUTION_DAYS) throw new AttributionDaysInvalid(days);
  return { after: lastDay, through: addDays(lastDay, days), days };
}

/**
 * The first day the figures are final (decision 016): the day after the attribution window's
 * last day, once every visit that can count has happened. Null without event dates (nothing
 * can be attributed, so nothing is pending).
 */
export function finalOn(window: { through: string } | null): string | null {
  return window ? addDays(window.through, 1) : null;
}

export function inAttributionWindow(visitDate: string, lastDay: string, days: number): boolean {
  const w = attributionWindow(lastDay, days);
  return visitDate > w.after && visitDate <= w.through;
}

/** n / d, or null when d is 0. */
export function rate(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

/** ROI = (revenue − cost) / cost; null when the cost is 0 (undefined, not infinite). */
export function roi(revenueFen: number, costFen: number): number | null {
  return costFen > 0 ? (revenueFen - costFen) / costFen : null;
}

/** Cost per unit in whole fen (rounded half up), null when there are no units. */
export function costPer(costFen: number, units: number): number | null {
  return units > 0 ? Math.round(costFen / units) : null;
}

export interface GroupOutcome {
  /** customers in the group */
  size: number;
  /** customers with at least one visit (or event arrival) in the window */
  visitors: number;
  /** their revenue in the window, fen */
  revenueFen: number;
  /**
   * the sample standard deviation of revenue per customer, fen (issue 15: the Welch interval);
   * absent in figures frozen before it
   */
  revenueSdFen?: number;
}

export interface Lift {
  invited: GroupOutcome & { visitRate: number | null; revenuePerCustomerFen: number | null };
  holdout: GroupOutcome & { visitRate: number | null; revenuePerCustomerFen: number | null };
  /** invited visit rate − hold-out visit rate (percentage points as a ratio) */
  visitRateDiff: number | null;
  /** (revenue per invited customer − revenue per hold-out customer) × invited size, fen */
  incrementalRevenueFen: number | null;
  /** (incremental revenue − cost) / cost */
  incrementalRoi: number | null;
  /** the hold-out has fewer than MIN_TRUSTED_HOLDOUT customers (or none) */
  tooSmall: boolean;
}

/**
 * The lift of the invited group over the hold-out. Empty groups give null rates and a null
 * incremental revenue (nothing to compare), never a division by zero.
 */
export function lift(invited: GroupOutcome, holdout: GroupOutcome, costFen: number): Lift {
  const decorate = (g: GroupOutcome) => ({
    ...g,
    visitRate: rate(g.visitors, g.size),
    revenuePerCustomerFen: g.size > 0 ? g.revenueFen / g.size : null,
  });
  const i = decorate(invited);
  const h = decorate(holdout);
  const comparable = i.size > 0 && h.size > 0;
  const incremental = comparable ? Math.round((i.revenuePerCustomerFen! - h.revenuePerCustomerFen!) * i.size) : null;
  return {
    invited: i,
    holdout: h,
    visitRateDiff: comparable ? i.visitRate! - h.visitRate! : null,
    incrementalRevenueFen: incremental,
    incrementalRoi: incremental === null ? null : roi(incremental, costFen),
    tooSmall: h.size < MIN_TRUSTED_HOLDOUT,
  };
}

export type KpiStatus = "met" | "missed" | null;

/** Green when the actual reaches the target, red when not, null without a target or actual. */
export function kpiStatus(actual: number | null, target: number | null): KpiStatus {
  if (target === null || actual === null) return null;
  return actual >= target ? "met" : "missed";
}

// ── the figures a review shows (JSON-safe: frozen as they are when the campaign closes) ──

export interface FunnelStage {
  key: "audience" | "reached" | "yes" | "maybe" | "no" | "arrived" | "arrivedInvited" | "arrivedAssociated" | "arrivedHoldout" | "converted";
  count: number;
  /** share of the stage before it (reached/audience, yes/reached, arrived/yes, converted/arrived) */
  rate: number | null;
  /** KPI target as a count (or, for reached, the target rate) */
  target: number | null;
  targetRate: number | null;
  status: KpiStatus;
}

export interface MoneyLine {
  key: string;
  plannedFen: number;
  actualFen: number;
  /** lines without an actual cost */
  missing: number;
}

export interface BreakdownRow {
  key: string;
  /** a display name when the key is an id (staff) */
  name: string | null;
  invited: number;
  reached: number;
  yes: number;
  arrived: number;
  converted: number;
  revenueFen: number;
}

/**
 * One row of the by-round table: `key` is the round number, or "none" for what no round
 * obtained (hold-out arrivals, walk-ins, cards never reached). Each invitation counts in one
 * row (decision 016), so reached, yes, maybe, no, arrived, converted and revenue add up to the
 * review's totals; `cards` (the round's members) does not, since a card can be in several rounds.
 */
export interface RoundRow {
  key: string;
  cards: number | null;
  reached: number;
  yes: number;
  maybe: number;
  no: number;
  arrived: number;
  converted: number;
  revenueFen: number;
}

export interface ReviewFigures {
  campaignId: number;
  computedAt: string;
  attribution: { after: string; through: string; days: number } | null;
  /**
   * The first day the figures are final, and whether they were still provisional when
   * computed (the store's today was before it). Absent in figures frozen before decision 016.
   */
  finalOn?: string | null;
  provisional?: boolean;
  funnel: FunnelStage[];
  holdoutSize: number;
  money: {
    plannedFen: number;
    actualCostFen: number;
    missingActuals: number;
    byCategory: MoneyLine[];
    byPayer: MoneyLine[];
    ordersFen: number;
    ordersCount: number;
    ordersByLine: { line: string; count: number; amountFen: number }[];
    ordersByKind: { kind: string; count: number; amountFen: number }[];
    visitsFen: number;
    visitsCount: number;
    revenueFen: number;
    advanceDepositsFen: number;
    dayDepositsFen: number;
    depositsFen: number;
    roi: number | null;
    costPerReachedFen: number | null;
    costPerArrivalFen: number | null;
    costPerConversionFen: number | null;
    kpi: {
      revenue: { target: number | null; status: KpiStatus };
      deposits: { target: number | null; status: KpiStatus };
      roi: { target: number | null; status: KpiStatus };
    };
  };
  lift: Lift | null;
  /**
   * yes answers who did not arrive (爽约, issue 15) once the event's last day is over, and how
   * their follow-up stands; null before then, absent in figures frozen before it
   */
  noShows?: { count: number; contacted: number; rebooked: number } | null;
  byStaff: (BreakdownRow & { assigned: number })[];
  byGroup: BreakdownRow[];
  byTier: BreakdownRow[];
  /** frozen before decision 016: BreakdownRow[] (members' current results, not additive) */
  byRound: RoundRow[];
  byChannel: { channel: string; attempts: number; reached: number; yes: number }[];
  lossReasons: { reason: string; count: number }[];
  touchpoints: { touchpoint: string; score: number; indicators: string[]; notes: string | null }[];
}
