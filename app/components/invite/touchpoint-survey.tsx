/**
 * The invitation page after the guest was checked in (issue 15): one question per touchpoint,
 * answered with one tap on 1–5, then "send". Works without JavaScript (a document post: the
 * route redirects back with `?survey=` thanks or what was wrong); with it, the form posts through
 * a fetcher and a refusal comes back in the one failure shape (decision 023), its message beside
 * the form and the scale it is about, the taps kept. The latest answer is shown ticked; sending
 * again adds a new answer (the latest counts).
 */
import { useFetcher } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "~/components/ui/field";
import { SURVEY_SCORES, SURVEY_TOUCHPOINTS, type SurveyTouchpoint } from "~/models/touchpoint-survey.constants";
import type { FormFailure } from "~/utils/form";

export function TouchpointSurvey({ token, latest, status }: { token: string; latest: Record<SurveyTouchpoint, number | null>; status: string | null }) {
  const { t } = useTranslation(["desk"]);
  const fetcher = useFetcher<FormFailure>();
  const failure = fetcher.state === "idle" && fetcher.data?.intent === "survey" ? fetcher.data : undefined;
  const known = !failure && ["thanks", "empty", "score", "notYet"].includes(status ?? "") ? status : null;
  const formError = failure ? failure.formError ?? failure.errors._form ?? null : known && known !== "thanks" ? `desk:survey.errors.${known}` : null;
  return (
    <section className="panel survey" id="survey" aria-labelledby="survey-title" data-testid="survey">
      <h2 id="survey-title">{t("survey.title")}</h2>
      <p>{t("survey.intro")}</p>
      {known === "thanks" ? <p className="invite-status" role="status" data-testid="survey-thanks">{t("survey.thanks")}</p> : null}
      {formError ? <p className="form-error" role="alert" data-testid="survey-error">{t(formError as "survey.title")}</p> : null}
      <fetcher.Form method="post" action={`/i/${token}/survey`}>
        {SURVEY_TOUCHPOINTS.map((tp) => {
          const error = failure?.errors[tp];
          return (
            <fieldset key={tp} className="survey-scale" data-testid={`survey-${tp}`} aria-describedby={error ? `survey-${tp}-error` : undefined}>
              <legend><strong>{t(`survey.touchpoints.${tp}.title`)}</strong> <span className="muted">{t(`survey.touchpoints.${tp}.hint`)}</span></legend>
              {SURVEY_SCORES.map((n) => (
                <label key={n}>
                  <input type="radio" name={tp} value={n} defaultChecked={latest[tp] === n} />
                  <span>{n}</span>
                  <span className="visually-hidden"> / 5</span>
                </label>
              ))}
              <ErrorText id={`survey-${tp}-error`} message={error} />
            </fieldset>
          );
        })}
        <p className="muted">{t("survey.scale")}</p>
        <button type="submit" data-testid="survey-send">{t("survey.send")}</button>
      </fetcher.Form>
    </section>
  );
}
