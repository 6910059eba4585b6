/**
 * Customers and segments in the browser: search by the last 4 digits of a phone, the
 * customer card and its edit history, the segment builder (count changes as conditions are
 * added, save), the overview, the settings rules form; axe on every page, zh-CN and en.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { checkA11y, hydrated, launchBrowser, openPage, PHONE, signIn } from "../helpers/browser";

const base = inject("baseURL");
const dbFile = inject("dbFile");
let browser: Browser;
let sqlite: Database.Database;
let storeId: number;

beforeAll(async () => {
  browser = await launchBrowser();
  sqlite = new Database(dbFile);
  sqlite.pragma("busy_timeout = 5000");
  storeId = (sqlite.prepare("select id from stores where code = 'ZZ01'").get() as { id: number }).id;
});
afterAll(async () => {
  await browser?.close();
  sqlite?.close();
});

/** A demo customer whose phone's last 4 digits are unique in the store. */
function customerWithUniqueSuffix() {
  return sqlite.prepare(`
    select c.id, c.name, c.phone, c.customer_code from customers c
    where c.store_id = ? and c.phone is not null
      and (select count(*) from customers d where d.store_id = c.store_id and d.phone like '%' || substr(c.phone, -4)) = 1
    order by c.id limit 1`).get(storeId) as { id: number; name: string; phone: string; customer_code: string };
}

/** Sign-in as a plain form post (works with JavaScript disabled). */
async function signInPlain(page: Page, email: string) {
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', "demo1234");
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click('button[type="submit"]:not([name])')]);
}

async function count(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid="segment-count"]', "data-count"));
}

describe("customers", () => {
  it("finds a customer by the last 4 digits of the phone and opens the card (zh-CN, manager)", async () => {
    const c = customerWithUniqueSuffix();
    const { page, errors, context } = await openPage(browser, { locale: "zh-CN" });
    await signIn(page, base, "manager@demo.test");
    await page.goto(`${base}/customers`);
    await hydrated(page);
    await checkA11y(page);
    await page.fill("#q", c.phone.slice(-4));
    await Promise.all([page.waitForURL(/q=/), page.click('form[role="search"] button[type="submit"]')]);
    expect(new URL(page.url()).searchParams.get("q")).toBe(c.phone.slice(-4));
    // The URL changes as the navigation commits; the list renders a moment later.
    await expect.poll(() => page.locator('[data-testid="row-phone"]').count()).toBe(1);
    expect(await page.textContent('[data-testid="customer-total"]')).toMatch(/共\s*1\s*位/);
    // which segmentation snapshot the groups and tiers come from, and when it was computed
    expect(await page.textContent('[data-testid="customers-snapshot"]')).toMatch(/^客群与等级截至 .+ · 计算于 /);
    expect(await page.textContent('[data-testid="row-phone"]')).toBe(c.phone);
    await Promise.all([page.waitForURL(`${base}/customers/${c.id}`), page.click(`a[href="/customers/${c.id}"]`)]);
    await expect.poll(() => page.textContent("h1")).toContain(c.name);
    expect(await page.textContent('[data-testid="customer-phone"]')).toBe(c.phone);
    expect(await page.textContent('[data-testid="customer-group"]')).toMatch(/^[1-8] · /);
    expect(await page.textContent('[data-testid="customer-snapshot"]')).toMatch(/^截至 .+ · 计算于 /);
    expect(await page.textContent("#totals-h")).toBe("各业务线合计");
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("masks phones for staff, keeps filters in the URL, works at phone width (en)", async () => {
    const c = customerWithUniqueSuffix();
    const { page, errors, context } = await openPage(browser, { locale: "en", viewport: PHONE });
    await signIn(page, base, "staff1@demo.test");
    await page.goto(`${base}/customers?group=2&tier=D&sort=name&size=50`);
    await hydrated(page);
    expect(await page.isChecked('input[name="group"][value="2"]')).toBe(true);
    expect(await page.inputValue("#size")).toBe("50");
    expect(await page.locator("tbody tr").count()).toBeGreaterThan(0);
    await checkA11y(page);
    await page.goto(`${base}/customers?q=${c.phone.slice(-4)}`);
    expect(await page.textContent('[data-testid="row-phone"]')).toBe(`${c.phone.slice(0, 3)}****${c.phone.slice(-4)}`);
    await page.goto(`${base}/customers/${c.id}`);
    expect(await page.textContent('[data-testid="customer-phone"]')).toBe(`${c.phone.slice(0, 3)}****${c.phone.slice(-4)}`);
    expect(await page.locator("#edit-h").count()).toBe(0);
    await checkA11y(page);
    // A staff POST to the card is refused server-side.
    const res = await context.request.post(`${base}/customers/${c.id}`, { form: { name: "x" }, headers: { Origin: base } });
    expect(res.status()).toBe(403);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a manager edits contact data, preferences and consent; the card shows who changed what", async () => {
    const now = new Date().toISOString();
    const id = Number(sqlite.prepare("insert into customers (store_id, customer_code, name, phone, gender, usage, do_not_contact, created_at, updated_at) values (?, ?, '测试编辑', '13700001234', null, 'private', 0, ?, ?)")
      .run(storeId, `E2E-EDIT-${Date.now()}`, now, now).lastInsertRowid);
    try {
      const { page, errors, context } = await openPage(browser, { locale: "en" });
      await signIn(page, base, "manager@demo.test");
      await page.goto(`${base}/customers/${id}`);
      await hydrated(page);
      // client-side validation with the shared schema: a malformed phone is refused, nothing is posted
      await page.fill('input[name="phone"]', "12345");
      await page.click("#edit-h ~ form button[type=submit]");
      await expect.poll(() => page.locator(".field-error").first().textContent()).toContain("11-digit");
      await page.fill('input[name="phone"]', "13700005678");
      await page.check('input[name="preferences"][value="golf"]');
      await page.check('input[name="doNotContact"]');
      await Promise.all([page.waitForURL(/saved=1/), page.click("#edit-h ~ form button[type=submit]")]);
      await expect.poll(() => page.textContent('[data-testid="customer-phone"]')).toBe("13700005678");
      expect(await page.textContent('[data-testid="customer-consent"]')).toContain("Do not contact");
      const history = await page.textContent('[data-testid="customer-changes"]');
      expect(history).toContain("13700001234");
      expect(history).toContain("13700005678");
      expect(history).toContain("Golf");
      expect(history).toContain("王建国");
      await checkA11y(page);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      sqlite.prepare("delete from customer_changes where customer_id = ?").run(id);
      sqlite.prepare("delete from customer_preferences where customer_id = ?").run(id);
      sqlite.prepare("delete from customer_segments where customer_id = ?").run(id);
      sqlite.prepare("delete from customers where id = ?").run(id);
    }
  });
});

describe("segments", () => {
  it("builds a segment, sees the count change as conditions are added, saves it (zh-CN)", async () => {
    const name = `E2E 细分 ${Date.now()}`;
    const { page, errors, context } = await openPage(browser, { locale: "zh-CN" });
    try {
      await signIn(page, base, "manager@demo.test");
      await page.goto(`${base}/segments/new`);
      await hydrated(page);
      await checkA11y(page);
      const all = await count(page);
      expect(all).toBeGreaterThan(1000);
      await page.fill("#seg-name", name);
      await page.check('input[name="groups"][value="2"]');
      await expect.poll(() => count(page)).toBeLessThan(all);
      const group2 = await count(page);
      expect(group2).toBeGreaterThan(0);
      await page.check('input[name="tiers"][value="D"]');
      await expect.poll(() => count(page)).toBeLessThan(group2);
      const both = await count(page);
      const dnc = await page.textContent('[data-testid="segment-dnc"]');
      expect(dnc).toMatch(/\d/);
      await checkA11y(page);
      await Promise.all([page.waitForURL(/\/segments\/\d+$/), page.click('button[name="intent"][value="save"]')]);
      await hydrated(page);
      await expect.poll(() => page.textContent("h1")).toContain(name);
      expect(await count(page)).toBe(both);
      expect(await page.isChecked('input[name="groups"][value="2"]')).toBe(true);
      await page.goto(`${base}/segments`);
      const row = page.locator('[data-testid="segment-list"] tr', { hasText: name });
      expect(await row.locator('[data-testid="segment-members"]').textContent()).toBe(both.toLocaleString("zh-CN"));
      await checkA11y(page);
      expect(errors).toEqual([]);
    } finally {
      sqlite.prepare("delete from segments where store_id = ? and name = ?").run(storeId, name);
      await context.close();
    }
  });

  it("previews without JavaScript and refuses a staff save with 403 (en)", async () => {
    const { page, context } = await openPage(browser, { locale: "en", javaScriptEnabled: false });
    await signInPlain(page, "staff2@demo.test");
    await page.goto(`${base}/segments/new`);
    expect(await page.locator('button[name="intent"][value="save"]').count()).toBe(0);
    const before = await count(page);
    await page.check('input[name="groups"][value="8"]');
    await Promise.all([page.waitForURL(/groups=8/), page.click('button[name="intent"][value="preview"]')]);
    await expect.poll(() => count(page)).toBeLessThan(before);
    const res = await context.request.post(`${base}/segments/new`, { form: { name: "nope", groups: "1" }, headers: { Origin: base } });
    expect(res.status()).toBe(403);
    await context.close();
  });

  it("shows the whole store as the matrix and the pyramid, each cell linking to its customers (en)", async () => {
    const { page, errors, context } = await openPage(browser, { locale: "en" });
    await signIn(page, base, "manager@demo.test");
    await page.goto(`${base}/segments`);
    await hydrated(page);
    for (let g = 1; g <= 8; g++) expect(Number((await page.textContent(`[data-testid="group-${g}-count"]`))!.replace(/,/g, ""))).toBeGreaterThan(0);
    const tierA = Number((await page.textContent('[data-testid="tier-A-count"]'))!.replace(/,/g, ""));
    // A is rank ≤ ⌈1 % of the store's customers⌉ (other tests add walk-ins to the shared demo store).
    const storeCustomers = (sqlite.prepare("select count(*) as n from customers c join stores s on s.id = c.store_id where s.code = 'ZZ01'").get() as { n: number }).n;
    expect(tierA).toBe(Math.ceil(storeCustomers * 0.01));
    expect(await page.locator('[data-testid="segment-list"] tr').count()).toBeGreaterThan(4);
    await checkA11y(page);
    const cell = Number((await page.textContent('[data-testid="group-7-count"]'))!.replace(/,/g, ""));
    await Promise.all([page.waitForURL(/\/customers\?group=7/), page.click('a[href="/customers?group=7"]')]);
    await expect.poll(() => page.textContent('[data-testid="customer-total"]')).toContain(cell.toLocaleString("en"));
    expect(errors).toEqual([]);
    await context.close();
  }, 150_000);
});

describe("settings", () => {
  it("validates the rules next to the fields with the shared schema (client and server) and changes nothing", async () => {
    const before = sqlite.prepare("select settings from store_settings where store_id = ?").get(storeId);
    for (const js of [true, false]) {
      const { page, errors, context } = await openPage(browser, { locale: "en", javaScriptEnabled: js });
      await signInPlain(page, "manager@demo.test");
      await page.goto(`${base}/settings`);
      if (js) await hydrated(page);
      await page.fill("#settings-tierAPercent", "10");
      await page.fill("#settings-tierBPercent", "5");
      await page.click("text=Save rules");
      await expect.poll(() => page.locator("#settings-tierBPercent-error").textContent()).toContain("larger than the one above");
      expect(await page.inputValue("#settings-tierAPercent")).toBe("10");
      if (js) await checkA11y(page); // axe needs JavaScript in the page
      await page.fill("#settings-tierAPercent", "1");
      await page.fill("#settings-mWindowDays", "0");
      await page.click("text=Save rules");
      await expect.poll(() => page.locator("#settings-mWindowDays-error").textContent()).toContain("at least 1");
      expect(errors).toEqual([]);
      await context.close();
    }
    expect(sqlite.prepare("select settings from store_settings where store_id = ?").get(storeId)).toEqual(before);
    const { page, context } = await openPage(browser, { locale: "en" });
    await signIn(page, base, "staff1@demo.test");
    const res = await page.goto(`${base}/settings`);
    expect(res?.status()).toBe(403);
    await context.close();
  }, 150_000);
});
