/** The largest id PostgreSQL's `integer` holds. */
export const MAX_ID = 2_147_483_647;

/**
 * The one way to read a record id from text (a route param, a query string, a form field):
 * plain digits, 1 … 2^31−1, no sign, no leading zero — or null. Not `Number()` or zod coercion,
 * which read "1e3" as 1000 and "0x10" as 16: an id names one row only. Browser-safe, no zod.
 */
export function parseId(v: unknown): number | null {
  const s = typeof v === "number" ? String(v) : v;
  if (typeof s !== "string" || !/^[1-9]\d{0,9}$/.test(s)) return null;
  const n = Number(s);
  return n <= MAX_ID ? n : null;
}
