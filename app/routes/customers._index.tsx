import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { listCustomers, maskPhone } from "~/models/customer.server";
import { getDb } from "~/utils/db.server";
import { isManager, requireUser } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

const Query = z.object({
  q: z.string().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1),
  size: z.coerce.number().pipe(z.union([z.literal(25), z.literal(50), z.literal(100)])).catch(25),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const params = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { total, rows } = await listCustomers(getDb(), { storeId: ctx.store.id, q: params.q, page: params.page, pageSize: params.size });
  const showPhone = isManager(ctx);
  return json({
    ...params, total,
    rows: rows.map((r) => ({ ...r, phone: showPhone ? r.phone : maskPhone(r.phone) })),
  });
}

export const meta = pageTitle("common:nav.customers");

export default function Customers() {
  const { t } = useTranslation(["customers", "common"]);
  const data = useLoaderData<typeof loader>();
  const pages = Math.max(1, Math.ceil(data.total / data.size));
  const pageLink = (page: number) => `?${new URLSearchParams({ ...(data.q ? { q: data.q } : {}), page: String(page), size: String(data.size) })}`;
  return (
    <>
      <h1>{t("common:nav.customers")}</h1>
      <Form method="get" className="row" role="search">
        <div className="field">
          <label htmlFor="q">{t("customers:searchLabel")}</label>
          <input id="q" name="q" defaultValue={data.q ?? ""} type="search" />
        </div>
        <button type="submit">{t("common:actions.search")}</button>
      </Form>
      <p className="muted" data-testid="customer-total">{t("customers:total", { count: data.total })}</p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr><th>{t("customers:code")}</th><th>{t("customers:name")}</th><th>{t("customers:phone")}</th><th>{t("customers:usage")}</th></tr>
          </thead>
          <tbody>
            {data.rows.map((c) => (
              <tr key={c.id}>
                <td>{c.customer_code}</td>
                <td><Link to={`/customers/${c.id}`}>{c.name}</Link></td>
                <td>{c.phone}</td>
                <td>{c.usage ? t(`common:usages.${c.usage}`) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="row" aria-label={t("common:pagination.page", { page: data.page, pages })}>
        {data.page > 1 ? <Link to={pageLink(data.page - 1)}>{t("common:pagination.previous")}</Link> : null}
        <span>{t("common:pagination.page", { page: data.page, pages })}</span>
        {data.page < pages ? <Link to={pageLink(data.page + 1)}>{t("common:pagination.next")}</Link> : null}
      </nav>
    </>
  );
}
