import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "~/components/ui/field";
import { ORDER_KINDS, ORDER_LINES } from "~/models/execution.constants";
import type { ExecutionFlashValues as Flash } from "~/models/execution.schema";
import type { ExecutionPage } from "~/models/execution.server";
import type { FieldErrors } from "~/utils/form";
import { useFormat } from "~/utils/use-format";
import { useFormFailure } from "~/components/ui/use-form-failure";

export function ConversionSection({ page, flash }: { page: ExecutionPage; flash: Flash }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const order = useFormFailure("order");
  const deposit = useFormFailure("deposit");
  const chosen = String(order?.values?.arrivalId ?? deposit?.values?.arrivalId ?? flash.arrival ?? "");
  const disabled = !page.mayRecord || page.arrivals.length === 0;
  const arrivalSelect = (id: string, errors?: FieldErrors) => (
    <div className="field">
      <label htmlFor={id}>{t("conversion.arrival")}</label>
      <select id={id} name="arrivalId" defaultValue={chosen} key={chosen} aria-invalid={errors?.arrivalId ? true : undefined} aria-describedby={errors?.arrivalId ? `${id}-error` : undefined}>
        <option value="">{t("conversion.choose")}</option>
        {page.arrivals.map((a) => <option key={a.id} value={a.id}>{a.name} · {f.dateTime(a.arrivedAt)}</option>)}
      </select>
      <ErrorText id={`${id}-error`} message={errors?.arrivalId} />
    </div>
  );
  const err = (e: FieldErrors | undefined, k: string, id: string) => ({
    "aria-invalid": e?.[k] ? true : undefined, "aria-describedby": e?.[k] ? `${id}-error` : undefined,
  });
  return (
    <section className="ex-section" id="conversion" aria-labelledby="conversion-title">
      <h2 id="conversion-title">{t("conversion.title")}</h2>
      {flash.saved === "order" || flash.saved === "deposit" ? <p className="notice" role="status" data-testid="conversion-saved">{t(`conversion.saved.${flash.saved}`)}</p> : null}
      {!page.mayRecord ? <p className="muted">{t("errors.notRecording")}</p> : page.arrivals.length === 0 ? <p className="muted">{t("conversion.noArrivals")}</p> : null}
      <div className="card-grid">
        <Form method="post" action="#conversion" data-testid="order-form">
          <h3>{t("conversion.orderTitle")}</h3>
          <input type="hidden" name="intent" value="order" />
          {order?.formError ? <p className="form-error" role="alert">{t(order.formError as "title")}</p> : null}
          {arrivalSelect("order-arrival", order?.errors)}
          <div className="form-grid">
            <div className="field">
              <label htmlFor="order-line">{t("conversion.line")}</label>
              <select id="order-line" name="line" defaultValue={(order?.values?.line as string) ?? "M"} {...err(order?.errors, "line", "order-line")}>
                {ORDER_LINES.map((l) => <option key={l} value={l}>{t(`common:lines.${l}`)}</option>)}
              </select>
              <ErrorText id="order-line-error" message={order?.errors?.line} />
            </div>
            <div className="field">
              <label htmlFor="order-kind">{t("conversion.kind")}</label>
              <select id="order-kind" name="kind" defaultValue={(order?.values?.kind as string) ?? "package"} {...err(order?.errors, "kind", "order-kind")}>
                {ORDER_KINDS.map((k) => <option key={k} value={k}>{t(`conversion.kinds.${k}`)}</option>)}
              </select>
              <ErrorText id="order-kind-error" message={order?.errors?.kind} />
            </div>
            <div className="field wide">
              <label htmlFor="order-description">{t("conversion.description")}</label>
              <input id="order-description" name="description" maxLength={200} defaultValue={(order?.values?.description as string) ?? ""} {...err(order?.errors, "description", "order-description")} />
              <ErrorText id="order-description-error" message={order?.errors?.description} />
            </div>
            <div className="field">
              <label htmlFor="order-amount">{t("conversion.amount")}</label>
              <input id="order-amount" name="amount" inputMode="decimal" defaultValue={(order?.values?.amount as string) ?? ""} {...err(order?.errors, "amount", "order-amount")} />
              <ErrorText id="order-amount-error" message={order?.errors?.amount} />
            </div>
          </div>
          <button type="submit" disabled={busy || disabled}>{t("conversion.saveOrder")}</button>
        </Form>
        <Form method="post" action="#conversion" data-testid="deposit-form">
          <h3>{t("conversion.depositTitle")}</h3>
          <input type="hidden" name="intent" value="deposit" />
          {deposit?.formError ? <p className="form-error" role="alert">{t(deposit.formError as "title")}</p> : null}
          {arrivalSelect("deposit-arrival", deposit?.errors)}
          <div className="form-grid">
            <div className="field">
              <label htmlFor="deposit-amount">{t("conversion.amount")}</label>
              <input id="deposit-amount" name="amount" inputMode="decimal" defaultValue={(deposit?.values?.amount as string) ?? ""} {...err(deposit?.errors, "amount", "deposit-amount")} />
              <ErrorText id="deposit-amount-error" message={deposit?.errors?.amount} />
            </div>
            <div className="field">
              <label htmlFor="deposit-receipt">{t("conversion.receipt")}</label>
              <input id="deposit-receipt" name="receipt" maxLength={60} defaultValue={(deposit?.values?.receipt as string) ?? ""} />
            </div>
          </div>
          <button type="submit" disabled={busy || disabled}>{t("conversion.saveDeposit")}</button>
        </Form>
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

