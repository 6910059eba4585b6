import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "~/components/ui/field";
import { LEAD_DEPARTMENTS, LEAD_KINDS } from "~/models/lead.constants";

type Failure = { ok: false; formError?: string | null; errors?: Record<string, string> };

/**
 * Leads by rule at the close of the event day: "Preview" (GET) counts the guests the rule selects;
 * "Create" posts the same rule with the previewed count, which the server requires to be unchanged.
 */
export function LeadRuleForm({ values, errors, preview }: { values: Record<string, string>; errors: Record<string, string> | null; preview: { count: number; people: number } | null }) {
  const { t } = useTranslation("leads");
  const busy = useNavigation().state === "submitting";
  const failed = useActionData<Failure>();
  const e = { ...(errors ?? {}), ...(failed?.errors ?? {}) };
  const v = (k: string, d = "") => values[k] ?? d;
  const ruleFields = (
    <div className="form-grid">
      <div className="field">
        <label htmlFor="rule-kind">{t("rule.kind")}</label>
        <select id="rule-kind" name="kind" defaultValue={v("kind", "trade_in")} aria-invalid={e.kind ? true : undefined} aria-describedby={e.kind ? "rule-kind-error" : undefined}>
          {LEAD_KINDS.map((k) => <option key={k} value={k}>{t(`kinds.${k}`)}</option>)}
        </select>
        <ErrorText id="rule-kind-error" message={e.kind} />
      </div>
      <div className="field">
        <label htmlFor="rule-department">{t("rule.department")}</label>
        <select id="rule-department" name="department" defaultValue={v("department")}>
          <option value="">{t("rule.kindDepartment")}</option>
          {LEAD_DEPARTMENTS.map((d) => <option key={d} value={d}>{t(`departments.${d}`)}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="rule-years">{t("rule.minVehicleYears")}</label>
        <input id="rule-years" name="minVehicleYears" inputMode="numeric" defaultValue={v("minVehicleYears", "4")} aria-invalid={e.minVehicleYears ? true : undefined} aria-describedby={e.minVehicleYears ? "rule-years-error" : "rule-years-hint"} />
        <span className="muted" id="rule-years-hint">{t("rule.minVehicleYearsHint")}</span>
        <ErrorText id="rule-years-error" message={e.minVehicleYears} />
      </div>
      <label className="check"><input type="checkbox" name="noOrder" value="on" defaultChecked={values.kind ? values.noOrder === "on" : true} /> {t("rule.noOrder")}</label>
    </div>
  );
  return (
    <section className="panel" aria-labelledby="rule-title">
      <h2 id="rule-title">{t("rule.title")}</h2>
      <p className="muted">{t("rule.hint")}</p>
      {failed?.formError ? <p className="form-error" role="alert" data-testid="rule-error">{t(failed.formError as "rule.title")}</p> : null}
      <Form method="get" data-testid="rule-preview-form">
        {ruleFields}
        <button type="submit" className="secondary">{t("rule.preview")}</button>
      </Form>
      {preview ? (
        <Form method="post" data-testid="rule-apply-form">
          {Object.entries(values).map(([k, val]) => <input key={k} type="hidden" name={k} value={val} />)}
          <input type="hidden" name="expected" value={preview.count} />
          <p role="status" data-testid="rule-preview">{t("rule.previewCount", { count: preview.count, people: preview.people })}</p>
          <button type="submit" disabled={busy || preview.count === 0 || preview.people === 0}>{t("rule.create", { count: preview.count })}</button>
        </Form>
      ) : null}
    </section>
  );
}
