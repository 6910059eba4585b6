/** Number, money and date formatting with Intl, the same on server and client. */
import type { Locale } from "./i18n";

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function nf(locale: Locale, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(opts)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, opts)));
  return f;
}
function df(locale: Locale, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(opts)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, opts)));
  return f;
}

/** Integer fen → "¥1,234.50" (CNY). */
export function formatMoney(fen: number, locale: Locale, opts: { whole?: boolean } = {}): string {
  const digits = opts.whole ? 0 : 2;
  return nf(locale, { style: "currency", currency: "CNY", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fen / 100);
}

export function formatNumber(n: number, locale: Locale, maximumFractionDigits = 0): string {
  return nf(locale, { maximumFractionDigits }).format(n);
}

/** A ratio (0.256) → "25.6%". */
export function formatPercent(ratio: number | null, locale: Locale, digits = 1): string {
  if (ratio === null || !Number.isFinite(ratio)) return "—";
  return nf(locale, { style: "percent", minimumFractionDigits: 0, maximumFractionDigits: digits }).format(ratio);
}

/** A calendar date `YYYY-MM-DD` (no time zone involved). */
export function formatDate(isoDate: string | null | undefined, locale: Locale): string {
  if (!isoDate) return "—";
  const [y, m, d] = isoDate.slice(0, 10).split("-").map(Number);
  if (!y || !m || !d) return isoDate;
  return df(locale, { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * A UTC timestamp shown in the store's time zone. hourCycle h23, not hour12: false: with the
 * latter Node's ICU wrote the first hour after midnight as "24:27" and Chromium as "00:27"
 * (a hydration mismatch on every page showing a time between 0:00 and 1:00).
 */
export function formatDateTime(iso: string | null | undefined, locale: Locale, timeZone: string): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // hourCycle h23, not hour12: false — with the latter Node's ICU writes the first hour after
  // midnight as "24:27" and the browser as "00:27", and the page fails to hydrate
  return df(locale, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(date);
}

/**
 * A store-local date-time as typed and stored (`YYYY-MM-DDTHH:mm`: call-backs, event times; no
 * zone to convert): its date as `formatDate`, then the time (2026/12/12 09:00, 12/12/2026 09:00).
 */
export function formatLocalDateTime(local: string | null | undefined, locale: Locale): string {
  if (!local) return "—";
  return `${formatDate(local.slice(0, 10), locale)} ${local.slice(11, 16)}`.trim();
}

/** A month `YYYY-MM` as a calendar's title (December 2026, 2026年12月). */
export function formatMonth(month: string, locale: Locale): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return df(locale, { year: "numeric", month: "long", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, 1)));
}

/** A calendar day `YYYY-MM-DD` in words, with its weekday (a calendar cell's name). */
export function formatLongDate(isoDate: string, locale: Locale): string {
  return df(locale, { dateStyle: "full", timeZone: "UTC" }).format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`));
}

/** The short weekday names, Monday first. */
export function weekdayNames(locale: Locale): string[] {
  return Array.from({ length: 7 }, (_, i) => df(locale, { weekday: "short", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + i))));
}

/** Today's date (`YYYY-MM-DD`) in a time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** The local date-time `YYYY-MM-DDTHH:mm` in a time zone (how callbacks are typed and stored). */
export function localNow(timeZone: string, now: Date = new Date()): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(now).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** A `YYYY-MM-DD` date that exists on the calendar (2026-02-30 does not), in years 2000–2100. */
export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s && Number(m[1]) >= 2000 && Number(m[1]) <= 2100;
}

/** Adds days to a `YYYY-MM-DD` date. */
export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a) for `YYYY-MM-DD` dates. */
export function daysBetween(a: string, b: string): number {
  const t = (s: string) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)));
  return Math.round((t(b) - t(a)) / 86_400_000);
}
