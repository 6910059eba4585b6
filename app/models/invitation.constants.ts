/**
 * Invitation vocabulary and the board's small client-side check (no zod: the board's
 * browser bundle stays small; the server parses everything with invitation.schema.ts).
 */
import type { CampaignStatus } from "./campaign.schema";
import { CHANNELS } from "./campaign.constants";

export const RESULTS = ["pending", "yes", "maybe", "no"] as const;
export type InvitationResult = (typeof RESULTS)[number];
/** Board columns are the four results, in this order. */
export const COLUMNS = RESULTS;
export type Column = InvitationResult;

export const OUTCOMES = ["no_answer", "wrong_number", "callback", "yes", "maybe", "no"] as const;
export type AttemptOutcome = (typeof OUTCOMES)[number];
/** Outcomes that reach nobody's decision: the result stays as it is. */
export const CONTACT_OUTCOMES = ["no_answer", "wrong_number", "callback"] as const;
/**
 * Outcomes that mean the customer was reached (触达): spoken to, or answered in writing — a
 * yes, maybe or no, or a callback they asked for. No answer and a wrong number reach nobody.
 */
export const REACHED_OUTCOMES = ["yes", "maybe", "no", "callback"] as const;
export const isReachedOutcome = (outcome: string) => (REACHED_OUTCOMES as readonly string[]).includes(outcome);

export const LOSS_REASONS = ["no_time", "price", "distance", "serviced_elsewhere", "not_interested", "unreachable", "other"] as const;
export type LossReason = (typeof LOSS_REASONS)[number];

/** The plan's channels (the same list as campaign.schema's CHANNELS). */
/** The invitation channels are the plan's channels (one list: campaign.constants). */
export const INVITATION_CHANNELS = CHANNELS;

/** The channel of a customer's own answer on the invitation page (客户自助回复). */
export const SELF_CHANNEL = "self";
/** Channels an attempt may carry: the plan's, and `self` (never offered to staff in a form). */
export const ATTEMPT_CHANNELS = [...INVITATION_CHANNELS, SELF_CHANNEL] as const;

/** Statuses in which invitations are worked (attempts, rounds, associated customers). */
export const WORKING_STATUSES: readonly CampaignStatus[] = ["inviting", "executing"];

/** The three follow-ups rule: pending/maybe invitations with fewer attempts are flagged. */
export const MIN_ATTEMPTS = 3;
/** Cards rendered per board column before "show more". */
export const BOARD_PAGE = 12;

export const FLAGS = ["short", "callback_today", "deposit", "intent_unverified"] as const;
export type Flag = (typeof FLAGS)[number];

/**
 * The drop form's required fields, checked in the browser before the optimistic move
 * (same messages as the server's schema, which stays the judge). `nowLocal`: the store's
 * local date-time, to refuse a call-back in the past.
 */
export function checkMove(to: Column, v: Record<string, unknown>, nowLocal: string | null = null): Record<string, string> | null {
  const s = (k: string) => (typeof v[k] === "string" ? (v[k] as string).trim() : "");
  const errors: Record<string, string> = {};
  const outcome = to === "pending" ? s("outcome") : to;
  if (to === "pending" && !(CONTACT_OUTCOMES as readonly string[]).includes(outcome)) errors.outcome = "invitations:errors.outcome";
  if (outcome === "callback" && !s("callbackAt")) errors.callbackAt = "invitations:errors.callbackRequired";
  else if (outcome === "callback" && nowLocal && s("callbackAt").replace(" ", "T").slice(0, 16) < nowLocal) errors.callbackAt = "invitations:errors.callbackPast";
  if (outcome === "maybe" && !s("nextFollowUp")) errors.nextFollowUp = "invitations:errors.followUpRequired";
  if (outcome === "no" && !s("lossReason")) errors.lossReason = "invitations:errors.lossReasonRequired";
  if (outcome === "no" && s("lossReason") === "other" && !s("lossNote")) errors.lossNote = "invitations:errors.lossNoteRequired";
  if (outcome === "yes" && s("deposit") && !/^\d{1,12}(\.\d{1,2})?$/.test(s("deposit").replace(/,/g, ""))) errors.deposit = "invitations:errors.deposit";
  return Object.keys(errors).length ? errors : null;
}
