import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "~/components/ui/field";
import { LEAD_LOST_REASONS } from "~/models/lead.constants";
import { useFormat } from "~/utils/use-format";

type Failure = { ok: false; formError?: string | null; errors?: Record<string, string>; values?: Record<string, unknown> };

/** The owner's three answers (contacted, won with a value, lost with a reason) and a new follow-up date. */
export function LeadForms({ lead, orders }: { lead: { id: number; version: number; status: string; next_follow_up: string | null }; orders: { id: number; description: string; amount_fen: number }[] }) {
  const { t } = useTranslation("leads");
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const failed = useActionData<Failure>();
  const mine = (intent: string) => (failed && failed.values?.intent === intent ? failed : null);
  const val = (intent: string, k: string, fallback = "") => String(mine(intent)?.values?.[k] ?? fallback);
  const err = (intent: string, k: string) => mine(intent)?.errors?.[k];
  const aria = (intent: string, k: string, id: string) => ({ "aria-invalid": err(intent, k) ? true : undefined, "aria-describedby": err(intent, k) ? `${id}-error` : undefined });
  const common = (intent: string) => (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="version" value={lead.version} />
      {mine(intent)?.formError ? <p className="form-error" role="alert">{t(mine(intent)!.formError as "detail.title")}</p> : null}
    </>
  );
  return (
    <section className="panel" aria-labelledby="lead-work">
      <h2 id="lead-work">{t("detail.work")}</h2>
      <div className="card-grid">
        <Form method="post" data-testid="lead-won">
          <h3>{t("detail.wonTitle")}</h3>
          {common("won")}
          <div className="field">
            <label htmlFor="won-value">{t("detail.actualValue")}</label>
            <input id="won-value" name="actualValue" inputMode="decimal" defaultValue={val("won", "actualValue")} {...aria("won", "actualValue", "won-value")} />
            <ErrorText id="won-value-error" message={err("won", "actualValue")} />
          </div>
          {orders.length ? (
            <div className="field">
              <label htmlFor="won-order">{t("detail.eventOrder")}</label>
              <select id="won-order" name="eventOrderId" defaultValue={val("won", "eventOrderId")} {...aria("won", "eventOrderId", "won-order")}>
                <option value="">{t("detail.noOrder")}</option>
                {orders.map((o) => <option key={o.id} value={o.id}>{o.description} · {f.money(o.amount_fen)}</option>)}
              </select>
              <span className="muted">{t("detail.eventOrderHint")}</span>
              <ErrorText id="won-order-error" message={err("won", "eventOrderId")} />
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="won-note">{t("detail.note")}</label>
            <input id="won-note" name="note" maxLength={500} defaultValue={val("won", "note")} />
          </div>
          <button type="submit" disabled={busy}>{t("detail.markWon")}</button>
        </Form>
        {lead.status === "new" ? (
          <Form method="post" data-testid="lead-contacted">
            <h3>{t("detail.contactedTitle")}</h3>
            {common("contacted")}
            <div className="field">
              <label htmlFor="contacted-next">{t("detail.nextFollowUp")}</label>
              <input id="contacted-next" name="nextFollowUp" type="date" defaultValue={val("contacted", "nextFollowUp", lead.next_follow_up ?? "")} {...aria("contacted", "nextFollowUp", "contacted-next")} />
              <ErrorText id="contacted-next-error" message={err("contacted", "nextFollowUp")} />
            </div>
            <div className="field">
              <label htmlFor="contacted-note">{t("detail.note")}</label>
              <input id="contacted-note" name="note" maxLength={500} defaultValue={val("contacted", "note")} />
            </div>
            <button type="submit" disabled={busy}>{t("detail.markContacted")}</button>
          </Form>
        ) : (
          <Form method="post" data-testid="lead-follow-up">
            <h3>{t("detail.followUpTitle")}</h3>
            {common("follow_up")}
            <div className="field">
              <label htmlFor="follow-next">{t("detail.nextFollowUp")}</label>
              <input id="follow-next" name="nextFollowUp" type="date" defaultValue={val("follow_up", "nextFollowUp", lead.next_follow_up ?? "")} {...aria("follow_up", "nextFollowUp", "follow-next")} />
              <ErrorText id="follow-next-error" message={err("follow_up", "nextFollowUp")} />
            </div>
            <button type="submit" disabled={busy}>{t("detail.saveFollowUp")}</button>
          </Form>
        )}
        <Form method="post" data-testid="lead-lost">
          <h3>{t("detail.lostTitle")}</h3>
          {common("lost")}
          <div className="field">
            <label htmlFor="lost-reason">{t("detail.lostReason")}</label>
            <select id="lost-reason" name="lostReason" defaultValue={val("lost", "lostReason")} {...aria("lost", "lostReason", "lost-reason")}>
              <option value="">{t("detail.choose")}</option>
              {LEAD_LOST_REASONS.map((r) => <option key={r} value={r}>{t(`lostReasons.${r}`)}</option>)}
            </select>
            <ErrorText id="lost-reason-error" message={err("lost", "lostReason")} />
          </div>
          <div className="field">
            <label htmlFor="lost-note">{t("detail.note")}</label>
            <input id="lost-note" name="note" maxLength={500} defaultValue={val("lost", "note")} />
          </div>
          <button type="submit" className="secondary" disabled={busy}>{t("detail.markLost")}</button>
        </Form>
      </div>
    </section>
  );
}
