/** The customers' touchpoint survey (issue 15; browser-safe): the touchpoints in the order asked. */
export const SURVEY_TOUCHPOINTS = ["reception", "facilities", "transaction", "follow_up_call"] as const;
export type SurveyTouchpoint = (typeof SURVEY_TOUCHPOINTS)[number];
export const SURVEY_SCORES = [1, 2, 3, 4, 5] as const;
