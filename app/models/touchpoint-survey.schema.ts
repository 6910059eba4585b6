/** The survey's form (zod only): one optional score 1–5 per touchpoint, at least one given. */
import { z } from "zod";
import { SURVEY_TOUCHPOINTS, type SurveyTouchpoint } from "./touchpoint-survey.constants";

const score = z.union([z.string(), z.null()]).optional().transform((v, ctx) => {
  const s = (v ?? "").trim();
  if (s === "") return null;
  if (!/^[1-5]$/.test(s)) {
    ctx.addIssue({ code: "custom", message: "desk:survey.errors.score" });
    return z.NEVER;
  }
  return Number(s);
});

export const SurveyForm = z.object(Object.fromEntries(SURVEY_TOUCHPOINTS.map((tp) => [tp, score])) as Record<SurveyTouchpoint, typeof score>)
  .refine((v) => Object.values(v).some((x) => x !== null), { message: "desk:survey.errors.empty", path: ["_form"] });
