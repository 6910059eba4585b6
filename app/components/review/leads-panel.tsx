import { useTranslation } from "react-i18next";
import type { CampaignLeadFigures } from "~/models/lead.server";
import { roi } from "~/models/review-math";
import { useFormat } from "~/utils/use-format";

/**
 * The review's leads (线索交叉): created by kind and department, won and their value, and the
 * revenue they add — counted once (decision 025) — beside the service revenue, with an ROI that
 * says it includes them.
 */
export function ReviewLeadsPanel({ leads, revenueFen, costFen, through, withMoney = true }: { leads: SerializeLeads; revenueFen: number; costFen: number; through: string | null; withMoney?: boolean }) {
  const { t } = useTranslation("leads");
  const f = useFormat();
  const withLeads = roi(revenueFen + leads.countedFen, costFen);
  const serviceOnly = roi(revenueFen, costFen);
  return (
    <section className="panel" id="leads" aria-labelledby="review-leads-title" data-testid="review-leads">
      <h2 id="review-leads-title">{t("review.title")}</h2>
      {leads.rows.length ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="review-leads-title">
          <table>
            <thead><tr>
              <th scope="col">{t("review.kind")}</th><th scope="col">{t("review.department")}</th>
              <th scope="col" className="num">{t("review.created")}</th><th scope="col" className="num">{t("review.open")}</th>
              <th scope="col" className="num">{t("review.won")}</th><th scope="col" className="num">{t("review.lost")}</th>
              <th scope="col" className="num">{t("review.wonValue")}</th>
            </tr></thead>
            <tbody>{leads.rows.map((r) => (
              <tr key={`${r.kind}-${r.department}`}>
                <th scope="row">{t(`kinds.${r.kind}` as "kinds.other")}</th><td>{t(`departments.${r.department}` as "departments.sales")}</td>
                <td className="num">{f.number(r.created)}</td><td className="num">{f.number(r.open)}</td>
                <td className="num">{f.number(r.won)}</td><td className="num">{f.number(r.lost)}</td><td className="num">{f.money(r.wonFen)}</td>
              </tr>
            ))}</tbody>
            <tfoot><tr>
              <th scope="row" colSpan={2}>{t("review.total")}</th>
              <td className="num">{f.number(leads.totals.created)}</td><td className="num">{f.number(leads.totals.open)}</td>
              <td className="num" data-testid="review-leads-won">{f.number(leads.totals.won)}</td><td className="num">{f.number(leads.totals.lost)}</td>
              <td className="num" data-testid="review-leads-won-value">{f.money(leads.totals.wonFen)}</td>
            </tr></tfoot>
          </table>
        </div>
      ) : <p className="muted">{t("review.none")}</p>}
      {withMoney ? <dl>
        <dt>{t("review.serviceRevenue")}</dt><dd>{f.money(revenueFen)}</dd>
        <dt>{t("review.leadRevenue")}</dt><dd data-testid="review-leads-counted">{f.money(leads.countedFen)}</dd>
        <dt>{t("review.roiService")}</dt><dd>{serviceOnly === null ? "—" : f.percent(serviceOnly)}</dd>
        <dt>{t("review.roiWithLeads")}</dt><dd data-testid="review-roi-with-leads">{withLeads === null ? "—" : f.percent(withLeads)}</dd>
      </dl> : <dl><dt>{t("review.leadRevenue")}</dt><dd data-testid="review-leads-counted">{f.money(leads.countedFen)}</dd></dl>}
      <p className="muted">{t("review.rule", { through: through ? f.date(through) : "—" })}</p>
      {leads.inOrdersFen || leads.afterSalesFen || leads.lateFen ? (
        <p className="muted">{t("review.notCounted", { orders: f.money(leads.inOrdersFen), afterSales: f.money(leads.afterSalesFen), late: f.money(leads.lateFen) })}</p>
      ) : null}
    </section>
  );
}

type SerializeLeads = CampaignLeadFigures;
