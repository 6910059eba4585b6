import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { NAMESPACE_CHUNKS } from "~/locales/chunks";
import { DEFAULT_LOCALE, isLocale, loadedNamespaces, NAMESPACES, registerCatalog, setNamespaceLoader, type Locale, type Namespace } from "~/utils/i18n";

/**
 * Only the page's language is loaded, and of it first the namespaces the page's server render
 * used (`window.__I18N_NS`, written by entry.server.tsx), before the page hydrates; the other
 * namespaces follow when the browser is idle, before the user can reach a page that needs them
 * (decision 027).
 */
const lang = document.documentElement.lang;
const locale: Locale = isLocale(lang) ? lang : DEFAULT_LOCALE;
const listed = (window as { __I18N_NS?: unknown }).__I18N_NS;
const first = Array.isArray(listed) ? NAMESPACES.filter((ns) => ns === "common" || listed.includes(ns)) : [...NAMESPACES];

const pending = new Map<Namespace, Promise<void>>();
function load(l: Locale, ns: Namespace): Promise<void> {
  let p = pending.get(ns);
  if (!p) {
    p = NAMESPACE_CHUNKS[l][ns]().then((m) => registerCatalog(l, { [ns]: m.default }));
    pending.set(ns, p);
  }
  return p;
}
setNamespaceLoader((l, ns) => void load(l, ns));

function loadTheRest() {
  for (const ns of NAMESPACES) if (!loadedNamespaces(locale).includes(ns)) void load(locale, ns);
}

void Promise.all(first.map((ns) => load(locale, ns))).then(() => {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
  const idle = (window as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }).requestIdleCallback;
  if (idle) idle(loadTheRest, { timeout: 2_000 });
  else setTimeout(loadTheRest, 500);
});
