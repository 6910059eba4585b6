/**
 * The one form pipeline's server half (decision 023). Every action that answers a form answers
 * a failure in one shape, `{ intent, errors, values, formError }` (plus, for a few errors, the
 * data the page needs to explain them), so that one client hook (`useFormFailure`) reads it:
 *
 *   const parsed = parseFormData(Schema, fd);
 *   if (!parsed.ok) return formFailure(400, { intent, errors: parsed.errors, values });
 *   try { await model(db, …); return redirect(…); }
 *   catch (e) { return actionFailure(e, { intent, values }); }
 *
 * `actionFailure` is the only place that maps the named domain errors of app/models/errors.ts to
 * HTTP: an unknown record (another store's) is a thrown 404; a refusal its own status, its message
 * next to its field or above the form; a stale version 409 with who changed it; a write the
 * database cannot take now 503 (`storageFailure`); anything else is rethrown (a 500).
 */
import { json } from "@remix-run/node";
import {
  AlreadyCheckedIn, CampaignNotFound, CloseNeedsConfirmation, CustomerExists, CustomerNotFound, InvalidReferences, InvitationNotFound,
  InviteLinkNotFound, InviteRefused, PlanIncomplete, PlanNotEditable, Refused, SegmentNotFound, SegmentStaleVersion, StaleInvitation,
  StaleVersion, TransitionNotAllowed,
} from "~/models/errors";
import type { FormFailure } from "./form";

export type { FormFailure };
import { forbidden, notFound, storageFailure } from "./http.server";

type Base = { intent?: string; values?: Record<string, unknown> };

/** An action's failure answer in the one shape. */
export function formFailure(status: number, body: Base & Partial<Omit<FormFailure, "intent" | "values">>) {
  const { intent = "", values = {}, errors = {}, formError = null, ...extra } = body;
  return json<FormFailure>({ intent, errors, values, formError, ...extra }, { status });
}

export interface FailureOptions extends Base {
  /** the card the action was about (board, workbench), echoed so the page marks it */
  invitationId?: number | null;
  /** the message of a stale campaign version on this page (default: the campaigns' own) */
  staleMessage?: string;
}

/** An unknown record, or one of another store: the page answers 404 (never says which). */
const isNotFound = (e: unknown) => e instanceof CampaignNotFound || e instanceof InvitationNotFound || e instanceof CustomerNotFound
  || e instanceof SegmentNotFound || e instanceof InviteLinkNotFound;

/** A loader's catch: an unknown record is a thrown 404, as in `actionFailure`; anything else is rethrown. */
export function loaderFailure(e: unknown): never {
  if (isNotFound(e)) notFound();
  throw e;
}

/**
 * The HTTP answer to an error a model threw while an action ran: a Response in the one shape,
 * or a thrown 404/403 for what has no form to re-render; anything unknown is rethrown.
 */
export function actionFailure(e: unknown, opts: FailureOptions = {}) {
  const { intent = "", values = {}, invitationId, staleMessage = "invitations:errors.campaignStale" } = opts;
  const base = { intent, values, ...(invitationId !== undefined ? { invitationId } : {}) };
  if (isNotFound(e)) notFound();
  if (e instanceof PlanNotEditable) forbidden();
  if (e instanceof AlreadyCheckedIn) return formFailure(409, { ...base, formError: e.messageKey, formParams: e.params, arrival: e.arrival });
  if (e instanceof CustomerExists) return formFailure(409, { ...base, errors: { phone: e.messageKey }, duplicate: e.customer });
  if (e instanceof CloseNeedsConfirmation) return formFailure(400, { ...base, errors: e.errors });
  if (e instanceof Refused) {
    if (e.status === 404) notFound();
    const onForm = e.field === "_form";
    return formFailure(e.status, { ...base, errors: onForm ? {} : { [e.field]: e.messageKey }, formError: onForm ? e.messageKey : null, formParams: e.params });
  }
  if (e instanceof InviteRefused) return formFailure(e.status, { ...base, formError: e.messageKey });
  if (e instanceof StaleInvitation) return formFailure(409, { ...base, formError: "invitations:errors.stale", stale: true });
  if (e instanceof SegmentStaleVersion) return formFailure(409, { ...base, formError: "customers:segments.errors.stale" });
  if (e instanceof StaleVersion) {
    return formFailure(409, { ...base, formError: staleMessage, conflict: { name: e.current.updatedByName, at: e.current.updatedAt } });
  }
  if (e instanceof TransitionNotAllowed) {
    return formFailure(e.reason === "role" ? 403 : 409, { ...base, formError: "invitations:errors.notApproved" });
  }
  if (e instanceof PlanIncomplete) return formFailure(400, { ...base, formError: "campaigns:errors.incomplete", missing: e.missing });
  if (e instanceof InvalidReferences) return formFailure(400, { ...base, errors: e.errors });
  return storageFailure(e, { ...base, errors: {}, formError: null } satisfies FormFailure);
}
