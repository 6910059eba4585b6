import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getCustomerCard, maskPhone } from "~/models/customer.server";
import { ErrorPage } from "~/root";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { useFormat } from "~/utils/use-format";
import { isManager, requireUser } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) notFound();
  const card = await getCustomerCard(getDb(), { storeId: ctx.store.id, id });
  if (!card) notFound();
  if (!isManager(ctx)) card.customer.phone = maskPhone(card.customer.phone);
  return json(card);
}

export const meta = pageTitle<{ customer: { name: string } }>("customers:cardTitle", (d) => d.customer?.name);

export default function CustomerCard() {
  const { t } = useTranslation(["customers", "common"]);
  const f = useFormat();
  const { customer, vehicles, visits, preferences } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{customer.name} <span className="muted">{customer.customer_code}</span></h1>
      <section className="panel" aria-labelledby="contact-h">
        <h2 id="contact-h">{t("customers:contact")}</h2>
        <p>{t("customers:phone")}: <span data-testid="customer-phone">{customer.phone ?? "—"}</span></p>
        <p>{t("customers:usage")}: {customer.usage ? t(`common:usages.${customer.usage}`) : "—"}</p>
        {customer.do_not_contact ? <p className="badge bad">{t("customers:doNotContact")}</p> : null}
        <p>{t("customers:preferences")}: {preferences.length ? preferences.map((p) => t(`common:preferences.${p}` as any)).join("、") : "—"}</p>
      </section>
      <section className="panel" aria-labelledby="vehicles-h">
        <h2 id="vehicles-h">{t("customers:vehicles")}</h2>
        <div className="table-wrap">
          <table>
            <thead><tr><th>{t("customers:plate")}</th><th>VIN</th><th>{t("customers:model")}</th><th>{t("customers:purchaseDate")}</th><th>{t("customers:insuranceExpiry")}</th></tr></thead>
            <tbody>{vehicles.map((v) => (
              <tr key={v.id}><td>{v.plate}</td><td>{v.vin}</td><td>{v.model}</td><td>{f.date(v.purchase_date)}</td><td>{f.date(v.insurance_expiry)}</td></tr>
            ))}</tbody>
          </table>
        </div>
      </section>
      <section className="panel" aria-labelledby="visits-h">
        <h2 id="visits-h">{t("customers:visits")}</h2>
        <div className="table-wrap">
          <table>
            <thead><tr><th>{t("customers:visitDate")}</th><th>{t("customers:roNumber")}</th><th>{t("customers:visitType")}</th><th>{t("customers:plate")}</th><th className="num">{t("customers:amount")}</th></tr></thead>
            <tbody>{visits.map((s) => (
              <tr key={s.id}><td>{f.date(s.visit_date)}</td><td>{s.ro_number}</td><td>{t(`common:visitTypes.${s.type}` as any)}</td><td>{s.plate}</td><td className="num">{f.money(s.amount_fen)}</td></tr>
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
