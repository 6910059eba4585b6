import { json } from "@remix-run/node";
import { z } from "zod";
import { storageFailureCode } from "#db/dialect";
import { parseId } from "./id";
import { clientAddress } from "./edge-rules.server";
import { getEnv } from "./env.server";
import { bodyLimits, countUrlencodedFields, formatBytes, formCountProblem, jsonTooDeep, MAX_FIELDS, MAX_REPEATS } from "./limits";

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

/**
 * The client's address for sign-in throttling, when the action was not called through the
 * server (which passes `context.ip`, see edge.server.ts): X-Forwarded-For counts only when
 * TRUST_PROXY says how many proxies to trust, as at the edge.
 */
export function clientIp(request: Request, context?: unknown): string {
  const fromEdge = (context as { ip?: unknown } | null | undefined)?.ip;
  if (typeof fromEdge === "string" && fromEdge) return fromEdge;
  return clientAddress(undefined, request.headers.get("x-forwarded-for"), getEnv().TRUST_PROXY);
}

/**
 * A route's numeric id (`/customers/:id`): `parseId` (plain digits, 1 … 2^31−1). Not `Number()`
 * or zod coercion, which read "1e3" as 1000 and "0x10" as 16: an address names one row only.
 */
export const IdParam = z.string().transform((v, ctx) => parseId(v) ?? (ctx.addIssue({ code: "custom", message: "errors.invalid" }), z.NEVER));
export function idParam(raw: string | undefined): number {
  return parseId(raw) ?? notFound();
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
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value); // in place: copying on each repeat is quadratic
    else out[key] = [prev, value];
  }
  return out;
}

/** A refusal of the request itself (its body, not its values): thrown, for the error page or the caller. */
export function requestRefused(status: 400 | 405 | 413 | 415, error: string, message: string): never {
  throw json({ ok: false, error, message, formError: `common:errors.request${status}` }, { status });
}

const mediaType = (request: Request) => (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

/**
 * The request's body, at most `limit` bytes, or a thrown 413: a declared Content-Length over
 * the limit is refused before reading; a body without one is read until it passes the limit.
 */
export async function readBody(request: Request, limit = bodyLimits(getEnv()).bodyBytes): Promise<Uint8Array> {
  const tooLarge = () => requestRefused(413, "payload_too_large", `The request body is larger than the server accepts (${formatBytes(limit)}).`);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

const decode = (bytes: Uint8Array) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);

/**
 * The posted form, within the limits of `limits.ts`: a body that is not a form (a text/plain
 * or JSON body, a multipart one without its boundary) is a 415; one over the size limit, with
 * more than MAX_FIELDS fields or more than MAX_REPEATS values of one name, a 413 — counted
 * before any field is decoded, so a hostile form costs no more than reading it.
 */
export async function readForm(request: Request): Promise<FormData> {
  const type = mediaType(request);
  const urlencoded = type === "application/x-www-form-urlencoded";
  if (!urlencoded && type !== "multipart/form-data") requestRefused(415, "unsupported_body", "The request body is not a form.");
  const bytes = await readBody(request);
  let form: FormData;
  if (urlencoded) {
    const text = decode(bytes);
    if (countUrlencodedFields(text) > MAX_FIELDS) tooManyFields("too_many_fields");
    form = new FormData();
    for (const [k, v] of new URLSearchParams(text)) form.append(k, v);
  } else {
    try {
      form = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": request.headers.get("content-type")! } }).formData();
    } catch {
      requestRefused(415, "unsupported_body", "The request body is not a readable form.");
    }
  }
  const problem = formCountProblem(form.keys());
  if (problem) tooManyFields(problem);
  return form;
}

function tooManyFields(problem: "too_many_fields" | "too_many_repeats"): never {
  requestRefused(413, problem, problem === "too_many_fields"
    ? `The form has more than ${MAX_FIELDS} fields.`
    : `The form repeats a field more than ${MAX_REPEATS} times.`);
}

/**
 * A JSON endpoint's body: only `application/json` (otherwise 415), within the size limit
 * (otherwise 413). Text that is not JSON, or nests deeper than MAX_DEPTH, is `null` — the
 * action answers it with its own 400, as for any other bad value.
 */
export async function readJson(request: Request): Promise<unknown> {
  if (mediaType(request) !== "application/json") requestRefused(415, "unsupported_media_type", "This endpoint accepts application/json only.");
  const text = decode(await readBody(request));
  if (jsonTooDeep(text)) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
