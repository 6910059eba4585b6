import { useTranslation } from "react-i18next";
import { Chart } from "~/components/charts/chart";
import type { ReviewFigures } from "~/models/review-math";
import { MIN_TRUSTED_HOLDOUT } from "~/models/review-math";
import { useFormat } from "~/utils/use-format";
import { Breakdowns } from "./breakdowns";
import { Section, Status } from "./parts";

export function Figures({ fig }: { fig: ReviewFigures }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const m = fig.money;
  const money = (v: number | null) => (v === null ? "—" : f.money(v));
  const pct = (v: number | null) => f.percent(v);
  const funnelChart = fig.funnel.filter((s) => ["audience", "reached", "yes", "maybe", "no", "arrived", "converted"].includes(s.key));
  return (
    <>
      <p className="muted" data-testid="attribution-line">
        {fig.attribution
          ? t("review.attribution", { after: f.date(fig.attribution.after), through: f.date(fig.attribution.through), days: fig.attribution.days })
          : t("review.noEventDates")}
      </p>
      <Section id="money-title" title={t("review.moneyTitle")} testId="review-money">
        <dl className="stat-grid">
          <div><dt>{t("review.revenue")}</dt><dd data-testid="money-revenue">{f.money(m.revenueFen)}</dd></div>
          <div><dt>{t("review.actualCost")}</dt><dd data-testid="money-cost">{f.money(m.actualCostFen)}</dd></div>
          <div><dt>{t("review.roi")}</dt><dd data-testid="money-roi">{pct(m.roi)}</dd></div>
          <div><dt>{t("review.deposits")}</dt><dd data-testid="money-deposits">{f.money(m.depositsFen)}</dd></div>
          <div><dt>{t("review.costPerReached")}</dt><dd data-testid="money-cost-reached">{money(m.costPerReachedFen)}</dd></div>
          <div><dt>{t("review.costPerArrival")}</dt><dd data-testid="money-cost-arrival">{money(m.costPerArrivalFen)}</dd></div>
          <div><dt>{t("review.costPerConversion")}</dt><dd data-testid="money-cost-conversion">{money(m.costPerConversionFen)}</dd></div>
        </dl>
        {m.missingActuals ? <p className="bad" data-testid="missing-actuals">{t("review.missingActuals", { count: m.missingActuals })}</p> : null}
        <div className="table-wrap" tabIndex={0}>
          <table>
            <caption className="visually-hidden">{t("review.kpiMoney")}</caption>
            <thead><tr><th>{t("review.measure")}</th><th className="num">{t("review.actual")}</th><th className="num">{t("review.target")}</th><th>{t("review.status")}</th></tr></thead>
            <tbody>
              <tr><th scope="row">{t("review.revenue")}</th><td className="num">{f.money(m.revenueFen)}</td><td className="num">{money(m.kpi.revenue.target)}</td><td><Status status={m.kpi.revenue.status} /></td></tr>
              <tr><th scope="row">{t("review.deposits")}</th><td className="num">{f.money(m.depositsFen)}</td><td className="num">{money(m.kpi.deposits.target)}</td><td><Status status={m.kpi.deposits.status} /></td></tr>
              <tr><th scope="row">{t("review.roi")}</th><td className="num">{pct(m.roi)}</td><td className="num">{m.kpi.roi.target === null ? "—" : `${f.number(m.kpi.roi.target)}%`}</td><td><Status status={m.kpi.roi.status} /></td></tr>
            </tbody>
          </table>
        </div>
        <h3>{t("review.revenueTitle")}</h3>
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="revenue-table">
            <tbody>
              <tr><th scope="row">{t("review.ordersLabel")} ({m.ordersCount})</th><td className="num" data-testid="money-orders">{f.money(m.ordersFen)}</td></tr>
              {m.ordersByLine.map((l) => <tr key={l.line}><td>· {t(`common:lines.${l.line}` as "title")} ({l.count})</td><td className="num">{f.money(l.amountFen)}</td></tr>)}
              {m.ordersByKind.map((k) => <tr key={k.kind}><td>· {t(`conversion.kinds.${k.kind}`)} ({k.count})</td><td className="num">{f.money(k.amountFen)}</td></tr>)}
              <tr><th scope="row">{t("review.visitsLabel")} ({m.visitsCount})</th><td className="num" data-testid="money-visits">{f.money(m.visitsFen)}</td></tr>
              <tr><th scope="row">{t("review.revenue")}</th><td className="num">{f.money(m.revenueFen)}</td></tr>
              <tr><th scope="row">{t("review.advanceDeposits")}</th><td className="num">{f.money(m.advanceDepositsFen)}</td></tr>
              <tr><th scope="row">{t("review.dayDeposits")}</th><td className="num">{f.money(m.dayDepositsFen)}</td></tr>
            </tbody>
          </table>
        </div>
        <h3 id="budget-title">{t("review.budgetTitle")}</h3>
        <Chart labels={m.byCategory.map((l) => t(`campaigns:categories.${l.key}` as "title"))}
          series={[{ label: t("review.planned"), values: m.byCategory.map((l) => l.plannedFen / 100) }, { label: t("review.actual"), values: m.byCategory.map((l) => l.actualFen / 100) }]} />
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="budget-table" aria-labelledby="budget-title">
            <thead><tr><th>{t("review.category")}</th><th className="num">{t("review.planned")}</th><th className="num">{t("review.actual")}</th><th className="num">{t("review.missing")}</th></tr></thead>
            <tbody>
              {m.byCategory.map((l) => <tr key={l.key}><td>{t(`campaigns:categories.${l.key}` as "title")}</td><td className="num">{f.money(l.plannedFen)}</td><td className="num">{f.money(l.actualFen)}</td><td className="num">{l.missing || "—"}</td></tr>)}
              {m.byPayer.map((l) => <tr key={l.key}><td>{t("review.payer", { payer: t(`campaigns:payers.${l.key}` as "title") })}</td><td className="num">{f.money(l.plannedFen)}</td><td className="num">{f.money(l.actualFen)}</td><td className="num">{l.missing || "—"}</td></tr>)}
              <tr><th scope="row">{t("review.total")}</th><td className="num">{f.money(m.plannedFen)}</td><td className="num">{f.money(m.actualCostFen)}</td><td className="num">{m.missingActuals || "—"}</td></tr>
            </tbody>
          </table>
        </div>
      </Section>

      <Section id="funnel-title" title={t("review.funnelTitle")} testId="review-funnel">
        <Chart labels={funnelChart.map((s) => t(`review.stages.${s.key}`))} series={[{ label: t("review.count"), values: funnelChart.map((s) => s.count) }]} horizontal height={240} />
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="funnel-table">
            <thead><tr><th>{t("review.stage")}</th><th className="num">{t("review.count")}</th><th className="num">{t("review.rate")}</th><th className="num">{t("review.target")}</th><th>{t("review.status")}</th></tr></thead>
            <tbody>
              {fig.funnel.map((s) => (
                <tr key={s.key} data-testid={`funnel-${s.key}`}>
                  <th scope="row">{t(`review.stages.${s.key}`)}</th>
                  <td className="num" data-testid={`funnel-${s.key}-count`}>{f.number(s.count)}</td>
                  <td className="num">{s.key === "audience" ? "—" : pct(s.rate)}</td>
                  <td className="num">{s.targetRate !== null ? pct(s.targetRate) : s.target !== null ? f.number(s.target) : "—"}</td>
                  <td><Status status={s.status} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">{t("review.funnelNote")}</p>
      </Section>

      <Section id="lift-title" title={t("review.liftTitle")} testId="review-lift">
        {!fig.lift ? <p className="muted" data-testid="lift-none">{t("review.noHoldout")}</p> : (
          <>
            {fig.lift.tooSmall ? <p className="warn" role="note" data-testid="lift-too-small">{t("review.holdoutTooSmall", { size: fig.lift.holdout.size, min: MIN_TRUSTED_HOLDOUT })}</p> : null}
            <div className="table-wrap" tabIndex={0}>
              <table data-testid="lift-table">
                <thead><tr><th>{t("review.group")}</th><th className="num">{t("review.size")}</th><th className="num">{t("review.visitors")}</th><th className="num">{t("review.visitRate")}</th><th className="num">{t("review.groupRevenue")}</th><th className="num">{t("review.revenuePerCustomer")}</th></tr></thead>
                <tbody>
                  {(["invited", "holdout"] as const).map((g) => {
                    const x = fig.lift![g];
                    return (
                      <tr key={g}>
                        <th scope="row">{t(`review.groups.${g}`)}</th>
                        <td className="num" data-testid={`lift-${g}-size`}>{f.number(x.size)}</td>
                        <td className="num">{f.number(x.visitors)}</td>
                        <td className="num" data-testid={`lift-${g}-rate`}>{pct(x.visitRate)}</td>
                        <td className="num">{f.money(x.revenueFen)}</td>
                        <td className="num">{x.revenuePerCustomerFen === null ? "—" : f.money(Math.round(x.revenuePerCustomerFen))}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <dl className="stat-grid">
              <div><dt>{t("review.visitRateDiff")}</dt><dd>{fig.lift.visitRateDiff === null ? "—" : `${fig.lift.visitRateDiff >= 0 ? "+" : ""}${pct(fig.lift.visitRateDiff)}`}</dd></div>
              <div><dt>{t("review.incrementalRevenue")}</dt><dd data-testid="lift-incremental">{money(fig.lift.incrementalRevenueFen)}</dd></div>
              <div><dt>{t("review.incrementalRoi")}</dt><dd data-testid="lift-incremental-roi">{pct(fig.lift.incrementalRoi)}</dd></div>
            </dl>
            <p className="muted">{t("review.liftNote")}</p>
          </>
        )}
      </Section>
      <Breakdowns fig={fig} />
    </>
  );
}
