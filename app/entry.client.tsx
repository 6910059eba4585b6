import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { DEFAULT_LOCALE, isLocale, registerCatalog, type Locale } from "~/utils/i18n";

/** Only the page's language is loaded (its own chunk), before the page hydrates. */
const lang = document.documentElement.lang;
const locale: Locale = isLocale(lang) ? lang : DEFAULT_LOCALE;
const load = locale === "en" ? import("~/locales/en") : import("~/locales/zh-CN");

void load.then(({ catalog }) => {
  registerCatalog(locale, catalog);
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
});
