import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "~/components/ui/field";
import { CONTACT_OUTCOMES, INVITATION_CHANNELS as CHANNELS, LOSS_REASONS, OUTCOMES, type AttemptOutcome, type Column } from "~/models/invitation.constants";

type Errors = Record<string, string> | undefined;

/** The outcomes a column accepts: a result column its own, "To contact" the contact outcomes. */
export function outcomesFor(column: Column | "any"): readonly AttemptOutcome[] {
  if (column === "any") return OUTCOMES;
  if (column === "pending") return CONTACT_OUTCOMES;
  return [column];
}

function Field({ id, label, error, children }: { id: string; label: string; error?: string; children: React.ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      <ErrorText id={`${id}-error`} message={error} />
    </div>
  );
}

const described = (id: string, error?: string) => (error ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {});

/**
 * The fields an attempt needs for its outcome (the brief's table). `column` fixes the
 * outcome (drag to a column); "any" shows every field so a form works without JavaScript
 * (the server checks what the chosen outcome requires).
 */
export function ResultFields({ idPrefix, column, errors, values, showChannel = true }: {
  idPrefix: string; column: Column | "any"; errors?: Errors; values?: Record<string, unknown>; showChannel?: boolean;
}) {
  const { t } = useTranslation(["invitations", "common"]);
  const choices = outcomesFor(column);
  const initial = (values?.outcome as AttemptOutcome | undefined) ?? choices[0]!;
  const [outcome, setOutcome] = useState<AttemptOutcome>(choices.includes(initial) ? initial : choices[0]!);
  const show = (o: AttemptOutcome) => column === "any" || outcome === o;
  const v = (k: string) => (values?.[k] === undefined || values?.[k] === null ? undefined : String(values[k]));
  const id = (k: string) => `${idPrefix}-${k}`;
  const err = (k: string) => errors?.[k];
  return (
    <>
      {choices.length > 1 ? (
        <Field id={id("outcome")} label={t("form.outcome")} error={err("outcome")}>
          <select id={id("outcome")} name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value as AttemptOutcome)} {...described(id("outcome"), err("outcome"))}>
            {choices.map((o) => <option key={o} value={o}>{t(`outcomes.${o}`)}</option>)}
          </select>
        </Field>
      ) : <input type="hidden" name="outcome" value={choices[0]} />}
      {show("callback") ? (
        <Field id={id("callbackAt")} label={t("form.callbackAt")} error={err("callbackAt")}>
          <input id={id("callbackAt")} name="callbackAt" type="datetime-local" defaultValue={v("callbackAt")} {...described(id("callbackAt"), err("callbackAt"))} />
        </Field>
      ) : null}
      {show("yes") ? (
        <>
          <div className="field check">
            <input id={id("intentVerified")} name="intentVerified" type="checkbox" defaultChecked={values?.intentVerified === "on" || values?.intentVerified === true || values?.intentVerified === "true"} />
            <label htmlFor={id("intentVerified")}>{t("form.intentVerified")}</label>
          </div>
          <Field id={id("deposit")} label={t("form.deposit")} error={err("deposit")}>
            <input id={id("deposit")} name="deposit" inputMode="decimal" defaultValue={v("deposit")} {...described(id("deposit"), err("deposit"))} />
          </Field>
          <Field id={id("depositReceipt")} label={t("form.depositReceipt")} error={err("depositReceipt")}>
            <input id={id("depositReceipt")} name="depositReceipt" defaultValue={v("depositReceipt")} maxLength={60} {...described(id("depositReceipt"), err("depositReceipt"))} />
          </Field>
        </>
      ) : null}
      {show("maybe") ? (
        <>
          <Field id={id("nextFollowUp")} label={t("form.nextFollowUp")} error={err("nextFollowUp")}>
            <input id={id("nextFollowUp")} name="nextFollowUp" type="date" defaultValue={v("nextFollowUp")} {...described(id("nextFollowUp"), err("nextFollowUp"))} />
          </Field>
          <div className="field check">
            <input id={id("managerJoins")} name="managerJoins" type="checkbox" defaultChecked={values?.managerJoins === "on" || values?.managerJoins === true || values?.managerJoins === "true"} />
            <label htmlFor={id("managerJoins")}>{t("form.managerJoins")}</label>
          </div>
        </>
      ) : null}
      {show("no") ? (
        <>
          <Field id={id("lossReason")} label={t("form.lossReason")} error={err("lossReason")}>
            <select id={id("lossReason")} name="lossReason" defaultValue={v("lossReason") ?? ""} {...described(id("lossReason"), err("lossReason"))}>
              <option value="">{t("form.choose")}</option>
              {LOSS_REASONS.map((r) => <option key={r} value={r}>{t(`lossReasons.${r}`)}</option>)}
            </select>
          </Field>
          <Field id={id("lossNote")} label={t("form.lossNote")} error={err("lossNote")}>
            <input id={id("lossNote")} name="lossNote" defaultValue={v("lossNote")} maxLength={500} {...described(id("lossNote"), err("lossNote"))} />
          </Field>
        </>
      ) : null}
      {showChannel ? (
        <Field id={id("channel")} label={t("form.channel")} error={err("channel")}>
          <select id={id("channel")} name="channel" defaultValue={v("channel") ?? "phone"}>
            {CHANNELS.map((c) => <option key={c} value={c}>{t(`channels.${c}`)}</option>)}
          </select>
        </Field>
      ) : null}
      <Field id={id("note")} label={t("form.note")} error={err("note")}>
        <input id={id("note")} name="note" defaultValue={v("note")} maxLength={500} />
      </Field>
    </>
  );
}
