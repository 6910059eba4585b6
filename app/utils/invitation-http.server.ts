/**
 * What every invitation route reads the same way: the campaign id of its address, who acts,
 * and the forms' schemas (imported from here so that zod stays out of the browser bundles).
 * Failures go through the one form pipeline (`actionFailure`, app/utils/action.server.ts); the
 * board's and the workbench's actions are shared in `invitation-actions.server.ts`.
 */
import { json } from "@remix-run/node";
import { localNow } from "./format";
import type { SessionContext } from "./session.server";
import { idParam } from "./http.server";

/** `params.id` as a campaign id, or 404. */
export function campaignIdParam(params: { id?: string }): number {
  return idParam(params.id);
}

/** The forms' schemas, imported by routes from here so that zod stays out of their browser bundles. */
export {
  attemptSchema, BoardQuery, boardFormSchema, CallsQuery, InvitationsAdminQuery, InvitationsAdminSchema, moveSchema,
} from "~/models/invitation.schema";

/** How a form is judged for this store: its local time now (a call-back before it is refused). */
export const attemptContext = (ctx: SessionContext) => ({ nowLocal: localNow(ctx.store.timezone) });

export const actorOf = (ctx: SessionContext) => ({ id: ctx.user.id, role: ctx.user.role });

/** The public invitation page's failure answer (`{ ok: false, … }`), until it moves onto the one shape (decision 023). */
export interface ActionFailure {
  ok: false;
  formError: string;
  errors: Record<string, string>;
  values: Record<string, unknown>;
  invitationId?: number | null;
  stale?: boolean;
}

export const failure = (status: number, body: Omit<ActionFailure, "ok">) => json<ActionFailure>({ ok: false, ...body }, { status });
