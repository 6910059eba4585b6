/** The invitation page's values, without its schemas (and without zod), for the page's components. */
import { LOSS_REASONS } from "./invitation.constants";

export const INVITE_RESPONSES = ["yes", "maybe", "no"] as const;
export type InviteResponse = (typeof INVITE_RESPONSES)[number];
/** Companions a customer may bring along (a family, a colleague or two). */
export const MAX_COMPANIONS = 9;
export const MAX_INVITE_NOTE = 200;
/** The loss reasons a customer may give (not "unreachable": that one is the caller's). */
export const CUSTOMER_LOSS_REASONS = LOSS_REASONS.filter((r) => r !== "unreachable");

