import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "~/components/ui/field";
import type { ExecutionFlashValues as Flash } from "~/models/execution.schema";
import type { ExecutionPage } from "~/models/execution.server";
import { fenToYuanText } from "~/utils/money";
import { useFormat } from "~/utils/use-format";
import { useActionFor } from "./action-data";

export function CostsSection({ page, flash }: { page: ExecutionPage; flash: Flash }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const result = useActionFor("actuals");
  const missing = page.budget.filter((l) => l.actualFen === null).length;
  const planned = page.budget.reduce((s, l) => s + l.amountFen, 0);
  const actual = page.budget.reduce((s, l) => s + (l.actualFen ?? 0), 0);
  return (
    <section className="ex-section" id="costs" aria-labelledby="costs-title">
      <h2 id="costs-title">{t("costs.title")}</h2>
      {flash.saved === "actuals" ? <p className="notice" role="status" data-testid="costs-saved">{t("saved")}</p> : null}
      {result?.formError ? <p className="form-error" role="alert">{t(result.formError as "title")}</p> : null}
      <p data-testid="costs-summary">{t("costs.summary", { planned: f.money(planned), actual: f.money(actual) })} {missing ? <span className="bad">{t("costs.missingCount", { count: missing })}</span> : null}</p>
      {page.budget.length === 0 ? <p className="muted">{t("costs.none")}</p> : (
        <Form method="post" action="#costs" data-testid="costs-form">
          <input type="hidden" name="intent" value="actuals" />
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead><tr><th>{t("costs.line")}</th><th>{t("costs.payer")}</th><th className="num">{t("costs.planned")}</th><th>{t("costs.actual")}</th><th>{t("costs.note")}</th></tr></thead>
              <tbody>
                {page.budget.map((l, i) => {
                  const e = result?.errors?.[`lines.${i}.actual`];
                  const v = result?.values as Record<string, string> | undefined;
                  return (
                    <tr key={l.id}>
                      <td>{t(`campaigns:categories.${l.category}` as "title")}{l.description ? ` · ${l.description}` : ""} {l.actualFen === null ? <span className="tag tag-overdue">{t("costs.missing")}</span> : null}</td>
                      <td>{t(`campaigns:payers.${l.payer}` as "title")}</td>
                      <td className="num">{f.money(l.amountFen)}</td>
                      <td>
                        <input type="hidden" name={`lines.${i}.id`} value={l.id} />
                        <label className="visually-hidden" htmlFor={`actual-${l.id}`}>{t("costs.actualOf", { line: l.description || t(`campaigns:categories.${l.category}` as "title") })}</label>
                        <input id={`actual-${l.id}`} name={`lines.${i}.actual`} inputMode="decimal" size={10}
                          defaultValue={v?.[`lines.${i}.actual`] ?? (l.actualFen === null ? "" : fenToYuanText(l.actualFen))}
                          aria-invalid={e ? true : undefined} aria-describedby={e ? `actual-${l.id}-error` : undefined} disabled={!page.mayRecord} />
                        <ErrorText id={`actual-${l.id}-error`} message={e} />
                      </td>
                      <td>
                        <label className="visually-hidden" htmlFor={`note-${l.id}`}>{t("costs.noteOf", { line: l.description || t(`campaigns:categories.${l.category}` as "title") })}</label>
                        <input id={`note-${l.id}`} name={`lines.${i}.note`} maxLength={200} defaultValue={v?.[`lines.${i}.note`] ?? l.actualNote ?? ""} disabled={!page.mayRecord} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p><button type="submit" disabled={busy || !page.mayRecord}>{t("costs.save")}</button></p>
        </Form>
      )}
    </section>
  );
}

export function ScoresSection({ page, flash }: { page: ExecutionPage; flash: Flash }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const busy = useNavigation().state === "submitting";
  const result = useActionFor("score");
  return (
    <section className="ex-section" id="scores" aria-labelledby="scores-title">
      <h2 id="scores-title">{t("scores.title")}</h2>
      {flash.saved === "score" ? <p className="notice" role="status" data-testid="scores-saved">{t("saved")}</p> : null}
      <div className="card-grid">
        {page.scores.map((s) => {
          const mine = result?.values?.touchpoint === s.touchpoint ? result : undefined;
          const sent = mine?.values;
          const sentIndicators = sent ? ([] as unknown[]).concat(sent.indicators ?? []).map(String) : null;
          const id = `tp-${s.touchpoint}`;
          return (
            <Form method="post" action="#scores" key={s.touchpoint} data-testid={`score-${s.touchpoint}`}>
              <h3 id={`${id}-title`}>{t(`scores.touchpoints.${s.touchpoint}`)}</h3>
              <p className="muted">{s.score ? t("scores.current", { score: s.score, by: s.by ?? "—", time: f.dateTime(s.at) }) : t("scores.notScored")}</p>
              {mine?.formError ? <p className="form-error" role="alert">{t(mine.formError as "title")}</p> : null}
              <input type="hidden" name="intent" value="score" />
              <input type="hidden" name="touchpoint" value={s.touchpoint} />
              <fieldset className="score-scale" aria-describedby={mine?.errors?.score ? `${id}-score-error` : undefined}>
                <legend>{t("scores.score")}</legend>
                {[1, 2, 3, 4, 5].map((n) => (
                  <label key={n}><input type="radio" name="score" value={n} defaultChecked={sent ? String(sent.score) === String(n) : s.score === n} disabled={!page.mayRecord} /> {n}</label>
                ))}
              </fieldset>
              <ErrorText id={`${id}-score-error`} message={mine?.errors?.score} />
              <fieldset className="checks">
                <legend>{t("scores.indicators")}</legend>
                {s.indicators.map((ind) => (
                  <label key={ind}><input type="checkbox" name="indicators" value={ind} defaultChecked={sentIndicators ? sentIndicators.includes(ind) : s.checked.includes(ind)} disabled={!page.mayRecord} /> {t(`scores.indicator.${ind}`)}</label>
                ))}
              </fieldset>
              <div className="field">
                <label htmlFor={`${id}-notes`}>{t("scores.notes")}</label>
                <textarea id={`${id}-notes`} name="notes" rows={2} maxLength={1000} defaultValue={sent ? String(sent.notes ?? "") : s.notes ?? ""} disabled={!page.mayRecord} />
              </div>
              <button type="submit" disabled={busy || !page.mayRecord} aria-label={t("scores.saveOf", { touchpoint: t(`scores.touchpoints.${s.touchpoint}`) })}>{t("scores.save")}</button>
            </Form>
          );
        })}
      </div>
    </section>
  );
}
