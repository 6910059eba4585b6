/**
 * The catalogs in the browser (decision 027): a page loads the namespaces its server render used
 * before it hydrates — not the others — and the others when the browser is idle; a page reached
 * on the client before a namespace it needs has arrived shows that namespace's text once it does,
 * with no raw key left and no console error, in both languages.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createDb, type DB } from "#db/client";
import { hydrated, launchBrowser, openPage, PHONE, signIn } from "../helpers/browser";
import { NAMESPACES } from "~/utils/i18n";
import en from "~/locales/en/customers.json";

const base = inject("baseURL");
let browser: Browser;
let db: DB;
let boardId = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  db = createDb(`file:${inject("dbFile")}`);
  const store = await db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
  boardId = (await db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).where("status", "=", "inviting").orderBy("id").executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await browser?.close();
  await db?.destroy();
});

/** The namespace of a catalog chunk's file name ("/build/_shared/customers-AB12CD34.js"), or null. */
const chunkNamespace = (url: string) => {
  const m = /\/build\/_shared\/([A-Za-z]+)-[A-Z0-9]{8}\.js$/.exec(url);
  return m && (NAMESPACES as readonly string[]).includes(m[1]!) ? m[1]! : null;
};
/** Text that looks like an untranslated key ("customers:list.title"). */
const rawKeys = (page: Page) => page.evaluate((nss) => {
  const re = new RegExp(`\\b(${nss.join("|")}):[A-Za-z][\\w.]+`, "g");
  return document.body.innerText.match(re) ?? [];
}, [...NAMESPACES]);

describe("catalog chunks", () => {
  for (const locale of ["zh-CN", "en"] as const) {
    it(`loads the board's namespaces before hydrating and the rest afterwards (${locale})`, async () => {
      const { context, page, errors } = await openPage(browser, { locale, viewport: PHONE });
      try {
        await signIn(page, base, "manager@demo.test");
        await page.goto(`${base}/campaigns/${boardId}/board`);
        await hydrated(page);
        const listed = await page.evaluate(() => (window as unknown as { __I18N_NS: string[] }).__I18N_NS);
        expect(listed).toEqual(expect.arrayContaining(["common", "invitations"]));
        expect(listed).not.toContain("customers");
        expect(listed).not.toContain("desk");
        // the chunks asked for before the page hydrated (performance.mark("hydrated") in root.tsx), then all
        const chunks = () => page.evaluate(() => {
          const at = performance.getEntriesByName("hydrated")[0]?.startTime ?? Infinity;
          return performance.getEntriesByType("resource").map((e) => ({ url: e.name, early: e.startTime < at }));
        });
        const before = new Set((await chunks()).filter((c) => c.early).map((c) => chunkNamespace(c.url)).filter(Boolean));
        expect([...before].sort()).toEqual([...listed].sort());
        await expect.poll(async () => new Set((await chunks()).map((c) => chunkNamespace(c.url)).filter(Boolean)).size, { timeout: 10_000 }).toBe(NAMESPACES.length);
        expect(await rawKeys(page)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it("a page reached before its namespace arrives shows its text when it does (en)", async () => {
    const { context, page, errors } = await openPage(browser, { locale: "en", viewport: PHONE });
    try {
      await signIn(page, base, "manager@demo.test");
      // hold back the customers namespace until the customers page is on the screen
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      await page.route(/\/build\/_shared\/customers-[A-Z0-9]{8}\.js$/, async (route) => {
        await held;
        await route.continue();
      });
      await page.goto(`${base}/campaigns`);
      await hydrated(page);
      expect(await page.evaluate(() => (window as unknown as { __I18N_NS: string[] }).__I18N_NS)).not.toContain("customers");
      await page.click('nav a[href="/customers"]');
      await page.waitForURL((u) => u.pathname === "/customers");
      await page.waitForSelector('label[for="q"]');
      // the namespace is held back: the search field's label (a customers string) is not there yet
      const label = () => page.locator('label[for="q"]').innerText();
      expect(await label()).not.toBe(en.searchLabel);
      release();
      await expect.poll(label, { timeout: 10_000 }).toBe(en.searchLabel);
      expect(await rawKeys(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
