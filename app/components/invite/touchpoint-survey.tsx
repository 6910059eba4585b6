/**
 * The invitation page after the guest was checked in (issue 15): one question per touchpoint,
 * answered with one tap on 1–5, then "send". A plain form: works without JavaScript. The latest
 * answer is shown ticked; sending again adds a new answer (the latest counts).
 */
import { useTranslation } from "react-i18next";
import { SURVEY_SCORES, SURVEY_TOUCHPOINTS, type SurveyTouchpoint } from "~/models/touchpoint-survey.constants";

export function TouchpointSurvey({ token, latest, status }: { token: string; latest: Record<SurveyTouchpoint, number | null>; status: string | null }) {
  const { t } = useTranslation(["desk"]);
  const known = ["thanks", "empty", "score", "notYet"].includes(status ?? "") ? status : null;
  return (
    <section className="panel survey" id="survey" aria-labelledby="survey-title" data-testid="survey">
      <h2 id="survey-title">{t("survey.title")}</h2>
      <p>{t("survey.intro")}</p>
      {known === "thanks" ? <p className="invite-status" role="status" data-testid="survey-thanks">{t("survey.thanks")}</p> : null}
      {known && known !== "thanks" ? <p className="form-error" role="alert" data-testid="survey-error">{t(`survey.errors.${known}` as "survey.title")}</p> : null}
      <form method="post" action={`/i/${token}/survey`}>
        {SURVEY_TOUCHPOINTS.map((tp) => (
          <fieldset key={tp} className="survey-scale" data-testid={`survey-${tp}`}>
            <legend><strong>{t(`survey.touchpoints.${tp}.title`)}</strong> <span className="muted">{t(`survey.touchpoints.${tp}.hint`)}</span></legend>
            {SURVEY_SCORES.map((n) => (
              <label key={n}>
                <input type="radio" name={tp} value={n} defaultChecked={latest[tp] === n} />
                <span>{n}</span>
                <span className="visually-hidden"> / 5</span>
              </label>
            ))}
          </fieldset>
        ))}
        <p className="muted">{t("survey.scale")}</p>
        <button type="submit" data-testid="survey-send">{t("survey.send")}</button>
      </form>
    </section>
  );
}
