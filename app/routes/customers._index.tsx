import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CustomerListQuerySchema, CUSTOMER_SORTS } from "~/models/customer.schema";
import { listCustomers } from "~/models/customer.server";
import { SnapshotNote } from "~/components/segments/snapshot-note";
import { canManage } from "~/models/permissions";
import { importBeingApplied } from "~/models/import-job.server";
import { GROUPS, PREFERENCES, TIERS, USAGES } from "~/models/domain";
import { getDb } from "~/utils/db.server";
import { parseObject } from "~/utils/form";
import { useFormat } from "~/utils/use-format";
import { requireUser } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

function searchObject(url: URL) {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key).filter((v) => v !== "");
    if (all.length) out[key] = all.length > 1 || key === "group" || key === "tier" ? all : all[0]!;
  }
  return out;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const parsed = parseObject(CustomerListQuerySchema, searchObject(new URL(request.url)));
  const query = parsed.ok ? parsed.data : CustomerListQuerySchema.parse({});
  const { total, rows, snapshot } = await listCustomers(getDb(), { storeId: ctx.store.id, viewer: ctx.user, serveLast: true, ...query });
  const importing = await importBeingApplied(getDb(), { storeId: ctx.store.id });
  return json({ query, total, canImport: canManage(ctx.user), importing, rows, snapshot });
}

export const meta = pageTitle("common:nav.customers");

export default function Customers() {
  const { t } = useTranslation(["customers", "common"]);
  const f = useFormat();
  const { query, total, rows, canImport, importing, snapshot } = useLoaderData<typeof loader>();
  const pages = Math.max(1, Math.ceil(total / query.size));
  const link = (page: number) => {
    const p = new URLSearchParams();
    if (query.q) p.set("q", query.q);
    for (const g of query.group) p.append("group", String(g));
    for (const tier of query.tier) p.append("tier", tier);
    if (query.usage) p.set("usage", query.usage);
    if (query.preference) p.set("preference", query.preference);
    p.set("sort", query.sort);
    p.set("dir", query.dir);
    p.set("size", String(query.size));
    p.set("page", String(page));
    return `?${p}`;
  };
  return (
    <>
      <h1 id="customers-h">{t("common:nav.customers")}</h1>
      {importing ? (
        <p className="notice" role="status" data-testid="import-applying">
          {importing.stalled
            ? t("customers:import.applyingStalled")
            : t("customers:import.applyingNotice", { percent: f.percent(importing.percent, 0) })}
          {canImport ? <> <Link to={`/customers/import/${importing.id}`}>{t("customers:import.viewJob")}</Link></> : null}
        </p>
      ) : null}
      {canImport ? <p><Link className="button secondary" to="/customers/import">{t("customers:import.title")}</Link></p> : null}
      <Form method="get" role="search" className="panel" key={JSON.stringify(query)}>
        <div className="row">
          <div className="field">
            <label htmlFor="q">{t("customers:searchLabel")}</label>
            <input id="q" name="q" defaultValue={query.q ?? ""} type="search" />
          </div>
        </div>
        <fieldset className="row">
          <legend>{t("customers:filters.group")}</legend>
          {GROUPS.map((g) => (
            <label key={g} className="check">
              <input type="checkbox" name="group" value={g} defaultChecked={query.group.includes(g)} />
              {g} · {t(`common:groups.${g}.name`)}
            </label>
          ))}
        </fieldset>
        <fieldset className="row">
          <legend>{t("customers:filters.tier")}</legend>
          {TIERS.map((tier) => (
            <label key={tier} className="check">
              <input type="checkbox" name="tier" value={tier} defaultChecked={query.tier.includes(tier)} />
              {t(`common:tiers.${tier}`)}
            </label>
          ))}
        </fieldset>
        <div className="row">
          <div className="field">
            <label htmlFor="usage">{t("customers:filters.usage")}</label>
            <select id="usage" name="usage" defaultValue={query.usage ?? ""}>
              <option value="">{t("customers:filters.any")}</option>
              {USAGES.map((u) => <option key={u} value={u}>{t(`common:usages.${u}`)}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="preference">{t("customers:filters.preference")}</label>
            <select id="preference" name="preference" defaultValue={query.preference ?? ""}>
              <option value="">{t("customers:filters.any")}</option>
              {PREFERENCES.map((p) => <option key={p} value={p}>{t(`common:preferences.${p}`)}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="sort">{t("customers:filters.sort")}</label>
            <select id="sort" name="sort" defaultValue={query.sort}>
              {CUSTOMER_SORTS.map((s) => <option key={s} value={s}>{t(`customers:sorts.${s}`)}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="dir">{t("customers:filters.dir")}</label>
            <select id="dir" name="dir" defaultValue={query.dir}>
              <option value="asc">{t("customers:filters.asc")}</option>
              <option value="desc">{t("customers:filters.desc")}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="size">{t("customers:filters.size")}</label>
            <select id="size" name="size" defaultValue={String(query.size)}>
              {[25, 50, 100].map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </div>
        </div>
        <div className="row">
          <button type="submit">{t("common:actions.search")}</button>
          <Link to="/customers">{t("customers:filters.reset")}</Link>
        </div>
      </Form>
      <p className="muted" data-testid="customer-total" aria-live="polite">{t("customers:total", { count: total })}</p>
      <SnapshotNote snapshot={snapshot} asOfKey="customers:list.snapshot.asOf" testId="customers-snapshot" />
      {rows.length ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="customers-h">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("customers:code")}</th>
                <th scope="col">{t("customers:name")}</th>
                <th scope="col">{t("customers:phone")}</th>
                <th scope="col">{t("customers:usage")}</th>
                <th scope="col">{t("customers:columns.group")}</th>
                <th scope="col">{t("customers:columns.tier")}</th>
                <th scope="col">{t("customers:columns.lastVisit")}</th>
                <th scope="col" className="num">{t("customers:columns.revenue")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>{c.customer_code}</td>
                  <td>
                    <Link to={`/customers/${c.id}`}>{c.name}</Link>
                    {c.do_not_contact ? <> <span className="badge bad">{t("customers:doNotContact")}</span></> : null}
                  </td>
                  <td data-testid="row-phone">{c.phone ?? "—"}</td>
                  <td>{c.usage ? t(`common:usages.${c.usage}`) : "—"}</td>
                  <td>{c.grp ? `${c.grp} · ${t(`common:groups.${c.grp}.name`)}` : "—"}</td>
                  <td>{c.tier ?? "—"}</td>
                  <td>{f.date(c.last_visit)}</td>
                  <td className="num">{f.money(c.revenue_fen, { whole: true })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t("customers:noResults")}</p>
      )}
      <nav className="row" aria-label={t("common:pagination.page", { page: query.page, pages })}>
        {query.page > 1 ? <Link to={link(query.page - 1)}>{t("common:pagination.previous")}</Link> : null}
        <span>{t("common:pagination.page", { page: query.page, pages })}</span>
        {query.page < pages ? <Link to={link(query.page + 1)}>{t("common:pagination.next")}</Link> : null}
      </nav>
    </>
  );
}
