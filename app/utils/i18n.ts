import i18next, { type i18n as I18n } from "i18next";
import { createContext } from "react";
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
export const NAMESPACES = ["common", "customers", "campaigns", "invitations", "execution", "invite", "desk", "leads", "noShows", "reviewLift"] as const;
export type Namespace = (typeof NAMESPACES)[number];
/** One language's catalogs (their plural keys differ by language: 条 has one form, "item" two). */
export type Catalog = Record<Namespace, Record<string, unknown>>;

const catalogs: Partial<Record<Locale, Partial<Catalog>>> = {};
const instances: I18n[] = [];
/** i18next's store (its typings leave out the options the instance's addResourceBundle passes on) */
type BundleStore = { addResourceBundle(lng: string, ns: string, resources: unknown, deep: boolean, overwrite: boolean, options: { silent: boolean }): void };
/** Namespaces a component asked for before they arrived (isReallyMissing): their arrival re-renders. */
const asked = new Set<string>();
/**
 * Makes a language's catalogs available to createI18n: the server registers every namespace of
 * both languages at start; the browser registers the page's namespaces before it hydrates and
 * the others when they arrive (entry.client.tsx), which also reach every instance made already.
 * A namespace some component asked for re-renders the components that use the instance
 * (`bindI18nStore: "added"`); one nobody asked for (the rest, loaded while the browser is idle,
 * for the pages to come) arrives silently: re-rendering the whole board for each of them held
 * the browser's main thread for 100–250 ms after the board loaded (Lighthouse's blocking time).
 */
export function registerCatalog(locale: Locale, catalog: Partial<Catalog>) {
  const into = (catalogs[locale] ??= {});
  for (const [ns, strings] of Object.entries(catalog) as [Namespace, Record<string, unknown>][]) {
    if (into[ns]) continue;
    into[ns] = strings;
    const silent = !asked.has(ns);
    for (const i of instances) if (i.language === locale) (i.store as unknown as BundleStore).addResourceBundle(locale, ns, strings, true, true, { silent });
  }
}
/** The namespaces of `locale` registered so far. */
export function loadedNamespaces(locale: Locale): Namespace[] {
  return Object.keys(catalogs[locale] ?? {}) as Namespace[];
}

/**
 * The namespaces a server render used (decision 027): while a page renders, every t() of every
 * instance adds its namespace to the set of the render in progress. A render pass runs without
 * interruption, and the root layout starts it (`trackNamespaces`), so the set in force is that
 * page's; entry.server writes it into the page for the browser to load only those first.
 */
let tracking: Set<string> | null = null;
export function trackNamespaces(into: Set<string> | null) {
  tracking = into;
}
/** Ends `set`'s tracking if it is still the one in force (entry.server, when the page is written). */
export function stopTracking(set: Set<string>) {
  if (tracking === set) tracking = null;
}
/** The set of the page being rendered on the server (entry.server provides it; none in the browser). */
export const NamespaceTracker = createContext<Set<string> | null>(null);

let onUnloaded: ((locale: Locale, ns: Namespace) => void) | null = null;
/** The browser's loader of a namespace not registered yet (entry.client.tsx sets it). */
export function setNamespaceLoader(load: (locale: Locale, ns: Namespace) => void) {
  onUnloaded = load;
}
/**
 * A key of `ns` was asked for: false when its namespace is still on its way (it is being
 * loaded, and the components re-render when it arrives), true when it is really missing.
 */
export function isReallyMissing(locale: Locale, key: string): boolean {
  const ns = namespaceOf(key) as Namespace;
  if (catalogs[locale]?.[ns] || !onUnloaded) return true;
  asked.add(ns);
  onUnloaded(locale, ns);
  return false;
}
/** The namespace of a key as t() receives it ("ns:key", or the options' ns, or common). */
export function namespaceOf(key: unknown, opts?: unknown): string {
  const k = Array.isArray(key) ? key[0] : key;
  if (typeof k === "string") {
    const i = k.indexOf(":");
    if (i > 0 && (NAMESPACES as readonly string[]).includes(k.slice(0, i))) return k.slice(0, i);
  }
  const ns = opts && typeof opts === "object" ? (opts as { ns?: unknown }).ns : undefined;
  const first = Array.isArray(ns) ? ns[0] : ns;
  return typeof first === "string" ? first : "common";
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
    resources: { [locale]: { ...catalog } },
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
    // a namespace that arrives later (the browser) re-renders the components that use the instance
    react: { bindI18nStore: "added" },
  });
  instances.push(instance);
  const t = instance.t.bind(instance) as unknown as (...a: unknown[]) => unknown;
  instance.t = ((key: unknown, ...rest: unknown[]) => {
    tracking?.add(namespaceOf(key, rest[0]));
    return t(key, ...rest);
  }) as unknown as typeof instance.t;
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
