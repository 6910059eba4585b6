import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { NO_SHOW_OUTCOMES, NO_SHOW_REASONS } from "~/models/no-shows.constants";
import { useFormat } from "~/utils/use-format";

type Row = {
  id: number; name: string; phone: string | null; assignee: string | null;
  steps: { at: string; outcome: string; reason: string | null; note: string | null; by: string | null; rebookName: string | null }[];
};

/** The no-show follow-up list (爽约回访): each no-show with its appended steps and a form for the next. */
export function NoShowList({ rows, later, errors, values }: { rows: Row[]; later: { id: number; name: string }[]; errors: Record<string, string> | null; values: Record<string, string> | null }) {
  const fmt = useFormat();
  const { t } = useTranslation("noShows");
  if (rows.length === 0) return <p className="muted" data-testid="no-shows-none">{t("none")}</p>;
  return (
    <ul className="no-show-list" data-testid="no-shows">
      {rows.map((r) => {
        const mine = values?.invitationId === String(r.id);
        const err = (f: string) => (mine && errors?.[f] ? <span className="error" id={`ns-${r.id}-${f}-err`}>{t(errors[f]!.replace("noShows:", "") as "title")}</span> : null);
        return (
          <li key={r.id} data-testid="no-show">
            <h2>{r.name} <span className="muted">{r.phone ?? ""}</span></h2>
            <p className="muted">{t("assignee")}: {r.assignee ?? "—"}</p>
            {r.steps.length ? (
              <ol aria-label={t("steps")}>
                {r.steps.map((s, k) => (
                  <li key={k}>{fmt.dateTime(s.at)} · {s.by ?? ""} · {t(`outcomes.${s.outcome}` as "title")}{s.reason ? ` · ${t(`reasons.${s.reason}` as "title")}` : ""}{s.rebookName ? ` → ${s.rebookName}` : ""}{s.note ? ` · ${s.note}` : ""}</li>
                ))}
              </ol>
            ) : null}
            <Form method="post" className="field-grid">
              <input type="hidden" name="invitationId" value={r.id} />
              <label>{t("outcome")}
                <select name="outcome" defaultValue={mine ? values?.outcome : ""} aria-describedby={`ns-${r.id}-outcome-err`}>
                  <option value="">{t("pick")}</option>
                  {NO_SHOW_OUTCOMES.map((o) => <option key={o} value={o}>{t(`outcomes.${o}`)}</option>)}
                </select>
              </label>{err("outcome")}
              <label>{t("reason")}
                <select name="reason" defaultValue={mine ? values?.reason : ""} aria-describedby={`ns-${r.id}-reason-err`}>
                  <option value="">{t("pick")}</option>
                  {NO_SHOW_REASONS.map((o) => <option key={o} value={o}>{t(`reasons.${o}`)}</option>)}
                </select>
              </label>{err("reason")}
              <label>{t("rebook")}
                <select name="rebookCampaignId" defaultValue={mine ? values?.rebookCampaignId : ""} aria-describedby={`ns-${r.id}-rebookCampaignId-err`}>
                  <option value="">{t("pick")}</option>
                  {later.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
                </select>
              </label>{err("rebookCampaignId")}
              <label>{t("note")}<input name="note" maxLength={500} defaultValue={mine ? values?.note : ""} /></label>{err("note")}{err("_form")}
              <button type="submit">{t("record")}</button>
            </Form>
          </li>
        );
      })}
    </ul>
  );
}
