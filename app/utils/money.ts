/**
 * Yuan text ↔ integer fen without floating point. "0.1" → 10, "12.34" → 1234,
 * "1,234.5" → 123450. Returns null for anything that is not a plain non-negative amount
 * with at most two decimals.
 */
export const YUAN_PATTERN = /^(\d{1,12})(?:\.(\d{1,2}))?$/;

export function yuanToFen(input: string): number | null {
  const s = input.trim().replace(/,/g, "");
  const m = YUAN_PATTERN.exec(s);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? "").padEnd(2, "0"));
  const fen = whole * 100 + frac;
  return Number.isSafeInteger(fen) ? fen : null;
}

/** Integer fen → plain yuan text for a form field ("1234.5" → "1234.50"). */
export function fenToYuanText(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
