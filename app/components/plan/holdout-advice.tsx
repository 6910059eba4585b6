import { useTranslation } from "react-i18next";
import { DEFAULT_BASELINE_VISIT_RATE, detectableLift } from "~/models/review-stats";
import type { SegmentSummaryView } from "./types";

/**
 * Hold-out size advice (issue 15), beside the hold-out share: the smallest visit-rate lift the
 * campaign could show for this audience and share (80 % power, 5 % two-sided), with a warning
 * when it is larger than such campaigns plausibly achieve.
 */
export function HoldoutAdvice({ audience, holdoutPercent }: { audience: SegmentSummaryView | null; holdoutPercent: number }) {
  const { t } = useTranslation("reviewLift");
  if (!audience || !Number.isFinite(holdoutPercent) || holdoutPercent < 0 || holdoutPercent > 50) return null;
  const baseline = audience.baseline ?? { rate: DEFAULT_BASELINE_VISIT_RATE, days: 30, source: "default" as const };
  const d = detectableLift(audience.count, holdoutPercent, baseline.rate);
  const pct = (v: number) => (v * 100).toFixed(1);
  return (
    <div className="holdout-advice" data-testid="holdout-advice" aria-live="polite">
      <h3>{t("advice.title")}</h3>
      {d.mde === null ? <p className="warn" role="note">{t("advice.noHoldout")}</p> : (
        <>
          <p data-testid="holdout-mde">{t("advice.detectable", { invited: d.invited, holdout: d.holdout, baseline: pct(d.baseline), mde: pct(d.mde) })}</p>
          <p className={d.warn ? "warn" : "muted"} role={d.warn ? "note" : undefined} data-testid={d.warn ? "holdout-warn" : "holdout-ok"}>{t(d.warn ? "advice.warn" : "advice.ok")}</p>
        </>
      )}
      <p className="muted">{baseline.source === "history" ? t("advice.baselineHistory", { days: baseline.days }) : t("advice.baselineDefault", { baseline: pct(baseline.rate) })}</p>
    </div>
  );
}
