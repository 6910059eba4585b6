/**
 * The touchpoint scorecard across campaigns (issue 15, managers): per campaign and touchpoint, the
 * manager's score (the event page's scorecard) beside the customers' average from the invitation
 * page's survey (with how many customers answered), and the same over all campaigns.
 */
import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import styles from "~/components/charts/execution.css";
import { SURVEY_TOUCHPOINTS as TOUCHPOINT_KEYS } from "~/models/touchpoint-survey.constants";
import { touchpointScorecard, type CustomerScore } from "~/models/touchpoint-survey.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireManager } from "~/utils/session.server";
import { useFormat } from "~/utils/use-format";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  return json(await touchpointScorecard(getDb(), { storeId: ctx.store.id }));
}

export const meta = pageTitle("desk:scorecard.title");

export default function TouchpointScorecard() {
  const { rows, overall } = useLoaderData<typeof loader>();
  const { t } = useTranslation(["desk", "execution"]);
  const f = useFormat();
  const score = (manager: number | null, customers: CustomerScore) => (
    <>
      <span>{manager === null ? "—" : f.number(manager, Number.isInteger(manager) ? 0 : 1)}</span>{" / "}
      <span>{customers.average === null ? "—" : f.number(customers.average, 1)}</span>
      {customers.count ? <span className="muted"> ({t("scorecard.answers", { count: customers.count })})</span> : null}
    </>
  );
  const head = (
    <thead>
      <tr>
        <th scope="col">{t("scorecard.campaign")}</th>
        {TOUCHPOINT_KEYS.map((tp) => <th scope="col" key={tp}>{t(`execution:scores.touchpoints.${tp}` as "scorecard.title")}</th>)}
      </tr>
    </thead>
  );
  return (
    <>
      <h1>{t("scorecard.title")}</h1>
      <p className="muted">{t("scorecard.intro")}</p>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t("scorecard.title")}>
        <table data-testid="scorecard">
          {head}
          <tbody>
            <tr data-testid="scorecard-overall">
              <th scope="row">{t("scorecard.overall")}</th>
              {TOUCHPOINT_KEYS.map((tp) => <td key={tp}>{score(overall[tp].manager, overall[tp].customers)}</td>)}
            </tr>
            {rows.map((r) => (
              <tr key={r.campaignId} data-testid={`scorecard-${r.campaignId}`}>
                <th scope="row"><Link to={`/campaigns/${r.campaignId}/execution#scores`}>{r.name}</Link> <span className="muted">{f.date(r.eventStart?.slice(0, 10))}</span></th>
                {TOUCHPOINT_KEYS.map((tp) => <td key={tp}>{score(r.touchpoints[tp].manager, r.touchpoints[tp].customers)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length ? null : <p className="muted">{t("scorecard.none")}</p>}
    </>
  );
}
