import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { json } from "@remix-run/node";
import {
  Form, isRouteErrorResponse, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration,
  useLocation, useMatches, useRouteError, useRouteLoaderData,
} from "@remix-run/react";
import { useContext, useEffect, useMemo, type ReactNode } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import styles from "~/styles/app.css";
import { isReallyMissing, isLocale, NamespaceTracker, sharedI18n, trackNamespaces, DEFAULT_LOCALE, LOCALES, type Locale } from "~/utils/i18n";
import { getLocale } from "~/utils/i18n.server";
import { getSessionContext } from "~/utils/session.server";
import { canManage } from "~/models/permissions";
import { DEFAULT_TIMEZONE } from "~/models/domain";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.ico" },
];

export const meta = pageTitle("common:appTagline");

export async function loader({ request }: LoaderFunctionArgs) {
  const [locale, ctx] = await Promise.all([getLocale(request), getSessionContext(request)]);
  return json({
    locale,
    user: ctx ? { displayName: ctx.user.displayName, role: ctx.user.role } : null,
    store: ctx?.store ?? null,
    stores: ctx && ctx.stores.length > 1 ? ctx.stores : [],
    timezone: ctx?.store.timezone ?? DEFAULT_TIMEZONE,
  });
}

export type RootData = ReturnType<typeof useRootData>;
export function useRootData() {
  const data = useRouteLoaderData<typeof loader>("root");
  return data ?? { locale: DEFAULT_LOCALE as Locale, user: null, store: null, stores: [], timezone: DEFAULT_TIMEZONE };
}

function reportMissingKey(key: string) {
  const lang = typeof document === "undefined" ? null : document.documentElement.lang;
  // in the browser, a namespace not loaded yet is on its way (entry.client.tsx): not missing
  if (lang && isLocale(lang) && !isReallyMissing(lang, key)) return;
  console.error(`missing translation: ${key}`);
}

export function Layout({ children }: { children: ReactNode }) {
  // the server: this page's render starts here; the namespaces it uses are collected (decision 027)
  const used = useContext(NamespaceTracker);
  if (used) trackNamespaces(used);
  const data = useRootData();
  const i18n = useMemo(() => sharedI18n(data.locale, reportMissingKey), [data.locale]);
  useEffect(() => {
    document.body.dataset.hydrated = "true";
    performance.mark("hydrated");
  }, []);
  return (
    <html lang={data.locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nextProvider i18n={i18n}>
          <AppShell>{children}</AppShell>
        </I18nextProvider>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

function AppShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const data = useRootData();
  const location = useLocation();
  const here = location.pathname + location.search;
  // a page for the public (the customers' invitation page, handle.bare): no app name, navigation or signed-in user
  const bare = useMatches().some((m) => (m.handle as { bare?: boolean } | undefined)?.bare);
  const nav = [
    ["/", "nav.dashboard"],
    ["/campaigns", "nav.campaigns"],
    ["/customers", "nav.customers"],
    ["/segments", "nav.segments"],
    ["/leads", "leads:navLink"],
    // settings are a manager's (the page answers staff with 403): staff do not see the link
    ...(data.user && canManage(data.user) ? [["/settings", "nav.settings"] as const] : []),
  ] as const;
  return (
    <>
      <a className="skip-link" href="#main">{t("skipToContent")}</a>
      <header className="app-header">
        {bare ? null : <a className="brand" href="/">{t("appName")}</a>}
        {data.user && !bare ? (
          <nav className="main-nav" aria-label={t("nav.label")}>
            <ul>
              {nav.map(([to, key]) => (
                <li key={to}>
                  <NavLink to={to} end={to === "/"} prefetch="intent">{t(key)}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <div className="header-tools">
          {data.user && data.store && !bare ? (
            data.stores.length > 1 ? (
              <Form method="post" action="/store" className="no-print">
                <input type="hidden" name="redirectTo" value={location.pathname} />
                <label htmlFor="store-switch">{t("header.store")}</label>
                <select id="store-switch" name="storeId" defaultValue={data.store.id} key={data.store.id}>
                  {data.stores.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
                </select>
                <button type="submit" className="link-button">{t("header.switchStore")}</button>
              </Form>
            ) : (
              <span data-testid="current-store">{t("header.store")}: {data.store.name}</span>
            )
          ) : null}
          <Form method="post" action="/lang" reloadDocument className="no-print" aria-label={t("header.language")}>
            <input type="hidden" name="redirectTo" value={here} />
            {LOCALES.map((l) => (
              <button key={l} type="submit" name="lang" value={l} className="link-button" aria-pressed={data.locale === l} lang={l}>
                {t(`languages.${l}`)}
              </button>
            ))}
          </Form>
          {data.user && !bare ? (
            <>
              <span data-testid="current-user">{t("header.signedInAs", { name: data.user.displayName })} · {t(`roles.${data.user.role}`)}</span>
              <Form method="post" action="/logout" className="no-print">
                <button type="submit" className="link-button">{t("header.signOut")}</button>
              </Form>
            </>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
    </>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}

export function ErrorPage() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const [title, body] =
    status === 404 ? ["errors.notFoundTitle", "errors.notFoundBody"] as const
      : status === 403 ? ["errors.forbiddenTitle", "errors.forbiddenBody"] as const
        // a request refused for its shape (unreadable, wrong method, too large, not a form)
        : status === 400 || status === 405 || status === 413 || status === 415 ? ["errors.requestTitle", `errors.request${status}`] as const
          : ["errors.serverTitle", "errors.serverBody"] as const;
  return (
    <div className="panel" role="alert">
      <h1>{t(title)} <span className="muted">({status})</span></h1>
      <p>{t(body)}</p>
      <p><a href="/">{t("errors.backHome")}</a></p>
    </div>
  );
}
