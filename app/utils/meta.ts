import type { MetaFunction } from "@remix-run/node";
import type { i18n as I18n } from "i18next";
import { createI18n, DEFAULT_LOCALE, isLocale, type Locale } from "./i18n";

const instances = new Map<Locale, I18n>();
export function fixedT(locale: Locale) {
  let i = instances.get(locale);
  if (!i) instances.set(locale, (i = createI18n(locale)));
  return i.t;
}

function localeOf(matches: { id: string; data?: unknown }[]): Locale {
  const data = matches.find((m) => m.id === "root")?.data as { locale?: string } | undefined;
  return isLocale(data?.locale) ? data.locale : DEFAULT_LOCALE;
}

/**
 * A route's <title> from a catalog key ("ns:key"), in the page's language:
 * `export const meta = pageTitle("common:nav.campaigns")`. A function of the loader data
 * may add a record's name in front.
 */
export function pageTitle<D = unknown>(key: string, prefix?: (data: D) => string | undefined): MetaFunction {
  return ({ matches, data }) => {
    const t = fixedT(localeOf(matches as { id: string; data?: unknown }[]));
    const parts = [prefix && data ? prefix(data as D) : undefined, t(key as any), t("common:appName")].filter(Boolean);
    return [{ title: parts.join(" · ") }];
  };
}
