import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SnapshotNote } from "~/components/segments/snapshot-note";
import { TIERS, type GroupNumber } from "~/models/domain";
import { listSegmentsWithCounts, storeOverview } from "~/models/segment.server";
import { getDb } from "~/utils/db.server";
import { useFormat } from "~/utils/use-format";
import { isManager, requireUser } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const db = getDb();
  // the last snapshot at once, a newer one computed in the background (PostgreSQL; decision 006)
  const overview = await storeOverview(db, { storeId: ctx.store.id, serveLast: true });
  const segments = await listSegmentsWithCounts(db, { storeId: ctx.store.id, serveLast: true });
  return json({ overview, segments, canCreate: isManager(ctx) });
}

export const meta = pageTitle("common:nav.segments");

/** Matrix layout: rows I low/high; columns (R, M) = LL, LH, HL, HH → group 1 + M + 2R + 4I. */
const MATRIX_COLUMNS = [[0, 0], [0, 1], [1, 0], [1, 1]] as const;

export default function Segments() {
  const { t } = useTranslation(["customers", "common"]);
  const f = useFormat();
  const { overview, segments, canCreate } = useLoaderData<typeof loader>();
  const hl = (b: number) => (b ? t("customers:segments.overview.high") : t("customers:segments.overview.low"));
  return (
    <>
      <h1>{t("common:nav.segments")}</h1>
      <section className="panel" aria-labelledby="saved-h">
        <div className="row" style={{ justifyContent: "space-between" }}>
          <h2 id="saved-h">{t("customers:segments.saved")}</h2>
          {canCreate ? <Link to="/segments/new" className="button">{t("customers:segments.new")}</Link> : null}
        </div>
        {segments.length ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="saved-h">
            <table data-testid="segment-list">
              <thead><tr>
                <th scope="col">{t("customers:segments.name")}</th><th scope="col">{t("customers:segments.description")}</th>
                <th scope="col" className="num">{t("customers:segments.members")}</th><th scope="col" className="num">{t("customers:segments.doNotContact")}</th>
                <th scope="col">{t("customers:segments.updated")}</th>
              </tr></thead>
              <tbody>{segments.map((s) => (
                <tr key={s.id}>
                  <td><Link to={`/segments/${s.id}`}>{s.name}</Link></td><td>{s.description ?? ""}</td>
                  <td className="num" data-testid="segment-members">{f.number(s.count)}</td><td className="num">{f.number(s.doNotContact)}</td>
                  <td>{f.dateTime(s.updated_at)}</td>
                </tr>
              ))}</tbody>
            </table>
          </div>
        ) : <p className="muted">{t("customers:segments.empty")}</p>}
      </section>
      <section className="panel" aria-labelledby="overview-h">
        <h2 id="overview-h">{t("customers:segments.overview.title")}</h2>
        <SnapshotNote snapshot={overview} asOfKey="customers:segments.overview.asOf" rebuildingKey="customers:segments.overview.rebuilding" testId="segments-as-of" />
        <h3 id="matrix-h">{t("customers:segments.overview.matrix")}</h3>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="matrix-h">
          <table aria-labelledby="matrix-h" data-testid="group-matrix">
            <caption className="muted">{t("customers:segments.overview.matrixCaption")}</caption>
            <thead>
              <tr>
                <td />
                {MATRIX_COLUMNS.map(([r, m]) => <th scope="col" key={`${r}${m}`}>R {hl(r)} · M {hl(m)}</th>)}
              </tr>
            </thead>
            <tbody>
              {[0, 1].map((i) => (
                <tr key={i}>
                  <th scope="row">I {hl(i)}</th>
                  {MATRIX_COLUMNS.map(([r, m]) => {
                    const g = (1 + m + 2 * r + 4 * i) as GroupNumber;
                    return (
                      <td key={g}>
                        <Link to={`/customers?group=${g}`}>
                          <strong>{g} · {t(`common:groups.${g}.name`)}</strong><br />
                          <span data-testid={`group-${g}-count`}>{f.number(overview.byGroup[g])}</span>
                        </Link>
                        <br /><span className="muted">{t(`common:groups.${g}.tactic`)}</span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h3 id="pyramid-h">{t("customers:segments.overview.pyramid")}</h3>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="pyramid-h">
          <table aria-labelledby="pyramid-h" data-testid="pyramid">
            <caption className="muted">{t("customers:segments.overview.pyramidCaption")}</caption>
            <thead><tr><th scope="col">{t("customers:columns.tier")}</th><th scope="col" className="num">{t("customers:segments.overview.customers")}</th><td /></tr></thead>
            <tbody>
              {TIERS.map((tier, k) => (
                <tr key={tier}>
                  <th scope="row"><Link to={`/customers?tier=${tier}`}>{t(`common:tiers.${tier}`)}</Link></th>
                  <td className="num" data-testid={`tier-${tier}-count`}>{f.number(overview.byTier[tier])}</td>
                  <td style={{ minWidth: "8rem" }}>
                    <div aria-hidden="true" style={{ margin: "0 auto", height: "1rem", background: "#2f6fb3", width: `${25 + k * 25}%` }} />
                    <span className="muted">{f.percent(overview.total ? overview.byTier[tier] / overview.total : null)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
