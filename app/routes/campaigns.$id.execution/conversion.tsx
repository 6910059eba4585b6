import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { ReactNode } from "react";
import { Field, Select } from "~/components/ui/field";
import { ORDER_KINDS, ORDER_LINES } from "~/models/execution.constants";
import type { ExecutionFlashValues as Flash } from "~/models/execution.schema";
import type { ExecutionPage } from "~/models/execution.server";
import { useFormat } from "~/utils/use-format";
import { useFormFailure, type FormFailure } from "~/components/ui/use-form-failure";

export function ConversionSection({ page, flash }: { page: ExecutionPage; flash: Flash }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const order = useFormFailure("order");
  const deposit = useFormFailure("deposit");
  const chosen = String(order?.values?.arrivalId ?? deposit?.values?.arrivalId ?? flash.arrival ?? "");
  const disabled = !page.mayRecord || page.arrivals.length === 0;
  const arrivals = [{ value: "", label: t("conversion.choose") }, ...page.arrivals.map((a) => ({ value: a.id, label: `${a.name} · ${f.dateTime(a.arrivedAt)}` }))];
  /** The two forms share their frame: the title, the intent, the form error, the guest. */
  const conversionForm = (intent: "order" | "deposit", failure: FormFailure | undefined, submit: string, fields: ReactNode) => (
    <Form method="post" action="#conversion" data-testid={`${intent}-form`}>
      <h3>{t(`conversion.${intent}Title`)}</h3>
      <input type="hidden" name="intent" value={intent} />
      {failure?.formError ? <p className="form-error" role="alert">{t(failure.formError as "title")}</p> : null}
      <Select id={`${intent}-arrival`} name="arrivalId" label={t("conversion.arrival")} options={arrivals} defaultValue={chosen} key={chosen} error={failure?.errors?.arrivalId} />
      <div className="form-grid">{fields}</div>
      <button type="submit" disabled={busy || disabled}>{submit}</button>
    </Form>
  );
  return (
    <section className="ex-section" id="conversion" aria-labelledby="conversion-title">
      <h2 id="conversion-title">{t("conversion.title")}</h2>
      {flash.saved === "order" || flash.saved === "deposit" ? <p className="notice" role="status" data-testid="conversion-saved">{t(`conversion.saved.${flash.saved}`)}</p> : null}
      {!page.mayRecord ? <p className="muted">{t("errors.notRecording")}</p> : page.arrivals.length === 0 ? <p className="muted">{t("conversion.noArrivals")}</p> : null}
      <div className="card-grid">
        {conversionForm("order", order, t("conversion.saveOrder"), <>
          <Select id="order-line" name="line" label={t("conversion.line")} failure={order} defaultValue="M" options={ORDER_LINES.map((l) => ({ value: l, label: t(`common:lines.${l}`) }))} />
          <Select id="order-kind" name="kind" label={t("conversion.kind")} failure={order} defaultValue="package" options={ORDER_KINDS.map((k) => ({ value: k, label: t(`conversion.kinds.${k}`) }))} />
          <div className="wide"><Field id="order-description" name="description" label={t("conversion.description")} failure={order} maxLength={200} defaultValue="" /></div>
          <Field id="order-amount" name="amount" label={t("conversion.amount")} failure={order} inputMode="decimal" defaultValue="" />
        </>)}
        {conversionForm("deposit", deposit, t("conversion.saveDeposit"), <>
          <Field id="deposit-amount" name="amount" label={t("conversion.amount")} failure={deposit} inputMode="decimal" defaultValue="" />
          <Field id="deposit-receipt" name="receipt" label={t("conversion.receipt")} failure={deposit} maxLength={60} defaultValue="" />
        </>)}
      </div>
      <h3>{t("arrivals.title")}</h3>
      {page.arrivals.length ? (
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="arrivals-table">
            <thead><tr><th>{t("arrivals.guest")}</th><th>{t("arrivals.time")}</th><th>{t("arrivals.by")}</th><th>{t("arrivals.kind")}</th><th className="num">{t("arrivals.orders")}</th><th className="num">{t("arrivals.deposits")}</th><th>{t("leads:quick.title")}</th></tr></thead>
            <tbody>
              {page.arrivals.map((a) => (
                <tr key={a.id}>
                  <td>{a.name}</td>
                  <td>{f.dateTime(a.arrivedAt)}</td>
                  <td>{a.byName ?? "—"}</td>
                  <td>{a.holdout ? t("checkin.holdout") : a.walkIn ? t("checkin.walkIn") : a.kind === "associated" ? t("checkin.associated") : t("arrivals.invited")}{a.override ? ` · ${t("arrivals.override")}` : ""}</td>
                  <td className="num">{a.orders ? f.money(a.ordersFen) : "—"}</td>
                  <td className="num">{a.depositsFen ? f.money(a.depositsFen) : "—"}</td>
                  <td><a href={`/leads/new?invitationId=${a.invitationId}&source=order`} aria-label={t("leads:quick.for", { name: a.name })}>{t("leads:quick.link")}</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p className="muted">{t("conversion.noArrivals")}</p>}
      {page.orders.length ? (
        <>
          <h3>{t("conversion.orders")}</h3>
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="orders-table">
              <thead><tr><th>{t("arrivals.guest")}</th><th>{t("conversion.line")}</th><th>{t("conversion.kind")}</th><th>{t("conversion.description")}</th><th className="num">{t("conversion.amount")}</th><th>{t("arrivals.by")}</th></tr></thead>
              <tbody>
                {page.orders.map((o) => (
                  <tr key={o.id}><td>{o.name}</td><td>{t(`common:lines.${o.line}`)}</td><td>{t(`conversion.kinds.${o.kind}`)}</td><td>{o.description}</td><td className="num">{f.money(o.amount_fen)}</td><td>{o.by_name ?? "—"}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {page.deposits.length ? (
        <>
          <h3>{t("conversion.deposits")}</h3>
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="deposits-table">
              <thead><tr><th>{t("arrivals.guest")}</th><th className="num">{t("conversion.amount")}</th><th>{t("conversion.receipt")}</th><th>{t("arrivals.by")}</th></tr></thead>
              <tbody>
                {page.deposits.map((d) => <tr key={d.id}><td>{d.name}</td><td className="num">{f.money(d.amount_fen)}</td><td>{d.receipt ?? "—"}</td><td>{d.by_name ?? "—"}</td></tr>)}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

