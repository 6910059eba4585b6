import { useTranslation } from "react-i18next";
import type { ReviewFigures } from "~/models/review-math";
import { liftUncertainty } from "~/models/review-report";
import { useFormat } from "~/utils/use-format";

/** Percentage points with one decimal and a sign. */
const points = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v * 100).toFixed(1)}`;

function Verdict({ covers, ci }: { covers: boolean | null; ci: [number, number] | null }) {
  const { t } = useTranslation("reviewLift");
  if (covers === null || !ci) return null;
  const key = covers ? "notDistinguishable" : ci[0] > 0 ? "positive" : "negative";
  return <strong className={covers ? "warn" : undefined} data-testid="lift-verdict">{t(key)}</strong>;
}

/**
 * The lift's uncertainty in words (issue 15): the visit-rate difference with Newcombe's 95 %
 * interval and the revenue per customer difference with Welch's, each followed by what it
 * means for the manager — "not distinguishable from no effect" when the interval covers 0.
 */
export function LiftUncertainty({ lift }: { lift: NonNullable<ReviewFigures["lift"]> }) {
  const { t } = useTranslation("reviewLift");
  const f = useFormat();
  const u = liftUncertainty(lift);
  const vr = u.visitRateDiff;
  const rv = u.revenuePerCustomerDiffFen;
  const money = (v: number) => `${v >= 0 ? "+" : "−"}${f.money(Math.round(Math.abs(v)))}`;
  return (
    <div data-testid="lift-uncertainty">
      <h3>{t("title")}</h3>
      <p className="muted">{t("intro")}</p>
      {vr.ci95 && vr.value !== null ? (
        <p data-testid="lift-visit-sentence">
          {t("visitRate", { invited: f.percent(lift.invited.visitRate), holdout: f.percent(lift.holdout.visitRate), diff: points(vr.value), low: points(vr.ci95[0]), high: points(vr.ci95[1]) })}{" "}
          <Verdict covers={vr.coversZero} ci={vr.ci95} />
        </p>
      ) : null}
      {rv.ci95 && rv.value !== null ? (
        <p data-testid="lift-revenue-sentence">
          {t("revenue", { diff: money(rv.value), low: money(rv.ci95[0]), high: money(rv.ci95[1]) })}{" "}
          <Verdict covers={rv.coversZero} ci={rv.ci95} />
        </p>
      ) : <p className="muted">{t("revenueUnavailable")}</p>}
    </div>
  );
}

/** The review's no-show count (爽约) with a link to the follow-up list. */
export function NoShowSummary({ noShows, campaignId }: { noShows: ReviewFigures["noShows"]; campaignId: number }) {
  const { t } = useTranslation("reviewLift");
  if (!noShows) return null;
  return (
    <p data-testid="review-no-shows">
      <strong>{t("noShows.title")}</strong>: {t("noShows.count", noShows)} <a href={`/campaigns/${campaignId}/no-shows`}>{t("noShows.link")}</a>
    </p>
  );
}
