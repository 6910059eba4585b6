/**
 * Maps the invitation model's named errors to responses, the same way on every invitation
 * route: unknown records (another store or campaign) → 404, a refusal → its status with the
 * message as a form error, a stale card → 409 with the card's current state.
 */
import { json } from "@remix-run/node";
import { z } from "zod";
import { CampaignNotFound, StaleVersion, TransitionNotAllowed } from "~/models/campaign.server";
import { InvitationNotFound, InvitationRefused, StaleInvitation } from "~/models/invitation.server";
import { localNow } from "./format";
import type { SessionContext } from "./session.server";
import { idParam, notFound } from "./http.server";

/** `params.id` as a campaign id, or 404. */
export function campaignIdParam(params: { id?: string }): number {
  return idParam(params.id);
}

/** The forms' schemas, imported by routes from here so that zod stays out of their browser bundles. */
export { attemptSchema, BoardFiltersSchema, boardFormSchema, InvitationsAdminSchema, moveSchema } from "~/models/invitation.schema";

/** How a form is judged for this store: its local time now (a call-back before it is refused). */
export const attemptContext = (ctx: SessionContext) => ({ nowLocal: localNow(ctx.store.timezone) });

export const actorOf = (ctx: SessionContext) => ({ id: ctx.user.id, role: ctx.user.role });

export interface ActionFailure {
  ok: false;
  formError: string;
  errors: Record<string, string>;
  values: Record<string, unknown>;
  invitationId?: number | null;
  stale?: boolean;
}

export const failure = (status: number, body: Omit<ActionFailure, "ok">) => json<ActionFailure>({ ok: false, ...body }, { status });

/** The response for a refused invitation action; rethrows anything else (404s are thrown). */
export function refusalResponse(e: unknown, values: Record<string, unknown>, invitationId: number | null = null) {
  if (e instanceof CampaignNotFound || e instanceof InvitationNotFound) notFound();
  if (e instanceof StaleInvitation) {
    return failure(409, { formError: "invitations:errors.stale", errors: {}, values, invitationId, stale: true });
  }
  if (e instanceof InvitationRefused) {
    return failure(e.status, { formError: e.messageKey, errors: e.field === "_form" ? {} : { [e.field]: e.messageKey }, values, invitationId });
  }
  if (e instanceof StaleVersion) return failure(409, { formError: "invitations:errors.campaignStale", errors: {}, values, invitationId });
  if (e instanceof TransitionNotAllowed) {
    return failure(e.reason === "role" ? 403 : 409, { formError: "invitations:errors.notApproved", errors: {}, values, invitationId });
  }
  throw e;
}
