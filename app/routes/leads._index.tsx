import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LeadListQuerySchema } from "~/models/lead.schema";
import { listLeads } from "~/models/lead.server";
import { canManage, isGroupAdmin, isStaff } from "~/models/permissions";
import { ErrorPage } from "~/root";
import { getDb } from "~/utils/db.server";
import { todayIn } from "~/utils/format";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";
import { useFormat } from "~/utils/use-format";

/** My leads (staff: owned or created), the store's (managers), every store's (the group admin). */
export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const url = new URL(request.url);
  const query = LeadListQuerySchema.parse({ status: url.searchParams.get("status") ?? undefined, scope: url.searchParams.get("scope") ?? undefined });
  const scope = query.scope === "mine" && canManage(ctx.user) && !url.searchParams.has("scope") ? "store" : query.scope;
  const result = await listLeads(getDb(), { storeId: ctx.store.id, actor: { id: ctx.user.id, role: ctx.user.role }, status: query.status, scope });
  const scopes = isStaff(ctx.user) ? ["mine"] : isGroupAdmin(ctx.user) ? ["mine", "store", "group"] : ["mine", "store"];
  return json({ ...result, status: query.status, scopes, me: ctx.user.id, today: todayIn(ctx.store.timezone) });
}

export const meta = pageTitle("leads:list.title");

export default function LeadsPage() {
  const { leads, scope, status, scopes, me, today } = useLoaderData<typeof loader>();
  const { t } = useTranslation("leads");
  const f = useFormat();
  return (
    <>
      <h1>{t("list.title")}</h1>
      <p className="muted">{t(`list.scopeHint.${scope}` as "list.scopeHint.mine")}</p>
      <Form method="get" className="row" aria-label={t("list.filter")}>
        <div className="field">
          <label htmlFor="lead-status">{t("list.status")}</label>
          <select id="lead-status" name="status" defaultValue={status}>
            {(["open", "closed", "all"] as const).map((s) => <option key={s} value={s}>{t(`list.statusFilter.${s}`)}</option>)}
          </select>
        </div>
        {scopes.length > 1 ? (
          <div className="field">
            <label htmlFor="lead-scope">{t("list.scope")}</label>
            <select id="lead-scope" name="scope" defaultValue={scope}>
              {scopes.map((s) => <option key={s} value={s}>{t(`list.scopes.${s}` as "list.scopes.mine")}</option>)}
            </select>
          </div>
        ) : null}
        <button type="submit">{t("list.apply")}</button>
      </Form>
      {leads.length ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="leads-caption">
          <table data-testid="leads-table">
            <caption id="leads-caption" className="visually-hidden">{t("list.title")}</caption>
            <thead><tr>
              <th scope="col">{t("list.customer")}</th><th scope="col">{t("list.kind")}</th><th scope="col">{t("list.statusCol")}</th>
              <th scope="col">{t("list.due")}</th><th scope="col">{t("list.owner")}</th><th scope="col">{t("list.campaign")}</th>
              {scope === "group" ? <th scope="col">{t("list.store")}</th> : null}
              <th scope="col" className="num">{t("list.value")}</th>
            </tr></thead>
            <tbody>{leads.map((l) => {
              const overdue = (l.status === "new" || l.status === "contacted") && l.next_follow_up !== null && l.next_follow_up < today;
              return (
                <tr key={l.id}>
                  <td><Link to={`/leads/${l.id}`}>{l.customer_name}</Link></td>
                  <td>{t(`kinds.${l.kind}` as "kinds.other")} · {t(`departments.${l.department}` as "departments.sales")}</td>
                  <td data-testid="lead-status">{t(`statuses.${l.status}` as "statuses.new")}</td>
                  <td>{l.next_follow_up ? f.date(l.next_follow_up) : "—"}{overdue ? <> <span className="badge bad">{t("list.overdue")}</span></> : null}</td>
                  <td>{l.owner_id === me ? t("list.me") : l.owner_name}</td>
                  <td>{l.campaign_name ?? "—"}</td>
                  {scope === "group" ? <td>{l.store_name}</td> : null}
                  <td className="num">{l.actual_value_fen !== null ? f.money(l.actual_value_fen) : l.expected_value_fen !== null ? `≈ ${f.money(l.expected_value_fen)}` : "—"}</td>
                </tr>
              );
            })}</tbody>
          </table>
        </div>
      ) : <p className="muted" data-testid="leads-empty">{t("list.empty")}</p>}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
