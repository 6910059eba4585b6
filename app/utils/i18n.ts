import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];
/** Most users work in Chinese: the fallback when the browser names neither language. */
export const DEFAULT_LOCALE: Locale = "zh-CN";

/**
 * One namespace per feature so features keep their strings in their own files:
 * common (shell, sign-in, errors, domain labels), customers (customers, segments,
 * settings), campaigns (plans), invitations (board, calls), execution (event day, review, dashboard),
 * invite (the customers' invitation page and the invitation messages), desk (the check-in desk's
 * scanner and live count, the customers' touchpoint survey and the touchpoint scorecard), leads
 * (leads across departments).
 * The catalogs of a language are `~/locales/<language>/index.ts`. The server holds both
 * (`i18n-resources.server.ts`); the browser loads only the page's language before it hydrates
 * (`entry.client.tsx`): each is ~20 KB of JavaScript gzipped that a page need not load twice.
 */
export const NAMESPACES = ["common", "customers", "campaigns", "invitations", "execution", "invite", "desk", "leads"] as const;
export type Namespace = (typeof NAMESPACES)[number];
/** One language's catalogs (their plural keys differ by language: 条 has one form, "item" two). */
export type Catalog = Record<Namespace, Record<string, unknown>>;

const catalogs: Partial<Record<Locale, Catalog>> = {};
/** Makes a language's catalogs available to createI18n (the server: both at start; the browser: the page's). */
export function registerCatalog(locale: Locale, catalog: Catalog) {
  catalogs[locale] = catalog;
}

export function isLocale(v: unknown): v is Locale {
  return typeof v === "string" && (LOCALES as readonly string[]).includes(v);
}

/** A ready (synchronously initialised) i18next instance for one locale. */
export function createI18n(locale: Locale, onMissingKey?: (key: string) => void): I18n {
  const catalog = catalogs[locale];
  if (!catalog) throw new Error(`the ${locale} catalogs are not loaded`);
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { [locale]: catalog },
    lng: locale,
    fallbackLng: false,
    ns: NAMESPACES,
    defaultNS: "common",
    initAsync: false,
    showSupportNotice: false,
    interpolation: { escapeValue: false },
    returnNull: false,
    saveMissing: !!onMissingKey,
    missingKeyHandler: onMissingKey ? (_lngs, ns, key) => onMissingKey(`${ns}:${key}`) : undefined,
  });
  // i18next canonicalises the language code (Intl.getCanonicalLocales) on every t() call;
  // a page renders hundreds of them, and the answer for our two codes never changes.
  const languageUtils = instance.services.languageUtils as { formatLanguageCode: (code: string) => string };
  const format = languageUtils.formatLanguageCode.bind(languageUtils);
  const formatted = new Map<unknown, string>();
  languageUtils.formatLanguageCode = (code: string) => {
    let v = formatted.get(code);
    if (v === undefined) formatted.set(code, (v = format(code)));
    return v;
  };
  return instance;
}

const shared = new Map<Locale, I18n>();
/**
 * One instance per locale for the page shell, made once (the server renders every request
 * with it instead of initialising i18next per request; the language never changes on an
 * instance, switching language picks the other one).
 */
export function sharedI18n(locale: Locale, onMissingKey?: (key: string) => void): I18n {
  let instance = shared.get(locale);
  if (!instance) shared.set(locale, (instance = createI18n(locale, onMissingKey)));
  return instance;
}

/** Picks zh-CN or en from an Accept-Language header by quality. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: (tag ?? "").toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === "zh" || tag.startsWith("zh-")) return "zh-CN";
    if (tag === "en" || tag.startsWith("en-")) return "en";
  }
  return DEFAULT_LOCALE;
}
