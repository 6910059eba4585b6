/**
 * Event day, review and dashboard in the browser, on the shared demo server: check-in at
 * tablet width (by phone digits, a duplicate from two tablets, a walk-in), an order and a
 * deposit, actual costs, touchpoint scores, the review's numbers against figures computed
 * here by hand with plain SQL on the same database, closing the campaign, and axe on every page.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { formatMoney, formatNumber, formatPercent } from "~/utils/format";
import { checkA11y, hydrated, launchBrowser, openPage, PHONE, signIn, TABLET } from "../helpers/browser";
import { demoDbReader } from "../helpers/demo-state";

const base = inject("baseURL");
const dbFile = inject("dbFile");
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
const { one, all } = demoDbReader(dbFile);
const campaignId = (name: string) => one<{ id: number }>("select id from campaigns where name = ?", name).id;
const EVENT_DAY = "养车讲堂（活动当天）";
const CLOSED = "春季保养节（已结案）";
const rand = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

function addDays(d: string, n: number) {
  const [y, m, day] = d.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, day! + n)).toISOString().slice(0, 10);
}

/** The review's headline numbers, computed by hand with SQL (not the app's code). */
function handFigures(id: number, days = 30) {
  const c = one("select * from campaigns where id = ?", id);
  const last = String(c.event_end ?? c.event_start).slice(0, 10);
  const through = addDays(last, days);
  const n = (q: string, ...a: unknown[]) => Number(Object.values(one(q, ...a))[0] ?? 0);
  const walkIns = "select invitation_id from arrivals where campaign_id = ? and walk_in = 1";
  const audience = n(`select count(*) from invitations where campaign_id = ? and holdout = 0 and id not in (${walkIns})`, id, id);
  // reached: spoken to or answered in writing (a yes, maybe, no or callback attempt), decision 016
  const reached = n(`select count(*) from invitations i where i.campaign_id = ? and i.holdout = 0 and i.id not in (${walkIns})
    and exists (select 1 from invitation_attempts a where a.invitation_id = i.id and a.outcome in ('yes', 'maybe', 'no', 'callback'))`, id, id);
  const yes = n(`select count(*) from invitations where campaign_id = ? and holdout = 0 and result = 'yes' and id not in (${walkIns})`, id, id);
  const arrived = n("select count(*) from arrivals where campaign_id = ?", id);
  const converted = n("select count(distinct arrival_id) from event_orders where campaign_id = ?", id);
  const orders = n("select coalesce(sum(amount_fen), 0) from event_orders where campaign_id = ?", id);
  const cost = n("select coalesce(sum(actual_fen), 0) from campaign_budget_lines where campaign_id = ?", id);
  const visitsOf = (customerFilter: string, ...a: unknown[]) =>
    n(`select coalesce(sum(amount_fen), 0) from service_visits where visit_date > ? and visit_date <= ? and customer_id in (${customerFilter})`, last, through, ...a);
  const visits = visitsOf("select i.customer_id from invitations i where i.campaign_id = ? and (i.holdout = 0 or exists (select 1 from arrivals a where a.invitation_id = i.id))", id);
  const revenue = orders + visits;
  const group = (holdout: number) => {
    const size = n("select count(*) from invitations where campaign_id = ? and kind = 'audience' and holdout = ?", id, holdout);
    const groupOrders = n("select coalesce(sum(o.amount_fen), 0) from event_orders o join arrivals a on a.id = o.arrival_id join invitations i on i.id = a.invitation_id where i.campaign_id = ? and i.kind = 'audience' and i.holdout = ?", id, holdout);
    const groupVisits = visitsOf("select customer_id from invitations where campaign_id = ? and kind = 'audience' and holdout = ?", id, holdout);
    return { size, revenue: groupOrders + groupVisits };
  };
  const inv = group(0);
  const held = group(1);
  const incremental = inv.size && held.size ? Math.round((inv.revenue / inv.size - held.revenue / held.size) * inv.size) : null;
  return { audience, reached, yes, arrived, converted, revenue, cost, roi: cost > 0 ? (revenue - cost) / cost : null, invitedSize: inv.size, holdoutSize: held.size, incremental };
}

const text = async (page: Page, testId: string) => (await page.textContent(`[data-testid="${testId}"]`))?.trim();

async function expectReviewMatches(page: Page, id: number) {
  const h = handFigures(id);
  expect(await text(page, "funnel-audience-count")).toBe(formatNumber(h.audience, "en"));
  expect(await text(page, "funnel-reached-count")).toBe(formatNumber(h.reached, "en"));
  expect(await text(page, "funnel-yes-count")).toBe(formatNumber(h.yes, "en"));
  expect(await text(page, "funnel-arrived-count")).toBe(formatNumber(h.arrived, "en"));
  expect(await text(page, "funnel-converted-count")).toBe(formatNumber(h.converted, "en"));
  expect(await text(page, "money-revenue")).toBe(formatMoney(h.revenue, "en"));
  expect(await text(page, "money-cost")).toBe(formatMoney(h.cost, "en"));
  expect(await text(page, "money-roi")).toBe(formatPercent(h.roi, "en"));
  expect(await text(page, "lift-invited-size")).toBe(formatNumber(h.invitedSize, "en"));
  expect(await text(page, "lift-holdout-size")).toBe(formatNumber(h.holdoutSize, "en"));
  expect(await text(page, "lift-incremental")).toBe(h.incremental === null ? "—" : formatMoney(h.incremental, "en"));
  return h;
}

/** An invited guest of the event-day campaign who has not arrived, whose last 4 phone digits are theirs alone in it. */
function guestToCheckIn(id: number, skip: number[] = []) {
  const rows = all<{ id: number; name: string; phone: string }>(
    `select i.id, c.name, c.phone from invitations i join customers c on c.id = i.customer_id
     where i.campaign_id = ? and i.holdout = 0 and i.kind = 'audience' and c.phone is not null
       and not exists (select 1 from arrivals a where a.invitation_id = i.id) order by i.result = 'yes' desc, i.id`, id);
  const phones = all<{ phone: string }>("select c.phone from invitations i join customers c on c.id = i.customer_id where i.campaign_id = ?", id);
  return rows.find((r) => !skip.includes(r.id) && phones.filter((p) => p.phone?.endsWith(r.phone.slice(-4))).length === 1)!;
}

async function search(page: Page, id: number, q: string) {
  await page.goto(`${base}/campaigns/${id}/execution`);
  await hydrated(page);
  await page.fill("#checkin-q", q);
  await Promise.all([page.waitForURL((u) => u.searchParams.get("q") === q), page.press("#checkin-q", "Enter")]);
}

describe("event day at the door (tablet)", () => {
  it("checks in an invited guest found by the last 4 phone digits, in one search and one tap", async () => {
    const id = campaignId(EVENT_DAY);
    const guest = guestToCheckIn(id);
    const { page, errors, context } = await openPage(browser, { locale: "en", viewport: TABLET });
    await signIn(page, base, "staff1@demo.test");
    await search(page, id, guest.phone.slice(-4));
    await checkA11y(page);
    await Promise.all([page.waitForURL(/done=checked_in/), page.click(`button[aria-label="Check in ${guest.name}"]`)]);
    await expect.poll(() => text(page, "checkin-answer")).toContain(`Checked in: ${guest.name}`);
    expect(one("select count(*) as n from arrivals where invitation_id = ?", guest.id).n).toBe(1);
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("answers a duplicate check-in from a second tablet with who checked the guest in and when", async () => {
    const id = campaignId(EVENT_DAY);
    const guest = guestToCheckIn(id);
    const a = await openPage(browser, { locale: "en", viewport: TABLET });
    const b = await openPage(browser, { locale: "en", viewport: TABLET });
    await signIn(a.page, base, "staff1@demo.test");
    await signIn(b.page, base, "staff2@demo.test");
    await search(a.page, id, guest.phone.slice(-4));
    await search(b.page, id, guest.phone.slice(-4));
    await Promise.all([a.page.waitForURL(/done=checked_in/), a.page.click(`button[aria-label="Check in ${guest.name}"]`)]);
    await b.page.click(`button[aria-label="Check in ${guest.name}"]`);
    await expect.poll(() => text(b.page, "checkin-answer")).toContain(`Already checked in: ${guest.name}`);
    expect(await text(b.page, "checkin-answer")).toContain("checked in by 张伟");
    expect(one("select count(*) as n from arrivals where invitation_id = ?", guest.id).n).toBe(1);
    await checkA11y(b.page);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it("registers a walk-in, then records an order (refusing a negative amount) and a deposit for them", async () => {
    const id = campaignId(EVENT_DAY);
    const name = `Visitor${rand()}`.replace(/\d/g, "x");
    const { page, errors, context } = await openPage(browser, { locale: "en", viewport: TABLET });
    await signIn(page, base, "staff3@demo.test");
    await search(page, id, name);
    expect(await text(page, "checkin-answer")).toContain("Not invited");
    expect(await page.inputValue("#walkin-name")).toBe(name);
    await page.fill("#walkin-phone", `166${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`);
    await Promise.all([page.waitForURL(/done=walk_in_checked_in/), page.click('[data-testid="walk-in-new"] button[type="submit"]')]);
    await expect.poll(() => text(page, "checkin-answer")).toContain(`Walk-in registered and checked in: ${name}`);
    const arrivalId = Number(new URL(page.url()).searchParams.get("arrival"));
    expect(one("select walk_in from arrivals where id = ?", arrivalId).walk_in).toBe(1);

    // the order form has the new guest chosen
    expect(await page.inputValue("#order-arrival")).toBe(String(arrivalId));
    await page.selectOption("#order-line", "I");
    await page.selectOption("#order-kind", "new_booking");
    await page.fill("#order-description", "Insurance renewal");
    await page.fill("#order-amount", "-5");
    const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.click('[data-testid="order-form"] button[type="submit"]')]);
    expect(refused.status()).toBe(400);
    await expect.poll(() => page.textContent("#order-amount-error")).toContain("Enter an amount in yuan");
    expect(one("select count(*) as n from event_orders where arrival_id = ?", arrivalId).n).toBe(0);
    await page.fill("#order-amount", "1280.50");
    await Promise.all([page.waitForURL(/saved=order/), page.click('[data-testid="order-form"] button[type="submit"]')]);
    await expect.poll(() => text(page, "conversion-saved")).toBe("Order recorded.");
    expect(one("select amount_fen, line, kind from event_orders where arrival_id = ?", arrivalId)).toEqual({ amount_fen: 128050, line: "I", kind: "new_booking" });

    await page.selectOption("#deposit-arrival", String(arrivalId));
    await page.fill("#deposit-amount", "300");
    await page.fill("#deposit-receipt", "R-77");
    await Promise.all([page.waitForURL(/saved=deposit/), page.click('[data-testid="deposit-form"] button[type="submit"]')]);
    await expect.poll(() => text(page, "conversion-saved")).toBe("Deposit recorded.");
    expect(one("select amount_fen from event_deposits where arrival_id = ?", arrivalId).amount_fen).toBe(30000);
    await checkA11y(page);
    // staff do not fill actual costs: the server refuses it
    const status = await page.evaluate(async (url) => {
      const body = new URLSearchParams({ intent: "actuals", "lines.0.id": "1", "lines.0.actual": "1" });
      return (await fetch(url, { method: "POST", body })).status;
    }, `${base}/campaigns/${id}/execution`);
    expect(status).toBe(403);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("fits a phone-width screen", async () => {
    const id = campaignId(EVENT_DAY);
    const { page, errors, context } = await openPage(browser, { locale: "zh-CN", viewport: PHONE });
    await signIn(page, base, "staff1@demo.test");
    await search(page, id, guestToCheckIn(id).phone.slice(-4));
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("a manager on the event day and in the review (tablet)", () => {
  it("fills actual costs, scores a touchpoint and ticks readiness", async () => {
    const id = campaignId(EVENT_DAY);
    const { page, errors, context } = await openPage(browser, { locale: "en", viewport: TABLET });
    await signIn(page, base, "manager@demo.test");
    await page.goto(`${base}/campaigns/${id}/execution`);
    await hydrated(page);
    await checkA11y(page);
    const lines = all<{ id: number; amount_fen: number }>("select id, amount_fen from campaign_budget_lines where campaign_id = ? order by position", id);
    // without JavaScript, a refused amount comes back next to its field with every typed value kept
    const typed = await page.evaluate(async ({ url, ids }) => {
      const body = new URLSearchParams({ intent: "actuals" });
      ids.forEach((lineId, i) => { body.set(`lines.${i}.id`, String(lineId)); body.set(`lines.${i}.actual`, i === 0 ? "12abc" : `${70 + i}.25`); });
      body.set("lines.0.note", "kept note 7");
      const res = await fetch(url, { method: "POST", body });
      return { status: res.status, html: await res.text() };
    }, { url: `${base}/campaigns/${id}/execution`, ids: lines.map((l) => l.id) });
    expect(typed.status).toBe(400);
    expect(typed.html).toContain('value="12abc"');
    expect(typed.html).toContain('value="kept note 7"');
    if (lines.length > 1) expect(typed.html).toContain('value="71.25"');
    expect(one("select count(*) as n from campaign_budget_lines where campaign_id = ? and actual_note = 'kept note 7'", id).n).toBe(0);
    for (const [i, l] of lines.entries()) await page.fill(`#actual-${l.id}`, (l.amount_fen / 100 + i).toFixed(2));
    await page.fill(`#note-${lines[0]!.id}`, "Invoice, quote \"A\", 2 pages");
    await Promise.all([page.waitForURL(/saved=actuals/), page.click('[data-testid="costs-form"] button[type="submit"]')]);
    await expect.poll(() => text(page, "costs-saved")).toBe("Saved.");
    expect(one("select count(*) as n from campaign_budget_lines where campaign_id = ? and actual_fen is null", id).n).toBe(0);
    expect(one("select actual_note from campaign_budget_lines where id = ?", lines[0]!.id).actual_note).toBe("Invoice, quote \"A\", 2 pages");

    const card = page.locator('[data-testid="score-reception"]');
    await card.locator('input[name="score"][value="4"]').check();
    await card.locator('input[name="indicators"][value="smiles"]').check();
    await card.locator("textarea").fill("Quick at the desk");
    await Promise.all([page.waitForURL(/saved=score/), card.locator('button[type="submit"]').click()]);
    await expect.poll(() => text(page, "scores-saved")).toBe("Saved.");
    expect(one("select score, notes from touchpoint_scores where campaign_id = ? and touchpoint = 'reception'", id)).toEqual({ score: 4, notes: "Quick at the desk" });

    await Promise.all([page.waitForURL(/saved=readiness/), page.click('button[aria-label="Mark “Creative (创意表现)” ready"]')]);
    expect(one("select count(*) as n from readiness_checks where campaign_id = ? and point = 'creative'", id).n).toBe(1);
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows a closed campaign's frozen review with the numbers computed by hand, and exports it as CSV", async () => {
    const id = campaignId(CLOSED);
    const { page, errors, context } = await openPage(browser, { locale: "en", viewport: TABLET });
    await signIn(page, base, "manager@demo.test");
    await page.goto(`${base}/campaigns/${id}/review`);
    await hydrated(page);
    await expect.poll(() => text(page, "review-frozen")).toContain("Closed: these figures were frozen");
    const h = await expectReviewMatches(page, id);
    expect(h.holdoutSize).toBeGreaterThan(0);
    // issue 15: the lift's 95 % interval in words; the verdict follows from where the interval lies
    const sentence = (await text(page, "lift-visit-sentence"))!;
    const pts = [...sentence.matchAll(/([+−])(\d+\.\d)/g)].map((m) => (m[1] === "−" ? -1 : 1) * Number(m[2]));
    expect(pts.length).toBe(3);
    const [diff, low, high] = pts as [number, number, number];
    expect(low).toBeLessThanOrEqual(diff);
    expect(diff).toBeLessThanOrEqual(high);
    const verdict = (await text(page, "lift-verdict"))!;
    if (low <= 0 && high >= 0) expect(verdict).toMatch(/^Not distinguishable from no effect/);
    else expect(verdict).toMatch(low > 0 ? /^A real increase/ : /^A real decrease/);
    // a chart is drawn when it comes near the screen
    await page.locator(".chart-box").first().scrollIntoViewIfNeeded();
    await page.waitForSelector('.chart-box[data-chart-ready="true"] canvas');
    await checkA11y(page);
    const csv = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
    }, `${base}/campaigns/${id}/review/csv`);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain("text/csv");
    expect(csv.body).toContain(CLOSED);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("reviews the event-day campaign live (same numbers as by hand), then closes it and the figures freeze", async () => {
    const id = campaignId(EVENT_DAY);
    const { page, errors, context } = await openPage(browser, { locale: "en", viewport: TABLET });
    await signIn(page, base, "manager@demo.test");
    await page.goto(`${base}/campaigns/${id}/review`);
    await hydrated(page);
    const before = await expectReviewMatches(page, id);
    expect(before.arrived).toBeGreaterThan(0);
    await checkA11y(page);
    // a trial attribution window out of range is refused clearly
    await page.goto(`${base}/campaigns/${id}/review?days=0`);
    await expect.poll(() => page.textContent("#days-error")).toContain("from 1 to 365");
    await page.goto(`${base}/campaigns/${id}/review`);
    await hydrated(page);
    await Promise.all([page.waitForURL(/saved=start_review/), page.click('[data-testid="review-start_review"] button[type="submit"]')]);
    await page.fill("#lessons-whatWorked", "Door check-in took one tap");
    await Promise.all([page.waitForURL(/saved=lessons/), page.click('[data-testid="lessons-form"] button[type="submit"]')]);
    // the event was today: the attribution window is open, so closing now needs a reason and a confirmation
    expect(await page.getAttribute('[data-testid="review-finality"]', "data-provisional")).toBe("true");
    await page.fill("#comment-close", "Monthly report to the group");
    await page.check('[data-testid="review-close"] input[name="confirmEarly"]');
    await Promise.all([page.waitForURL(/saved=close/), page.click('[data-testid="review-close"] button[type="submit"]')]);
    await expect.poll(() => text(page, "review-frozen")).toContain("Closed: these figures were frozen");
    expect(await text(page, "review-finality")).toContain("Provisional: the campaign was closed before the attribution window ended");
    expect(one("select status from campaigns where id = ?", id).status).toBe("closed");
    expect(one("select comment from campaign_history where campaign_id = ? and field = 'close'", id).comment).toBe("Monthly report to the group");
    await expectReviewMatches(page, id);
    expect(await page.textContent('[data-testid="review-lessons"]')).toContain("Door check-in took one tap");
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("dashboard", () => {
  it("shows a manager this year's totals, results by campaign and chain, follow-ups and callbacks", async () => {
    const { page, errors, context } = await openPage(browser, { locale: "en", viewport: TABLET });
    await signIn(page, base, "manager@demo.test");
    await page.goto(`${base}/`);
    await hydrated(page);
    expect(await page.textContent("h1")).toBe("Dashboard");
    expect(await text(page, "store-summary")).toContain("customers");
    expect(Number((await text(page, "total-arrivals"))!.replace(/,/g, ""))).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="by-campaign"]')).toContain(CLOSED);
    // the last chart, further down the page, is drawn only once it comes near the screen
    const last = page.locator(".chart-box").last();
    await page.waitForSelector('.chart-box[data-chart-ready="true"] canvas'); // the first ones, on screen
    expect(await last.getAttribute("data-chart-ready")).toBeNull();
    await last.scrollIntoViewIfNeeded();
    await expect.poll(() => last.getAttribute("data-chart-ready")).toBe("true");
    await page.locator('[data-testid="by-chain"] .chart-box').scrollIntoViewIfNeeded();
    await page.waitForSelector('[data-testid="by-chain"] .chart-box[data-chart-ready="true"] canvas');
    expect(await page.textContent('[data-testid="short-of-three"]')).not.toBe("");
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows staff their cards due today and their results, and a group admin the stores side by side", async () => {
    const s = await openPage(browser, { locale: "zh-CN", viewport: PHONE });
    await signIn(s.page, base, "staff1@demo.test");
    await s.page.goto(`${base}/`);
    await hydrated(s.page);
    expect(await s.page.textContent('[data-testid="my-results"]')).toContain("肯定来");
    expect(await s.page.$('[data-testid="year-totals"]')).toBeNull();
    await checkA11y(s.page);
    expect(s.errors).toEqual([]);
    await s.context.close();

    const a = await openPage(browser, { locale: "en", viewport: TABLET });
    await signIn(a.page, base, "admin@demo.test");
    await a.page.goto(`${base}/`);
    await hydrated(a.page);
    const side = await a.page.textContent('[data-testid="stores-side-by-side"]');
    expect(side).toContain("郑州");
    expect(side).toContain("洛阳");
    await checkA11y(a.page);
    expect(a.errors).toEqual([]);
    await a.context.close();
  });
});
