/** No-show follow-up choices (browser-safe; no-shows.server.ts validates with them). */
export const NO_SHOW_OUTCOMES = ["no_answer", "reached", "rebooked", "declined"] as const;
export type NoShowOutcome = (typeof NO_SHOW_OUTCOMES)[number];
export const NO_SHOW_REASONS = ["forgot", "schedule", "car_unavailable", "weather", "not_interested", "other"] as const;
