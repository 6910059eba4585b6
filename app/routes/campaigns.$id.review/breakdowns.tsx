import { useTranslation } from "react-i18next";
import { Chart } from "~/components/charts/chart";
import type { ReviewFigures } from "~/models/review-math";
import { useFormat } from "~/utils/use-format";
import { BreakdownTable, groupLabel, lossLabel, RoundTable, Section } from "./parts";

/** Who, which group, tier, round and channel brought what; loss reasons; touchpoint scores. */
export function Breakdowns({ fig }: { fig: ReviewFigures }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const pct = (v: number | null) => f.percent(v);
  return (
    <>
      <Section id="breakdown-title" title={t("review.breakdownTitle")} testId="review-breakdowns">
        <h3 id="by-staff">{t("review.byStaff")}</h3>
        {fig.byStaff.length ? (
          <div className="table-wrap" tabIndex={0}>
            <table aria-labelledby="by-staff" data-testid="by-staff">
              <thead><tr><th>{t("review.staff")}</th><th className="num">{t("review.assigned")}</th><th className="num">{t("review.reachRate")}</th><th className="num">{t("review.yesRate")}</th><th className="num">{t("review.arrivalRate")}</th><th className="num">{t("review.conversions")}</th><th className="num">{t("review.groupRevenue")}</th></tr></thead>
              <tbody>
                {fig.byStaff.map((s) => (
                  <tr key={s.key}><th scope="row">{s.name ?? "—"}</th><td className="num">{s.assigned}</td><td className="num">{pct(s.assigned ? s.reached / s.assigned : null)}</td><td className="num">{pct(s.assigned ? s.yes / s.assigned : null)}</td><td className="num">{pct(s.assigned ? s.arrived / s.assigned : null)}</td><td className="num">{s.converted}</td><td className="num">{f.money(s.revenueFen)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : <p className="muted">{t("review.none")}</p>}
        <h3 id="by-group">{t("review.byGroup")}</h3>
        <Chart labels={fig.byGroup.map((g) => groupLabel(t, g.key))} series={[{ label: t("review.invitedCount"), values: fig.byGroup.map((g) => g.invited) }, { label: t("review.arrived"), values: fig.byGroup.map((g) => g.arrived) }, { label: t("review.conversions"), values: fig.byGroup.map((g) => g.converted) }]} />
        <BreakdownTable rows={fig.byGroup} label={(k) => groupLabel(t, k)} labelledBy="by-group" testId="by-group" />
        <h3 id="by-tier">{t("review.byTier")}</h3>
        <BreakdownTable rows={fig.byTier} label={(k) => (k === "unknown" ? t("review.unknown") : t(`common:tiers.${k}` as "title"))} labelledBy="by-tier" testId="by-tier" />
        <h3 id="by-round">{t("review.byRound")}</h3>
        <RoundTable rows={fig.byRound} />
        <h3 id="by-channel">{t("review.byChannel")}</h3>
        {fig.byChannel.length ? (
          <div className="table-wrap" tabIndex={0}>
            <table aria-labelledby="by-channel" data-testid="by-channel">
              <thead><tr><th>{t("review.channel")}</th><th className="num">{t("review.attempts")}</th><th className="num">{t("review.reached")}</th><th className="num">{t("review.yes")}</th></tr></thead>
              <tbody>{fig.byChannel.map((ch) => <tr key={ch.channel}><th scope="row">{t(`invitations:channels.${ch.channel}` as "title")}</th><td className="num">{ch.attempts}</td><td className="num">{ch.reached}</td><td className="num">{ch.yes}</td></tr>)}</tbody>
            </table>
          </div>
        ) : <p className="muted">{t("review.none")}</p>}
        <h3 id="loss-title">{t("review.lossReasons")}</h3>
        {fig.lossReasons.length ? (
          <>
            <Chart labels={fig.lossReasons.map((l) => lossLabel(t, l.reason))} series={[{ label: t("review.count"), values: fig.lossReasons.map((l) => l.count) }]} horizontal height={Math.max(120, 40 * fig.lossReasons.length)} />
            <div className="table-wrap" tabIndex={0}>
              <table aria-labelledby="loss-title" data-testid="loss-reasons">
                <thead><tr><th>{t("review.reason")}</th><th className="num">{t("review.count")}</th></tr></thead>
                <tbody>{fig.lossReasons.map((l) => <tr key={l.reason}><th scope="row">{lossLabel(t, l.reason)}</th><td className="num">{l.count}</td></tr>)}</tbody>
              </table>
            </div>
          </>
        ) : <p className="muted">{t("review.none")}</p>}
      </Section>

      <Section id="touchpoints-title" title={t("review.touchpointsTitle")} testId="review-touchpoints">
        {fig.touchpoints.length ? (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead><tr><th>{t("review.touchpoint")}</th><th className="num">{t("scores.score")}</th><th>{t("scores.indicators")}</th><th>{t("scores.notes")}</th></tr></thead>
              <tbody>{fig.touchpoints.map((s) => (
                <tr key={s.touchpoint}><th scope="row">{t(`scores.touchpoints.${s.touchpoint}` as "title")}</th><td className="num">{s.score} / 5</td><td>{s.indicators.map((i) => t(`scores.indicator.${i}` as "title")).join("、") || "—"}</td><td className="lessons-text">{s.notes ?? "—"}</td></tr>
              ))}</tbody>
            </table>
          </div>
        ) : <p className="muted">{t("review.noScores")}</p>}
      </Section>
    </>
  );
}
