import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { checkA11y, hydrated, launchBrowser, openPage, PHONE, signIn } from "../helpers/browser";

const base = inject("baseURL");
let browser: Browser;
beforeAll(async () => { browser = await launchBrowser(); });
afterAll(async () => { await browser?.close(); });

describe("sign-in", () => {
  it("refuses a wrong password with a message and keeps the email", async () => {
    const { page, errors, context } = await openPage(browser, { locale: "en" });
    await page.goto(`${base}/login`);
    await hydrated(page);
    await page.fill('input[name="email"]', "manager@demo.test");
    await page.fill('input[name="password"]', "wrong-password");
    await page.click('button[type="submit"]:not([name])');
    await expect.poll(() => page.textContent(".form-error")).toContain("Email or password is incorrect.");
    expect(await page.inputValue('input[name="email"]')).toBe("manager@demo.test");
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("validates an empty form and a 10 KB email without JavaScript, keeping the input", async () => {
    const { page, context } = await openPage(browser, { locale: "en", javaScriptEnabled: false });
    await page.goto(`${base}/login`);
    await page.click('button[type="submit"]:not([name])');
    await page.waitForLoadState();
    expect(await page.locator(".field-error").allTextContents()).toEqual(["This field is required.", "This field is required."]);
    const long = `${"a".repeat(10_000)}@demo.test`;
    await page.fill('input[name="email"]', long);
    await page.fill('input[name="password"]', "x");
    const response = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]:not([name])')]);
    expect(response[0]?.status()).toBe(400);
    expect(await page.locator(".field-error").first().textContent()).toBe("This is too long.");
    expect(await page.inputValue('input[name="email"]')).toBe(long);
    await context.close();
  });

  it("signs a manager in to the demo store shell and out again, honouring redirectTo", async () => {
    const { page, errors, context } = await openPage(browser, { locale: "zh-CN" });
    await page.goto(`${base}/customers`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/customers");
    await hydrated(page);
    await page.fill('input[name="email"]', "manager@demo.test");
    await page.fill('input[name="password"]', "demo1234");
    await Promise.all([page.waitForURL(`${base}/customers`), page.click('button[type="submit"]:not([name])')]);
    expect(await page.textContent('[data-testid="current-store"]')).toContain("郑州中原之星");
    expect(await page.textContent("h1")).toBe("基盘客户");
    await checkA11y(page);
    await page.click("text=退出登录");
    await page.waitForURL(/\/login/);
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("shell", () => {
  it("switches language and keeps the choice in a cookie", async () => {
    const { page, errors, context } = await openPage(browser, { locale: "zh-CN" });
    await signIn(page, base, "manager@demo.test");
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.textContent("h1")).toBe("工作台");
    await checkA11y(page);
    await page.click('button[name="lang"][value="en"]');
    await page.waitForFunction(() => document.documentElement.lang === "en");
    await expect.poll(() => page.textContent("h1"), { timeout: 8000 }).toBe("Dashboard");
    await page.goto(`${base}/customers`);
    expect(await page.textContent("h1")).toBe("Customers");
    await checkA11y(page);
    const cookies = await context.cookies();
    const lang = cookies.find((c) => c.name === "lang")!.value;
    expect(JSON.parse(Buffer.from(decodeURIComponent(lang), "base64").toString())).toBe("en");
    const session = cookies.find((c) => c.name === "__session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows a real 404 page in the chosen language", async () => {
    const { page, context } = await openPage(browser, { locale: "en" });
    await signIn(page, base, "manager@demo.test");
    const res = await page.goto(`${base}/no/such/page`);
    expect(res?.status()).toBe(404);
    expect(await page.textContent("h1")).toContain("Page not found");
    await checkA11y(page);
    await context.close();
  });

  it("refuses a manager page to staff on the server (403)", async () => {
    const { page, context } = await openPage(browser, { locale: "en" });
    await signIn(page, base, "staff1@demo.test");
    const res = await page.goto(`${base}/settings`);
    expect(res?.status()).toBe(403);
    expect(await page.textContent("h1")).toContain("Not allowed");
    // staff see phone numbers masked
    await page.goto(`${base}/customers`);
    const phone = await page.locator("tbody tr td").nth(2).textContent();
    expect(phone).toMatch(/^1\d\d\*\*\*\*\d{4}$/);
    await context.close();
  });

  it("isolates stores: another store's manager gets 404 for this store's customer", async () => {
    const a = await openPage(browser, { locale: "en" });
    await signIn(a.page, base, "manager@demo.test");
    await a.page.goto(`${base}/customers`);
    const href = await a.page.locator("tbody a").first().getAttribute("href");
    const ok = await a.page.goto(`${base}${href}`);
    expect(ok?.status()).toBe(200);
    const b = await openPage(browser, { locale: "en" });
    await signIn(b.page, base, "ly.manager@demo.test");
    const res = await b.page.goto(`${base}${href}`);
    expect(res?.status()).toBe(404);
    await a.context.close();
    await b.context.close();
  });

  it("lets the group admin switch stores", async () => {
    const { page, context, errors } = await openPage(browser, { locale: "en" });
    await signIn(page, base, "admin@demo.test");
    // about 3,000 (other tests register walk-ins in the shared demo store)
    expect(await page.textContent('[data-testid="store-summary"]')).toMatch(/3,0\d\d customers/);
    await page.selectOption("#store-switch", { label: "洛阳河洛之星汽车服务有限公司（演示）" });
    await page.click("text=Switch store");
    await expect.poll(() => page.textContent('[data-testid="store-summary"]')).toContain("400 customers");
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("fits a phone-width screen", async () => {
    const { page, context } = await openPage(browser, { locale: "zh-CN", viewport: PHONE });
    await signIn(page, base, "manager@demo.test");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await checkA11y(page);
    await context.close();
  });

  it("answers /healthz after a database query", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("refuses a POST from a foreign origin", async () => {
    const res = await fetch(`${base}/login`, { method: "POST", headers: { Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" }, body: "email=a@b.c&password=x" });
    expect(res.status).toBe(403);
  });
});
