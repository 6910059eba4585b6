import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "~/components/ui/field";
import type { ReviewPage } from "~/models/review.server";
import { useFormat } from "~/utils/use-format";
import { Section } from "./parts";
import type { ActionData } from "./route";

export function Lessons({ r, actionData, busy }: { r: ReviewPage; actionData?: ActionData; busy: boolean }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const l = r.lessons;
  const fields = [["whatWorked", l.whatWorked], ["whatToChange", l.whatToChange], ["decisions", l.decisions]] as const;
  return (
    <Section id="lessons-title" title={t("review.lessonsTitle")} testId="review-lessons">
      {l.updatedAt ? <p className="muted">{t("review.lessonsSaved", { by: l.updatedByName ?? "—", time: f.dateTime(l.updatedAt) })}</p> : null}
      {r.mayEditLessons ? (
        <Form method="post" data-testid="lessons-form">
          <input type="hidden" name="intent" value="lessons" />
          <input type="hidden" name="version" value={l.version} />
          {fields.map(([k, v]) => (
            <div className="field" key={k}>
              <label htmlFor={`lessons-${k}`}>{t(`review.lessons.${k}`)}</label>
              <textarea id={`lessons-${k}`} name={k} rows={3} maxLength={4000} defaultValue={(actionData?.values?.[k] as string) ?? v ?? ""}
                aria-invalid={actionData?.errors?.[k] ? true : undefined} aria-describedby={actionData?.errors?.[k] ? `lessons-${k}-error` : undefined} />
              <ErrorText id={`lessons-${k}-error`} message={actionData?.errors?.[k]} />
            </div>
          ))}
          <button type="submit" disabled={busy}>{t("review.saveLessons")}</button>
        </Form>
      ) : (
        <dl className="summary">
          {fields.map(([k, v]) => (
            <div key={k}><dt>{t(`review.lessons.${k}`)}</dt><dd className="lessons-text">{v ?? "—"}</dd></div>
          ))}
        </dl>
      )}
    </Section>
  );
}
