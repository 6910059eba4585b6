import { json } from "@remix-run/node";
import { z } from "zod";
import { storageFailureCode } from "#db/dialect";

export function notFound(): never {
  throw json({ error: "not_found" }, { status: 404 });
}
export function forbidden(): never {
  throw json({ error: "forbidden" }, { status: 403 });
}
export function badRequest<T>(data: T) {
  return json(data, { status: 400 });
}

/**
 * Only same-site paths; anything else falls back. Characters a Location header cannot carry
 * ("/customers?q=王") are percent-encoded; control characters and broken text fall back.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (!to || typeof to !== "string") return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(to)) return fallback;
  try {
    return to.replace(/[^\u0021-\u007e]+/g, (run) => encodeURIComponent(run));
  } catch {
    return fallback; // a lone surrogate: not a path anyone typed
  }
}

export function clientIp(request: Request): string {
  const fwd = request.headers.get("x-forwarded-for");
  return (fwd?.split(",")[0] ?? request.headers.get("x-real-ip") ?? "local").trim().slice(0, 64);
}

/**
 * A route's numeric id (`/customers/:id`): plain digits, 1 … 2^31−1. Not `Number()` or
 * `z.coerce`, which read "1e3" as 1000 and "0x10" as 16: an address names one row only.
 */
export const IdParam = z.string().regex(/^[1-9]\d{0,9}$/).transform(Number).pipe(z.number().max(2_147_483_647));
export function idParam(raw: string | undefined): number {
  const parsed = IdParam.safeParse(raw);
  if (!parsed.success) notFound();
  return parsed.data;
}

export { isStorageFailure } from "#db/dialect";

/** The form-level message of a write the database refused (read-only, disk full, server gone). */
export const STORAGE_UNAVAILABLE = "common:errors.storageUnavailable";

function logStorageFailure(code: string, e: unknown) {
  // One line with the code, no stack (a console.error would also fail the tests that watch it).
  const message = e instanceof Error ? e.message.split("\n")[0]!.slice(0, 200) : "";
  console.warn(`storage failure ${code}${message ? ` (${message})` : ""}: the write was refused, answered 503`);
}

/**
 * For an action's catch: a write the database refused because it cannot be written right now
 * becomes the action's usual failure answer — `body`, the shape the page already shows for a
 * refusal, with the submitted values the form re-renders from — with status 503 and the
 * form-level message `formError`. Anything else is rethrown.
 */
export function storageFailure<T extends object>(e: unknown, body: T) {
  const code = storageFailureCode(e);
  if (!code) throw e;
  logStorageFailure(code, e);
  return json({ ...body, formError: STORAGE_UNAVAILABLE }, { status: 503 });
}

/**
 * For actions with no form to re-render (sign-out, store switch): a storage failure becomes a
 * thrown 503, which the root error page shows ("nothing was changed"); anything else is rethrown.
 */
export function storageFailurePage(e: unknown): never {
  const code = storageFailureCode(e);
  if (!code) throw e;
  logStorageFailure(code, e);
  throw json({ error: "storage_unavailable" }, { status: 503 });
}

/**
 * A form's submitted text values as sent — repeated names as arrays, files and passwords
 * left out — for a failure answer that re-renders the form flat (`lines.0.actual`).
 */
export function submittedValues(formData: FormData): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== "string" || /password/i.test(key) || key === "__proto__") continue;
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/**
 * The posted form, or a 415 when the body is not a form (a text/plain or JSON body, a
 * multipart one without its boundary): request.formData() throws a TypeError on those, which
 * would otherwise end in a 500.
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw json({ error: "unsupported_body" }, { status: 415 });
  }
}
