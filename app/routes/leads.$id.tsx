import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LeadForms } from "~/components/leads/lead-forms";
import { LeadUpdateSchema } from "~/models/lead.schema";
import { getLead, updateLead } from "~/models/lead.server";
import { ErrorPage } from "~/root";
import { formFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { idParam, isStorageFailure, readForm, storageFailure } from "~/utils/http.server";
import { leadActorOf, leadRefusal } from "~/utils/lead-http.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";
import { useFormat } from "~/utils/use-format";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const id = idParam(params.id);
  try {
    return json(await getLead(getDb(), { storeId: ctx.store.id, actor: leadActorOf(ctx), id }));
  } catch (e) {
    return leadRefusal(e, {}) as never;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const id = idParam(params.id);
  // a lead the person may not see is a 404 whatever was posted
  await getLead(getDb(), { storeId: ctx.store.id, actor: leadActorOf(ctx), id }).catch((e) => leadRefusal(e, {}));
  const values = formDataToObject(await readForm(request));
  const parsed = parseObject(LeadUpdateSchema, values);
  if (!parsed.ok) return formFailure(400, { formError: null as string | null, errors: parsed.errors, values });
  try {
    await updateLead(getDb(), { storeId: ctx.store.id, actor: leadActorOf(ctx), id, input: parsed.data });
    return redirect(`/leads/${id}?saved=${parsed.data.intent}`);
  } catch (e) {
    if (isStorageFailure(e)) return storageFailure(e, { intent: "", errors: {}, values });
    return leadRefusal(e, values);
  }
}

export const meta = pageTitle<SerializeFrom<typeof loader>>("leads:detail.title", (d) => d?.lead?.customer_name);

export default function LeadPage() {
  const { lead, events, orders, mayWork } = useLoaderData<typeof loader>();
  const { t } = useTranslation("leads");
  const f = useFormat();
  const [params] = useSearchParams();
  const saved = params.get("saved");
  const value = (field: string | null, v: string | null) => {
    if (v === null || v === "") return "—";
    if (field === "status") return t(`statuses.${v}` as "statuses.new");
    if (field === "kind") return t(`kinds.${v}` as "kinds.other");
    if (field === "lost_reason") return t(`lostReasons.${v}` as "lostReasons.other");
    if (field === "actual_value_fen") return f.money(Number(v));
    if (field === "next_follow_up") return f.date(v);
    return v;
  };
  return (
    <>
      <h1>{t("detail.heading", { kind: t(`kinds.${lead.kind}` as "kinds.other"), name: lead.customer_name })}</h1>
      <p><Link to="/leads">{t("detail.back")}</Link></p>
      {saved ? <p className="notice" role="status" data-testid="lead-saved">{t(`detail.saved.${saved}` as "detail.saved.won")}</p> : null}
      <section className="panel" aria-labelledby="lead-facts">
        <h2 id="lead-facts">{t("detail.facts")}</h2>
        <dl>
          <dt>{t("list.customer")}</dt><dd><Link to={`/customers/${lead.customer_id}`}>{lead.customer_name}</Link> <span className="muted">{lead.customer_code}</span></dd>
          <dt>{t("list.statusCol")}</dt><dd data-testid="lead-status">{t(`statuses.${lead.status}` as "statuses.new")}{lead.lost_reason ? ` · ${t(`lostReasons.${lead.lost_reason}` as "lostReasons.other")}` : ""}</dd>
          <dt>{t("detail.department")}</dt><dd>{t(`departments.${lead.department}` as "departments.sales")}</dd>
          <dt>{t("list.owner")}</dt><dd>{lead.owner_name}</dd>
          <dt>{t("detail.createdBy")}</dt><dd>{lead.creator_name ?? "—"} · {f.dateTime(lead.created_at)} · {t(`sources.${lead.source}` as "sources.desk")}</dd>
          <dt>{t("list.campaign")}</dt><dd>{lead.campaign_id ? <Link to={`/campaigns/${lead.campaign_id}`}>{lead.campaign_name}</Link> : "—"}</dd>
          <dt>{t("list.due")}</dt><dd>{f.date(lead.next_follow_up)}</dd>
          <dt>{t("detail.expected")}</dt><dd>{lead.expected_value_fen !== null ? f.money(lead.expected_value_fen) : "—"}</dd>
          <dt>{t("detail.actual")}</dt><dd data-testid="lead-value">{lead.actual_value_fen !== null ? f.money(lead.actual_value_fen) : "—"}{lead.won_on ? ` · ${f.date(lead.won_on)}` : ""}</dd>
          <dt>{t("detail.note")}</dt><dd>{lead.note ?? "—"}</dd>
        </dl>
      </section>
      {mayWork && (lead.status === "new" || lead.status === "contacted")
        ? <LeadForms key={lead.version} lead={lead} orders={orders} />
        : !mayWork && (lead.status === "new" || lead.status === "contacted") ? <p className="muted">{t("detail.readOnly")}</p> : null}
      <section className="panel" aria-labelledby="lead-history">
        <h2 id="lead-history">{t("detail.history")}</h2>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="lead-history">
          <table>
            <thead><tr><th scope="col">{t("detail.when")}</th><th scope="col">{t("detail.who")}</th><th scope="col">{t("detail.what")}</th><th scope="col">{t("detail.old")}</th><th scope="col">{t("detail.new")}</th></tr></thead>
            <tbody>{events.map((e) => (
              <tr key={e.id}>
                <td>{f.dateTime(e.at)}</td><td>{e.display_name ?? "—"}</td><td>{t(`events.${e.field ?? e.kind}` as "events.status")}</td>
                <td>{value(e.field, e.old_value)}</td><td>{value(e.field, e.new_value)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
