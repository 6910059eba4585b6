import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Checkbox, DateTimeField, Field, Select } from "~/components/ui/field";
import { CONTACT_OUTCOMES, INVITATION_CHANNELS as CHANNELS, LOSS_REASONS, OUTCOMES, type AttemptOutcome, type Column } from "~/models/invitation.constants";

type Errors = Record<string, string> | undefined;

/** The outcomes a column accepts: a result column its own, "To contact" the contact outcomes. */
export function outcomesFor(column: Column | "any"): readonly AttemptOutcome[] {
  if (column === "any") return OUTCOMES;
  if (column === "pending") return CONTACT_OUTCOMES;
  return [column];
}

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
  /** a check box as sent: a form's "on", a JSON true */
  const on = (k: string) => values?.[k] === "on" || values?.[k] === true || values?.[k] === "true";
  return (
    <>
      {choices.length > 1 ? (
        <Select id={id("outcome")} name="outcome" label={t("form.outcome")} error={err("outcome")} value={outcome} onChange={(e) => setOutcome(e.target.value as AttemptOutcome)}
          options={choices.map((o) => ({ value: o, label: t(`outcomes.${o}`) }))} />
      ) : <input type="hidden" name="outcome" value={choices[0]} />}
      {show("callback") ? <DateTimeField id={id("callbackAt")} name="callbackAt" label={t("form.callbackAt")} error={err("callbackAt")} defaultValue={v("callbackAt")} /> : null}
      {show("yes") ? (
        <>
          <Checkbox id={id("intentVerified")} name="intentVerified" label={t("form.intentVerified")} defaultChecked={on("intentVerified")} />
          <Field id={id("deposit")} name="deposit" label={t("form.deposit")} error={err("deposit")} inputMode="decimal" defaultValue={v("deposit")} />
          <Field id={id("depositReceipt")} name="depositReceipt" label={t("form.depositReceipt")} error={err("depositReceipt")} defaultValue={v("depositReceipt")} maxLength={60} />
        </>
      ) : null}
      {show("maybe") ? (
        <>
          <DateTimeField dateOnly id={id("nextFollowUp")} name="nextFollowUp" label={t("form.nextFollowUp")} error={err("nextFollowUp")} defaultValue={v("nextFollowUp")} />
          <Checkbox id={id("managerJoins")} name="managerJoins" label={t("form.managerJoins")} defaultChecked={on("managerJoins")} />
        </>
      ) : null}
      {show("no") ? (
        <>
          <Select id={id("lossReason")} name="lossReason" label={t("form.lossReason")} error={err("lossReason")} defaultValue={v("lossReason") ?? ""}
            options={[{ value: "", label: t("form.choose") }, ...LOSS_REASONS.map((r) => ({ value: r, label: t(`lossReasons.${r}`) }))]} />
          <Field id={id("lossNote")} name="lossNote" label={t("form.lossNote")} error={err("lossNote")} defaultValue={v("lossNote")} maxLength={500} />
        </>
      ) : null}
      {showChannel ? (
        <Select id={id("channel")} name="channel" label={t("form.channel")} error={err("channel")} defaultValue={v("channel") ?? "phone"}
          options={CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))} />
      ) : null}
      <Field id={id("note")} name="note" label={t("form.note")} error={err("note")} defaultValue={v("note")} maxLength={500} />
    </>
  );
}
