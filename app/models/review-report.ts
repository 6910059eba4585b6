/**
 * The review's figures as one JSON-safe report (issue 15), pure and browser-safe: the same
 * object feeds the review page's lift sentences, the review CSV's interval rows and
 * `cli review --format json`, so the three can never disagree.
 */
import type { Lift, ReviewFigures } from "./review-math";
import { coversZero, newcombeDiffInterval, welchDiffInterval, type Interval } from "./review-stats";

export interface LiftUncertainty {
  /** invited − hold-out visit rate, with Newcombe's hybrid score 95 % interval */
  visitRateDiff: { value: number | null; ci95: Interval | null; coversZero: boolean | null };
  /** invited − hold-out revenue per customer (fen), with Welch's 95 % interval and its df */
  revenuePerCustomerDiffFen: { value: number | null; ci95: Interval | null; df: number | null; coversZero: boolean | null };
}

/** The intervals of a lift (null parts: an empty group, or figures frozen before issue 15 for the revenue). */
export function liftUncertainty(lift: Lift): LiftUncertainty {
  const { invited: i, holdout: h } = lift;
  const ci = newcombeDiffInterval(i.visitors, i.size, h.visitors, h.size);
  const welch = i.revenueSdFen === undefined || h.revenueSdFen === undefined
    ? null
    : welchDiffInterval(
      { n: i.size, mean: i.size ? i.revenueFen / i.size : 0, sd: i.revenueSdFen },
      { n: h.size, mean: h.size ? h.revenueFen / h.size : 0, sd: h.revenueSdFen },
    );
  const perCustomer = i.revenuePerCustomerFen !== null && h.revenuePerCustomerFen !== null ? i.revenuePerCustomerFen - h.revenuePerCustomerFen : null;
  return {
    visitRateDiff: { value: lift.visitRateDiff, ci95: ci, coversZero: coversZero(ci) },
    revenuePerCustomerDiffFen: { value: perCustomer, ci95: welch?.ci95 ?? null, df: welch?.df ?? null, coversZero: coversZero(welch?.ci95 ?? null) },
  };
}

/** The report `cli review --format json` prints. */
export function reviewReport(fig: ReviewFigures, campaign: { id: number; name: string }) {
  const u = fig.lift ? liftUncertainty(fig.lift) : null;
  return {
    campaign: { id: campaign.id, name: campaign.name },
    computedAt: fig.computedAt,
    attribution: fig.attribution,
    finalOn: fig.finalOn ?? null,
    provisional: fig.provisional ?? null,
    funnel: Object.fromEntries(fig.funnel.map((s) => [s.key, s.count])),
    noShows: fig.noShows ?? null,
    money: {
      revenueFen: fig.money.revenueFen, ordersFen: fig.money.ordersFen, visitsFen: fig.money.visitsFen,
      actualCostFen: fig.money.actualCostFen, plannedFen: fig.money.plannedFen, depositsFen: fig.money.depositsFen, roi: fig.money.roi,
    },
    lift: fig.lift && u
      ? {
        invited: { size: fig.lift.invited.size, visitors: fig.lift.invited.visitors, visitRate: fig.lift.invited.visitRate, revenueFen: fig.lift.invited.revenueFen, revenuePerCustomerFen: fig.lift.invited.revenuePerCustomerFen },
        holdout: { size: fig.lift.holdout.size, visitors: fig.lift.holdout.visitors, visitRate: fig.lift.holdout.visitRate, revenueFen: fig.lift.holdout.revenueFen, revenuePerCustomerFen: fig.lift.holdout.revenuePerCustomerFen },
        visitRateDiff: u.visitRateDiff,
        revenuePerCustomerDiffFen: u.revenuePerCustomerDiffFen,
        incrementalRevenueFen: fig.lift.incrementalRevenueFen,
        incrementalRoi: fig.lift.incrementalRoi,
        tooSmall: fig.lift.tooSmall,
      }
      : null,
  };
}
export type ReviewReport = ReturnType<typeof reviewReport>;
