/**
 * Refusals of the event-day and review models. `messageKey` is an i18n key in the
 * execution namespace, `params` its interpolation values, `status` the HTTP status the route
 * answers with (400 bad input, 403 not allowed, 409 state conflict), `field` where to show it.
 */
export class ExecutionRefused extends Error {
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
export class AlreadyCheckedIn extends ExecutionRefused {
  constructor(public arrival: { id: number; arrivedAt: string; byName: string | null; name: string }) {
    super("execution:checkin.already", 409, "_form", { name: arrival.name, by: arrival.byName });
  }
}
