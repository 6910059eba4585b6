import { formFailure } from "./action.server";
import { LeadNotFound, LeadRefused, type LeadActor } from "~/models/lead.server";
import { notFound } from "./http.server";
import type { SessionContext } from "./session.server";

/** The person acting on leads, with their department and store (models enforce both). */
export function leadActorOf(ctx: SessionContext): LeadActor & { department: string } {
  return { id: ctx.user.id, role: ctx.user.role, department: ctx.user.department, storeId: ctx.user.storeId };
}

/** A lead model's refusal as the form's failure answer; a missing lead is a 404. Anything else is rethrown. */
export function leadRefusal(e: unknown, values: Record<string, unknown>) {
  if (e instanceof LeadNotFound) notFound();
  if (e instanceof LeadRefused) {
    return formFailure(e.status, { formError: e.messageKey, errors: e.field === "_form" ? {} : { [e.field]: e.messageKey }, values });
  }
  throw e;
}
