/**
 * The status workflow as one model call: every step a form asks for (the campaign home's
 * workflow buttons) goes through `takeStep`, so the route never decides which function does a
 * step. Most steps are `transition()` (campaign.server.ts); two do more than change the status:
 *
 * - `start_invitations` also snapshots the audience and draws the hold-out (`startInvitations`,
 *   which refuses a plan without a segment before anything changes);
 * - `close` freezes the review's figures and asks for a confirmation and a reason while they are
 *   provisional (`closeCampaign`, decision 016).
 *
 * A refused step is a `Refused` with the campaigns' message for why (role, author, status), so
 * the one mapper (`actionFailure`) answers it beside the form.
 *
 * Its own module: campaign.server.ts is imported by the invitation and review models, which
 * this one calls (no import cycle).
 */
import type { DB } from "#db/client";
import type { TransitionAction } from "./campaign.schema";
import { transition, TransitionNotAllowed, type Actor } from "./campaign.server";
import { Refused } from "./errors";
import { startInvitations } from "./invitation.server";
import { closeCampaign } from "./review.server";

export interface StepInput {
  storeId: number;
  id: number;
  actor: Actor;
  action: TransitionAction;
  /** the version the form was loaded with (a stale one is refused) */
  expectedVersion?: number;
  comment?: string | null;
  /** closing before the figures are final: the user confirmed it */
  confirmEarly?: boolean;
}

/** Takes one step of the workflow; returns the step taken (the page to show next depends on it). */
export async function takeStep(db: DB, { storeId, id, actor, action, expectedVersion, comment = null, confirmEarly = false }: StepInput) {
  try {
    if (action === "start_invitations") await startInvitations(db, { storeId, campaignId: id, actor, expectedVersion });
    else if (action === "close") await closeCampaign(db, { storeId, campaignId: id, actor, comment, confirmEarly });
    else await transition(db, { storeId, id, actor, action, comment, expectedVersion });
    return { action };
  } catch (e) {
    if (e instanceof TransitionNotAllowed) throw new Refused(`campaigns:errors.transition_${e.reason}`, e.reason === "status" ? 409 : 403);
    throw e;
  }
}
