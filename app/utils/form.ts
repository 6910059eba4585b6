/**
 * One way to validate a form: the same zod schema in the browser (react-hook-form's
 * resolver) and in the action (`parseFormData`). Schema messages are i18n keys
 * ("errors.required"); the component translates them.
 */
import type { z } from "zod";
import { MAX_DEPTH, MAX_REPEATS } from "./limits";

export type FieldErrors = Record<string, string>;

/** The one failure shape of every form action (decision 023; made by app/utils/action.server.ts). `extra` keys (conflict, missing, arrival, duplicate…) explain some errors. */
export interface FormFailure {
  intent: string;
  errors: FieldErrors;
  values: Record<string, unknown>;
  formError: string | null;
  /** interpolation values of `formError` */
  formParams?: Record<string, string | number | null>;
  /** a stale campaign plan: who saved it last, and when */
  conflict?: { name: string | null; at: string };
  /** a plan submitted without the parts the later steps need */
  missing?: string[];
  /** a guest already checked in: when and by whom */
  arrival?: { id: number; arrivedAt: string; byName: string | null; name: string };
  /** a walk-in's phone already belongs to this customer */
  duplicate?: { id: number; name: string };
  /** the invitation card a stale or refused board action was about */
  invitationId?: number | null;
  stale?: boolean;
}


export type ParseResult<T> =
  | { ok: true; data: T }
  | { ok: false; errors: FieldErrors; values: Record<string, unknown> };

/** Arrays take small indexes only (`a.99999999` would make a huge sparse array). */
const MAX_FORM_INDEX = MAX_REPEATS;

/**
 * FormData → plain object; `a.0.b` names become nested arrays/objects; repeated names become
 * arrays. Linear in the number of fields: a repeated name appends in place (copying the array
 * on every repeat made 20,000 repeats of one name cost 13 s). Beyond the limits of `limits.ts`
 * — more than MAX_REPEATS values of one name, names nested deeper than MAX_DEPTH — the rest is
 * left out (`readForm` has already refused such a form with a 413).
 */
export function formDataToObject(formData: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of formData.entries()) {
    if (typeof raw !== "string") continue;
    const parts = key.split(".", MAX_DEPTH + 1);
    if (parts.length > MAX_DEPTH) continue;
    // `__proto__.x` or `constructor.prototype.x` would write onto Object.prototype.
    if (parts.some((p) => p === "__proto__" || p === "constructor" || p === "prototype")) continue;
    let node: any = out;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (Array.isArray(node) && !(/^\d+$/.test(part) && Number(part) < MAX_FORM_INDEX)) break;
      if (i === parts.length - 1) {
        if (!Object.hasOwn(node, part)) node[part] = raw;
        else if (!Array.isArray(node[part])) node[part] = [node[part], raw];
        else if (node[part].length < MAX_REPEATS) node[part].push(raw);
      } else {
        if (!Object.hasOwn(node, part)) node[part] = /^\d+$/.test(parts[i + 1]!) ? [] : {};
        // `a` and `a.0` both sent: the path cannot go through a text value; keep what came first.
        if (node[part] === null || typeof node[part] !== "object") break;
        node = node[part];
      }
    }
  }
  return out;
}

export function zodErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_form";
    errors[key] ??= issue.message;
  }
  return errors;
}

/** A NUL, or half of a UTF-16 surrogate pair without its other half. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The path of the first text no database stores as sent, or null: a NUL character (U+0000;
 * SQLite would store it and PostgreSQL refuses it) or a lone surrogate (not text at all: SQLite
 * writes invalid UTF-8, PostgreSQL's driver U+FFFD; a form post already turns it into U+FFFD,
 * a JSON body does not). No form has a use for either: refused here, the same on both engines.
 */
function nulPath(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === "string") return UNSTORABLE.test(value) ? path.join(".") || "_form" : null;
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return null;
  for (const [k, v] of Object.entries(value)) {
    const found = nulPath(v, [...path, k], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

export function parseObject<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.infer<S>> {
  const nul = nulPath(input);
  if (nul !== null) return { ok: false, errors: { [nul]: "errors.invalid" }, values: (input ?? {}) as Record<string, unknown> };
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: zodErrors(result.error), values: (input ?? {}) as Record<string, unknown> };
}

export function parseFormData<S extends z.ZodType>(schema: S, formData: FormData): ParseResult<z.infer<S>> {
  return parseObject(schema, formDataToObject(formData));
}

/** Server field errors in react-hook-form's `errors` shape. */
export function toHookFormErrors(errors: FieldErrors | undefined) {
  if (!errors) return undefined;
  const out: Record<string, { type: string; message: string }> = {};
  for (const [k, message] of Object.entries(errors)) out[k] = { type: "server", message };
  return out;
}
