/**
 * The zod field helpers every schema is built from (browser-safe: zod only). One rule each:
 *
 * - **text**: a form value is a string, a number, null or missing; it is trimmed, and missing or
 *   null reads as "". Optional text is `null` when empty.
 * - **checkbox**: checked is `true`, "on", "true", "1" or 1; a repeated name (a hidden "0" before
 *   the box) counts its last value; anything else is unchecked.
 * - **numbers**: written in plain decimal digits only. No zod coercion (it reads "1e3" as 1000,
 *   "0x10" as 16 and "" as 0): `numeric()` turns "12" into 12 and leaves anything else to fail.
 * - **money**: yuan text ("1,234.50") → integer fen (`yuanToFen`), never floating point.
 * - **ids**: `parseId`, digits 1 … 2^31−1 (PostgreSQL's integer), no sign, no leading zero.
 *
 * Messages are i18n keys; each helper takes the keys of its form's namespace.
 */
import { z } from "zod";
import { isRealDate } from "~/utils/format";
import { yuanToFen } from "~/utils/money";

import { MAX_ID, parseId } from "~/utils/id";

export { MAX_ID, parseId };

/**
 * A form's message keys in its namespace: `errorKeys("leads", ["required", "id"])` →
 * `{ required: "leads:errors.required", id: "leads:errors.id" }`.
 */
export const errorKeys = <N extends string, K extends string>(ns: N, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, `${ns}:errors.${k}`])) as { readonly [P in K]: `${N}:errors.${P}` };

/** Common messages (the `common` namespace). */
const M = { required: "errors.required", tooLong: "errors.tooLong", invalid: "errors.invalid" } as const;

/** A number written in plain decimal ("12", "-3", "1.5", " 7 ") → that number; anything else unchanged. */
export function decimalNumber(v: unknown): unknown {
  return typeof v === "string" && /^\s*-?\d{1,15}(\.\d{1,15})?\s*$/.test(v) ? Number(v) : v;
}

/** `numeric(z.number().int().min(1))`: the schema receives a number when the text was a plain decimal. */
export const numeric = <T extends z.ZodType>(schema: T) => z.preprocess(decimalNumber, schema);

/** A form value: string, number, null or missing → trimmed text ("" when missing). */
export const raw = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === undefined || v === null ? "" : String(v).trim()));

/** Optional free text: "" → null. */
export const text = (max: number, tooLong: string = M.tooLong) => raw.pipe(z.string().max(max, tooLong)).transform((v) => (v === "" ? null : v));

/** Free text that must be filled in. */
export const requiredText = (max: number, messages: { required?: string; tooLong?: string } = {}) =>
  raw.pipe(z.string().min(1, messages.required ?? M.required).max(max, messages.tooLong ?? M.tooLong));

/** A checkbox: checked is true, "on", "true", "1" or 1 (the last of repeated values). */
export const isChecked = (v: unknown): boolean => {
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return last === true || last === "on" || last === "true" || last === "1" || last === 1;
};
export const checkbox = z.union([z.boolean(), z.string(), z.number(), z.array(z.string())]).optional().transform(isChecked);

/** `required`: the message when empty (default "errors.required"), or `false` for an optional field (empty → null). */
type Required = { required?: string | false };
const requiredOf = (o: Required) => (o.required === undefined ? M.required : o.required);
/** The output: `T`, or `T | null` when the field is optional. */
type Out<T, O> = O extends { required: false } ? T | null : T;
type FromText<T> = z.ZodPipe<typeof raw, z.ZodTransform<T, string>>;

/** A refinement on the trimmed text: "" → null unless `required` (the message); else `read` or the message. */
function fromText<T, O extends Required>(opts: O, read: (v: string, ctx: z.RefinementCtx) => T): FromText<Out<T, O>> {
  return raw.transform((v, ctx): T | null => {
    if (v === "") {
      const required = requiredOf(opts);
      if (required === false) return null;
      ctx.addIssue({ code: "custom", message: required });
      return z.NEVER;
    }
    return read(v, ctx);
  }) as FromText<Out<T, O>>;
}

/** An optional field: "" → null. */
export const optional = { required: false } as const;

const fail = (ctx: z.RefinementCtx, message: string): never => {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
};

/**
 * Yuan text → integer fen. Empty → null (or `required`); not money (negative, letters, more than
 * two decimals) → `message`; `positive` refuses zero; `max` caps the fen.
 */
export const money = <O extends { message: string; positive?: string; max?: number } & Required>(opts: O) =>
  fromText(opts, (v, ctx): number => {
    const fen = yuanToFen(v);
    if (fen === null || (opts.max !== undefined && fen > opts.max)) return fail(ctx, opts.message);
    if (opts.positive && fen <= 0) return fail(ctx, opts.positive);
    return fen;
  });

/** A whole number in [min, max] written in digits (an optional minus); empty → null (or `required`). */
export const wholeNumber = <O extends { min: number; max: number; message: string } & Required>(opts: O) =>
  fromText(opts, (v, ctx): number => {
    if (!/^-?\d{1,15}$/.test(v) || Number(v) < opts.min || Number(v) > opts.max) return fail(ctx, opts.message);
    return Number(v);
  });

/** A record id (see `parseId`); whether it exists in the store is the model's question. */
export const id = <O extends { message?: string } & Required = {}>(opts: O = {} as O) =>
  fromText(opts, (v, ctx): number => parseId(v) ?? fail(ctx, opts.message ?? M.invalid));

/** The version a form was loaded with (optimistic locking): digits, 0 for a new record. */
export const version = (message: string = M.invalid) =>
  raw.transform((v, ctx) => (/^\d{1,9}$/.test(v) ? Number(v) : fail(ctx, message)));

/** One value of a list (an enum); empty → null (or `required`), anything else → `message`. */
export const choice = <T extends readonly string[], O extends { message?: string } & Required = {}>(values: T, opts: O = {} as O) =>
  fromText(opts, (v, ctx): T[number] => ((values as readonly string[]).includes(v) ? (v as T[number]) : fail(ctx, opts.message ?? M.invalid)));

/** A calendar day `YYYY-MM-DD`; empty → null (or `required`). */
export const date = <O extends { message?: string } & Required = {}>(opts: O = {} as O) =>
  fromText(opts, (v, ctx): string => (isRealDate(v) ? v : fail(ctx, opts.message ?? M.invalid)));

/** Local date and time → `YYYY-MM-DDTHH:mm` (seconds dropped, "T" or a space); empty → null (or `required`). */
export const dateTime = <O extends { message?: string } & Required = {}>(opts: O = {} as O) =>
  fromText(opts, (v, ctx): string => {
    const m = /^(\d{4}-\d{2}-\d{2})[T ]([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?$/.exec(v);
    if (!m || !isRealDate(m[1]!)) return fail(ctx, opts.message ?? M.invalid);
    return `${m[1]}T${m[2]}:${m[3]}`;
  });

/** A repeated form name as a list (missing → [], one value → [value]). */
export const asList = (v: unknown): unknown[] => (v === undefined || v === null || v === false ? [] : Array.isArray(v) ? v : [v]);
