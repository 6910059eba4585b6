import type { CampaignStatus, Invitation } from "#db/schema";
import type { FieldErrors } from "~/utils/form";

/**
 * The named domain errors, in one place. Models throw them; routes never test them one by one:
 * `actionFailure` (app/utils/action.server.ts) maps each to its HTTP answer (400/403/404/409/503)
 * in the one failure shape `{ intent, errors, values, formError }` (decision 023).
 *
 * `Refused` is the one refusal: `messageKey` an i18n key ("ns:key"), `status` what the route
 * answers (400 bad input, 403 not allowed, 404 unknown here, 409 state conflict), `field` where the
 * message shows ("_form": above the form), `params` its interpolation values. It was two identical
 * classes, `InvitationRefused` and `ExecutionRefused`; both names remain as aliases of it.
 */
export class Refused extends Error {
  constructor(
    public messageKey: string,
    public status: 400 | 403 | 404 | 409 = 400,
    public field = "_form",
    public params: Record<string, string | number | null> = {},
  ) {
    super(messageKey);
  }
}

/** The guest already has an arrival: when and by whom (the ticket scanner's "already checked in"). */
export class AlreadyCheckedIn extends Refused {
  constructor(public arrival: { id: number; arrivedAt: string; byName: string | null; name: string }) {
    super("execution:checkin.already", 409, "_form", { name: arrival.name, by: arrival.byName });
  }
}

// ── not found: thrown as a 404 ──
// ── stale: 409 with the current state; refused: the status it names ──

export class CampaignNotFound extends Error {
  constructor() {
    super("campaign not found");
  }
}

/** The plan changed since the form was loaded: refused, never silently overwritten. */
export class StaleVersion extends Error {
  constructor(public current: { version: number; updatedAt: string; updatedByName: string | null }) {
    super("stale version");
  }
}

export class TransitionNotAllowed extends Error {
  constructor(public action: string, public status: CampaignStatus, public reason: "role" | "author" | "status") {
    super(`transition ${action} not allowed from ${status} (${reason})`);
  }
}

/** The plan cannot be edited in its status (e.g. submitted, closed), or by this role. */
export class PlanNotEditable extends Error {
  constructor(public status: CampaignStatus) {
    super(`plan not editable in status ${status}`);
  }
}

/** Submitting needs the parts the later steps depend on. */
export class PlanIncomplete extends Error {
  constructor(public missing: string[]) {
    super(`plan incomplete: ${missing.join(", ")}`);
  }
}

/** Ids that are unknown or belong to another store, as field errors. */
export class InvalidReferences extends Error {
  constructor(public errors: FieldErrors) {
    super("invalid references");
  }
}

export class CustomerNotFound extends Error {
  constructor() {
    super("customer not found");
  }
}

export class SegmentNotFound extends Error {
  constructor() {
    super("segment not found");
  }
}

export class SegmentStaleVersion extends Error {
  constructor() {
    super("segment changed in the meantime");
  }
}

export class InvitationNotFound extends Error {
  constructor() {
    super("invitation not found");
  }
}

/** The invitation changed since it was read: refused, with its current state. */
export class StaleInvitation extends Error {
  constructor(public current: Invitation) {
    super("stale invitation version");
  }
}

/** A token nobody issued, a held-out card, a campaign no longer open: one answer for all. */
export class InviteLinkNotFound extends Error {
  constructor() {
    super("invitation link not found");
  }
}

/** The page refuses an answer: `messageKey` in the invite namespace. */
export class InviteRefused extends Error {
  constructor(public messageKey: string, public status: 400 | 409 = 409) {
    super(messageKey);
  }
}

/** A new walk-in's phone is already a customer's of the store: register that customer instead. */
export class CustomerExists extends Refused {
  constructor(public customer: { id: number; name: string }) {
    super("execution:checkin.phoneExists", 409, "phone", { name: customer.name });
  }
}

/**
 * Closing before the figures are final needs a confirmation and a reason (decision 016):
 * `errors` holds the missing ones by field, `finalOn` the day the figures become final.
 */
export class CloseNeedsConfirmation extends Refused {
  constructor(public errors: Record<string, string>, finalOn: string | null) {
    super("execution:review.closeEarly.refused", 400, "confirmEarly", { finalOn });
  }
}
