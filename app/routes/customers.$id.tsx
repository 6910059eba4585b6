import { zodResolver } from "@hookform/resolvers/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { CustomerLifecycle } from "~/components/leads/customer-lifecycle";
import { SnapshotNote } from "~/components/segments/snapshot-note";
import { ErrorText, TextField } from "~/components/ui/field";
import { CustomerEditSchema } from "~/models/customer.schema";
import { getCustomerCard, updateCustomer } from "~/models/customer.server";
import { canManage } from "~/models/permissions";
import { GENDERS, LINES, PREFERENCES, USAGES } from "~/models/domain";
import { getCustomerLifecycle } from "~/models/lead.server";
import { ErrorPage } from "~/root";
import { actionFailure, formFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject, toHookFormErrors } from "~/utils/form";
import { notFound, idParam, readForm } from "~/utils/http.server";
import { useFormat } from "~/utils/use-format";
import { requireManager, requireUser } from "~/utils/session.server";
import { pageTitle } from "~/utils/meta";

const customerId = idParam;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const card = await getCustomerCard(getDb(), { storeId: ctx.store.id, id: customerId(params.id), viewer: ctx.user, serveLast: true });
  if (!card) notFound();
  const lifecycle = await getCustomerLifecycle(getDb(), { storeId: ctx.store.id, customerId: card.customer.id, actor: { id: ctx.user.id, role: ctx.user.role } });
  return json({ ...card, canEdit: canManage(ctx.user), lifecycle });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const id = customerId(params.id);
  const values = formDataToObject(await readForm(request));
  const parsed = parseObject(CustomerEditSchema, values);
  if (!parsed.ok) return formFailure(400, { errors: parsed.errors, values: parsed.values });
  try {
    const changed = await updateCustomer(getDb(), { storeId: ctx.store.id, customerId: id, userId: ctx.user.id, input: parsed.data });
    return redirect(`/customers/${id}?saved=${changed.length ? "1" : "0"}`);
  } catch (e) {
    return actionFailure(e, { values });
  }
}

export const meta = pageTitle<{ customer: { name: string } }>("customers:cardTitle", (d) => d.customer?.name);

function EditForm({ customer, preferences }: { customer: { name: string; phone: string | null; gender: string | null; usage: string | null; do_not_contact: number }; preferences: string[] }) {
  const { t } = useTranslation(["customers", "common"]);
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const values = (actionData?.values ?? null) as Record<string, unknown> | null;
  const form = useForm({ resolver: zodResolver(CustomerEditSchema), errors: toHookFormErrors(actionData?.errors) as any });
  const errors = form.formState.errors as Record<string, { message?: string } | undefined>;
  const str = (k: string, fallback: string | null) => (values ? String(values[k] ?? "") : fallback ?? "");
  const prefValues = values ? ([] as unknown[]).concat(values.preferences ?? []) : preferences;
  return (
    <section className="panel" aria-labelledby="edit-h">
      <h2 id="edit-h">{t("customers:edit.title")}</h2>
      {actionData?.formError ? <p className="form-error" role="alert">{t(actionData.formError as "common:errors.invalid")}</p> : null}
      <Form method="post" noValidate onSubmit={form.handleSubmit((_, e) => submit(e!.target as HTMLFormElement))}>
        <TextField label={t("customers:name")} defaultValue={str("name", customer.name)} error={errors.name?.message} {...form.register("name")} />
        <TextField label={t("customers:phone")} inputMode="tel" defaultValue={str("phone", customer.phone)} error={errors.phone?.message} {...form.register("phone")} />
        <div className="row">
          <div className="field">
            <label htmlFor="edit-gender">{t("customers:gender")}</label>
            <select id="edit-gender" defaultValue={str("gender", customer.gender)} {...form.register("gender")}>
              <option value="">{t("customers:edit.none")}</option>
              {GENDERS.map((g) => <option key={g} value={g}>{t(`common:genders.${g}`)}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="edit-usage">{t("customers:usage")}</label>
            <select id="edit-usage" defaultValue={str("usage", customer.usage)} {...form.register("usage")}>
              <option value="">{t("customers:edit.none")}</option>
              {USAGES.map((u) => <option key={u} value={u}>{t(`common:usages.${u}`)}</option>)}
            </select>
          </div>
        </div>
        <fieldset>
          <legend>{t("customers:preferences")}</legend>
          <div className="row">
            {PREFERENCES.map((p) => (
              <label key={p}>
                <input type="checkbox" value={p} defaultChecked={prefValues.includes(p)} {...form.register("preferences")} /> {t(`common:preferences.${p}`)}
              </label>
            ))}
          </div>
          <ErrorText message={errors.preferences?.message} />
        </fieldset>
        <p>
          <label>
            <input type="checkbox" defaultChecked={values ? values.doNotContact === "on" : customer.do_not_contact === 1} {...form.register("doNotContact")} />{" "}
            {t("customers:edit.doNotContactLabel")}
          </label>
        </p>
        <button type="submit" disabled={navigation.state === "submitting"}>{t("customers:edit.submit")}</button>
      </Form>
    </section>
  );
}

/** "Import #12 (客户.csv)": the source of a change an import made; a link to the job for managers. */
function ImportSource({ id, file, link }: { id: number; file: string | null; link: boolean }) {
  const { t } = useTranslation("customers");
  const text = file ? t("changes.byImport", { id, file }) : t("changes.byImportNoFile", { id });
  return link ? <Link to={`/customers/import/${id}`}>{text}</Link> : <>{text}</>;
}

export default function CustomerCard() {
  const { t } = useTranslation(["customers", "common"]);
  const f = useFormat();
  const [params] = useSearchParams();
  const { customer, vehicles, visits, preferences, totals, segment, snapshot, changes, canEdit, lifecycle } = useLoaderData<typeof loader>();
  const label = (field: string, value: string | null) => {
    if (value === null || value === "") return "—";
    switch (field) {
      case "usage": return t(`common:usages.${value}` as any);
      case "gender": return t(`common:genders.${value}` as any);
      case "do_not_contact": return value === "1" ? t("customers:yes") : t("customers:no");
      case "preferences": return value.split(";").map((p) => t(`common:preferences.${p}` as any)).join("、");
      default: return value;
    }
  };
  const saved = params.get("saved");
  return (
    <>
      <h1>{customer.name} <span className="muted">{customer.customer_code}</span></h1>
      {saved ? <p className="notice" role="status">{saved === "1" ? t("customers:edit.saved") : t("customers:edit.unchanged")}</p> : null}
      <div className="grid">
        <section className="panel" aria-labelledby="contact-h">
          <h2 id="contact-h">{t("customers:contact")}</h2>
          <dl>
            <dt>{t("customers:phone")}</dt><dd data-testid="customer-phone">{customer.phone ?? "—"}</dd>
            <dt>{t("customers:gender")}</dt><dd>{customer.gender ? t(`common:genders.${customer.gender}`) : "—"}</dd>
            <dt>{t("customers:usage")}</dt><dd>{customer.usage ? t(`common:usages.${customer.usage}`) : "—"}</dd>
            <dt>{t("customers:consent")}</dt>
            <dd data-testid="customer-consent">{customer.do_not_contact ? <span className="badge bad">{t("customers:doNotContact")}</span> : t("customers:consentYes")}</dd>
            <dt>{t("customers:preferences")}</dt>
            <dd>{preferences.length ? preferences.map((p) => t(`common:preferences.${p}` as any)).join("、") : "—"}</dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="seg-h">
          <h2 id="seg-h">{t("customers:segmentation.title")}</h2>
          <SnapshotNote snapshot={snapshot} asOfKey="customers:segmentation.asOf" testId="customer-snapshot" />
          {segment ? (
            <dl>
              <dt>{t("customers:segmentation.group")}</dt>
              <dd data-testid="customer-group">{segment.group} · {t(`common:groups.${segment.group}.name`)}</dd>
              <dt>{t("customers:segmentation.tactic")}</dt><dd>{t(`common:groups.${segment.group}.tactic`)}</dd>
              <dt>{t("customers:segmentation.tier")}</dt><dd data-testid="customer-tier">{t(`common:tiers.${segment.tier}`)}</dd>
              <dt>{t("customers:segmentation.rfm")} <span className="muted">({t("customers:segmentation.rfmHint")})</span></dt>
              <dd>{t("customers:segmentation.r")} {segment.r} · {t("customers:segmentation.f")} {segment.f} · {t("customers:segmentation.m")} {segment.m}</dd>
              <dt>{t("customers:segmentation.lastVisit")}</dt><dd>{f.date(segment.lastVisit)}</dd>
              <dt>{t("customers:segmentation.revenue")}</dt><dd>{f.money(segment.revenueFen)}</dd>
              <dt>{t("customers:segmentation.vehicleAge")}</dt><dd>{t(`customers:vehicleAges.${segment.vehicleAge}` as any)}</dd>
              <dt>{t("customers:segmentation.warranty")}</dt><dd>{t(`customers:warranties.${segment.warranty}` as any)}</dd>
              <dt>{t("customers:segmentation.insuranceDue")}</dt><dd>{segment.insuranceDue ? t("customers:yes") : t("customers:no")}</dd>
            </dl>
          ) : <p data-testid="customer-no-segment">{t(snapshot.computedAt ? "customers:list.snapshot.notInSnapshot" : "customers:segmentation.none")}</p>}
        </section>
      </div>
      <CustomerLifecycle customerId={customer.id} name={customer.name} lifecycle={lifecycle} />
      <section className="panel" aria-labelledby="vehicles-h">
        <h2 id="vehicles-h">{t("customers:vehicles")}</h2>
        {vehicles.length ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="vehicles-h">
            <table>
              <thead><tr>
                <th scope="col">{t("customers:plate")}</th><th scope="col">VIN</th><th scope="col">{t("customers:model")}</th>
                <th scope="col">{t("customers:purchaseDate")}</th><th scope="col">{t("customers:warrantyEnd")}</th>
                <th scope="col">{t("customers:insuranceExpiry")}</th><th scope="col" className="num">{t("customers:mileage")}</th>
              </tr></thead>
              <tbody>{vehicles.map((v) => (
                <tr key={v.id}>
                  <td>{v.plate ?? "—"}</td><td>{v.vin}</td><td>{v.model ?? "—"}</td><td>{f.date(v.purchase_date)}</td>
                  <td>{f.date(v.warranty_end)}</td><td>{f.date(v.insurance_expiry)}</td><td className="num">{v.mileage_km === null ? "—" : f.number(v.mileage_km)}</td>
                </tr>
              ))}</tbody>
            </table>
          </div>
        ) : <p>{t("customers:noVehicles")}</p>}
      </section>
      <section className="panel" aria-labelledby="totals-h">
        <h2 id="totals-h">{t("customers:totals.title")}</h2>
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="totals-h">
          <table>
            <thead><tr><th scope="col">{t("customers:totals.line")}</th><th scope="col" className="num">{t("customers:totals.visits")}</th><th scope="col" className="num">{t("customers:totals.amount")}</th></tr></thead>
            <tbody>{LINES.map((l) => (
              <tr key={l}><th scope="row">{t(`common:lines.${l}`)}</th><td className="num">{f.number(totals[l].visits)}</td><td className="num">{f.money(totals[l].amount_fen)}</td></tr>
            ))}</tbody>
          </table>
        </div>
      </section>
      <section className="panel" aria-labelledby="visits-h">
        <h2 id="visits-h">{t("customers:visits")}</h2>
        {visits.length ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="visits-h">
            <table>
              <thead><tr><th scope="col">{t("customers:visitDate")}</th><th scope="col">{t("customers:roNumber")}</th><th scope="col">{t("customers:visitType")}</th><th scope="col">{t("customers:plate")}</th><th scope="col" className="num">{t("customers:amount")}</th></tr></thead>
              <tbody>{visits.map((s) => (
                <tr key={s.id}><td>{f.date(s.visit_date)}</td><td>{s.ro_number}</td><td>{t(`common:visitTypes.${s.type}` as any)}</td><td>{s.plate ?? "—"}</td><td className="num">{f.money(s.amount_fen)}</td></tr>
              ))}</tbody>
            </table>
          </div>
        ) : <p>{t("customers:noVisits")}</p>}
      </section>
      <section className="panel" aria-labelledby="campaigns-h">
        <h2 id="campaigns-h">{t("customers:campaigns.title")}</h2>
        <p className="muted">{t("customers:campaigns.empty")}</p>
      </section>
      <section className="panel" aria-labelledby="changes-h">
        <h2 id="changes-h">{t("customers:changes.title")}</h2>
        {changes.length ? (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="changes-h">
            <table data-testid="customer-changes">
              <thead><tr><th scope="col">{t("customers:changes.when")}</th><th scope="col">{t("customers:changes.who")}</th><th scope="col">{t("customers:changes.field")}</th><th scope="col">{t("customers:changes.old")}</th><th scope="col">{t("customers:changes.new")}</th></tr></thead>
              <tbody>{changes.map((c) => (
                <tr key={c.id}>
                  <td>{f.dateTime(c.changed_at)}</td>
                  <td data-testid={c.import_job_id ? "change-by-import" : undefined}>
                    {c.import_job_id ? <ImportSource id={c.import_job_id} file={c.import_file} link={canEdit} /> : c.display_name ?? "—"}
                  </td>
                  <td>{t(`customers:changes.fields.${c.field}` as any)}</td>
                  <td>{label(c.field, c.old_value)}</td><td>{label(c.field, c.new_value)}</td>
                </tr>
              ))}</tbody>
            </table>
          </div>
        ) : <p className="muted">{t("customers:changes.empty")}</p>}
      </section>
      {canEdit ? <EditForm key={customer.id} customer={customer} preferences={preferences} /> : null}
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
