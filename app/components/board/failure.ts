import type { FormFailure } from "~/utils/form";

/**
 * The line above a refused card form or page: the form-level message, else the first field's
 * (a refusal about a field the form does not show, e.g. an unknown customer, still says why).
 */
export const failureMessage = (f: Pick<FormFailure, "formError" | "errors"> | null | undefined): string | null =>
  f ? f.formError ?? Object.values(f.errors ?? {})[0] ?? null : null;
