import { useRootData } from "~/root";
import { formatDate, formatDateTime, formatLocalDateTime, formatMoney, formatNumber, formatPercent } from "./format";

/** Formatting bound to the chosen locale and the store's time zone. */
export function useFormat() {
  const { locale, timezone } = useRootData();
  return {
    locale,
    timezone,
    money: (fen: number, opts?: { whole?: boolean }) => formatMoney(fen, locale, opts),
    number: (n: number, digits = 0) => formatNumber(n, locale, digits),
    percent: (ratio: number | null, digits = 1) => formatPercent(ratio, locale, digits),
    date: (iso: string | null | undefined) => formatDate(iso, locale),
    /** a UTC timestamp (`at`, `created_at`…) in the store's time zone */
    dateTime: (iso: string | null | undefined) => formatDateTime(iso, locale, timezone),
    /** a store-local `YYYY-MM-DDTHH:mm` (call-backs, event times) as it is */
    localDateTime: (local: string | null | undefined) => formatLocalDateTime(local, locale),
  };
}
