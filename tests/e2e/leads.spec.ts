/**
 * Leads across departments (线索交叉) in the browser, on the shared demo server: an after-sales
 * advisor checks a guest in at the desk and taps "Interest: trade-in"; the lead is dealt to the
 * sales consultant (the only one of ZZ01), who finds it in their list, marks it won with a value;
 * the advisor sees the outcome; the manager's review shows it under leads won. Both languages,
 * 390 px, keyboard, axe on every page.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { formatMoney, formatNumber } from "~/utils/format";
import { demoDbReader, reopenEventDay } from "../helpers/demo-state";
import { checkA11y, hydrated, launchBrowser, openPage, PHONE, signIn, TABLET } from "../helpers/browser";

const base = inject("baseURL");
const dbFile = inject("dbFile");
let browser: Browser;
beforeAll(async () => {
  reopenEventDay(inject("dbFile"));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
const { one, all } = demoDbReader(dbFile);
const text = async (page: Page, testId: string) => (await page.textContent(`[data-testid="${testId}"]`))?.trim();
const EVENT_DAY = "养车讲堂（活动当天）";
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

/** An invited guest who has not arrived, whose last 4 phone digits are theirs alone in the campaign, with no trade-in lead. */
function guestToCheckIn(id: number) {
  const rows = all<{ id: number; name: string; phone: string; customer_id: number }>(
    `select i.id, c.name, c.phone, c.id as customer_id from invitations i join customers c on c.id = i.customer_id
     where i.campaign_id = ? and i.holdout = 0 and i.kind = 'audience' and c.phone is not null and c.do_not_contact = 0
       and not exists (select 1 from arrivals a where a.invitation_id = i.id)
       and not exists (select 1 from leads l where l.customer_id = c.id) order by i.id desc`, id);
  const phones = all<{ phone: string }>("select c.phone from invitations i join customers c on c.id = i.customer_id where i.campaign_id = ?", id);
  return rows.find((r) => phones.filter((p) => p.phone?.endsWith(r.phone.slice(-4))).length === 1)!;
}

describe("a trade-in interest crosses from the desk to sales and back into the review", () => {
  it("is tagged at check-in, dealt to the sales consultant, won with a value, and counted in the review", async () => {
    const id = one<{ id: number }>("select id from campaigns where name = ?", EVENT_DAY).id;
    const guest = guestToCheckIn(id);

    // 1. the after-sales advisor checks the guest in and taps the interest (tablet, English)
    const desk = await openPage(browser, { locale: "en", viewport: TABLET });
    await signIn(desk.page, base, "staff1@demo.test");
    await desk.page.goto(`${base}/campaigns/${id}/execution`);
    await hydrated(desk.page);
    await desk.page.fill("#checkin-q", guest.phone.slice(-4));
    await Promise.all([desk.page.waitForURL((u) => u.searchParams.get("q") === guest.phone.slice(-4)), desk.page.press("#checkin-q", "Enter")]);
    await Promise.all([desk.page.waitForURL(/done=checked_in/), desk.page.click(`button[aria-label="Check in ${guest.name}"]`)]);
    await expect.poll(() => text(desk.page, "checkin-answer")).toContain(`Checked in: ${guest.name}`);
    const tags = desk.page.locator('[data-testid="checkin-lead"] [data-testid="quick-lead"]');
    await tags.getByRole("button", { name: "Interest: Trade-in / new car" }).click();
    await expect.poll(() => text(desk.page, "quick-lead-answer")).toContain("Trade-in / new car lead created for Sales: 陈磊 follows it up.");
    const lead = one<{ id: number; owner: string; department: string; campaign_id: number; invitation_id: number; source: string }>(
      "select l.id, u.email as owner, l.department, l.campaign_id, l.invitation_id, l.source from leads l join users u on u.id = l.owner_id where l.customer_id = ? and l.kind = 'trade_in'", guest.customer_id);
    expect(lead).toMatchObject({ owner: "staff3@demo.test", department: "sales", campaign_id: id, invitation_id: guest.id, source: "desk" });
    // a second tap creates nothing
    await tags.getByRole("button", { name: "Interest: Trade-in / new car" }).click();
    await expect.poll(() => text(desk.page, "quick-lead-answer")).toContain("already open");
    expect(one<{ n: number }>("select count(*) as n from leads where customer_id = ? and kind = 'trade_in'", guest.customer_id).n).toBe(1);
    await checkA11y(desk.page);
    expect(desk.errors).toEqual([]);

    // 2. the sales consultant finds it in their list (phone width, Chinese, by keyboard) and wins it
    const sales = await openPage(browser, { locale: "zh-CN", viewport: PHONE });
    await signIn(sales.page, base, "staff3@demo.test");
    await sales.page.getByRole("link", { name: "线索", exact: true }).click();
    await sales.page.waitForURL(/\/leads$/);
    await hydrated(sales.page);
    expect(await fitsWidth(sales.page)).toBe(true);
    await checkA11y(sales.page);
    const row = sales.page.locator('[data-testid="leads-table"] tr', { hasText: guest.name });
    expect(await row.textContent()).toContain("置换·增购");
    await row.getByRole("link", { name: guest.name }).focus();
    await Promise.all([sales.page.waitForURL(new RegExp(`/leads/${lead.id}$`)), sales.page.keyboard.press("Enter")]);
    await hydrated(sales.page);
    expect(await fitsWidth(sales.page)).toBe(true);
    await checkA11y(sales.page);
    // a bad value is refused next to the field, nothing changes
    await sales.page.fill("#won-value", "abc");
    await sales.page.click('[data-testid="lead-won"] button[type="submit"]');
    await expect.poll(() => sales.page.textContent("#won-value-error")).toContain("请输入金额");
    expect(await sales.page.inputValue("#won-value")).toBe("abc");
    expect(one<{ status: string }>("select status from leads where id = ?", lead.id).status).toBe("new");
    await sales.page.fill("#won-value", "158000");
    await sales.page.focus("#won-value");
    await Promise.all([sales.page.waitForURL(/saved=won/), sales.page.keyboard.press("Enter")]);
    await expect.poll(() => text(sales.page, "lead-status")).toBe("成交");
    expect(one<{ status: string; actual_value_fen: number }>("select status, actual_value_fen from leads where id = ?", lead.id)).toEqual({ status: "won", actual_value_fen: 15_800_000 });
    await checkA11y(sales.page);
    expect(sales.errors).toEqual([]);

    // 3. the advisor who created it sees the outcome
    await desk.page.goto(`${base}/leads?status=all`);
    await hydrated(desk.page);
    const mine = desk.page.locator('[data-testid="leads-table"] tr', { hasText: guest.name });
    expect(await mine.locator('[data-testid="lead-status"]').textContent()).toBe("Won");
    await checkA11y(desk.page);
    expect(desk.errors).toEqual([]);

    // 4. the manager's review shows it under leads won, counted once
    const manager = await openPage(browser, { locale: "en", viewport: TABLET });
    await signIn(manager.page, base, "manager@demo.test");
    await manager.page.goto(`${base}/campaigns/${id}/review`);
    await hydrated(manager.page);
    const won = one<{ n: number; fen: number }>("select count(*) as n, coalesce(sum(actual_value_fen), 0) as fen from leads where campaign_id = ? and status = 'won'", id);
    expect(won.n).toBeGreaterThanOrEqual(1);
    expect(await text(manager.page, "review-leads-won")).toBe(formatNumber(won.n, "en"));
    expect(await text(manager.page, "review-leads-won-value")).toBe(formatMoney(won.fen, "en"));
    const counted = one<{ fen: number }>("select coalesce(sum(actual_value_fen), 0) as fen from leads where campaign_id = ? and status = 'won' and department = 'sales' and event_order_id is null", id).fen;
    expect(await text(manager.page, "review-leads-counted")).toBe(formatMoney(counted, "en"));
    expect(await manager.page.textContent('[data-testid="review-leads"]')).toContain("ROI including sales leads won");
    await checkA11y(manager.page);
    expect(manager.errors).toEqual([]);
    await Promise.all([desk.context.close(), sales.context.close(), manager.context.close()]);
  });
});

describe("leads by rule at the close of the event day", () => {
  it("previews a count and creates exactly that many (zh-CN, 390 px, axe)", async () => {
    const id = one<{ id: number }>("select id from campaigns where name = ?", EVENT_DAY).id;
    const m = await openPage(browser, { locale: "zh-CN", viewport: PHONE });
    await signIn(m.page, base, "manager@demo.test");
    await m.page.goto(`${base}/campaigns/${id}/leads`);
    await hydrated(m.page);
    await m.page.selectOption("#rule-kind", "extended_warranty");
    await m.page.fill("#rule-years", "");
    await m.page.uncheck('input[name="noOrder"]');
    await Promise.all([m.page.waitForURL(/kind=extended_warranty/), m.page.click('[data-testid="rule-preview-form"] button[type="submit"]')]);
    const previewed = Number((await text(m.page, "rule-preview"))!.match(/\d+/)![0]);
    const before = one<{ n: number }>("select count(*) as n from leads where campaign_id = ? and kind = 'extended_warranty'", id).n;
    expect(previewed).toBeGreaterThan(0);
    expect(await fitsWidth(m.page)).toBe(true);
    await checkA11y(m.page);
    await Promise.all([m.page.waitForURL(/created=/), m.page.click('[data-testid="rule-apply-form"] button[type="submit"]')]);
    expect(await text(m.page, "rule-created")).toBe(`已生成 ${previewed} 条线索。`);
    expect(one<{ n: number }>("select count(*) as n from leads where campaign_id = ? and kind = 'extended_warranty'", id).n - before).toBe(previewed);
    await checkA11y(m.page);
    expect(m.errors).toEqual([]);
    await m.context.close();
  });
});
