import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { checkA11y, hydrated, launchBrowser, openPage, PHONE, signIn } from "../helpers/browser";

const base = inject("baseURL");
let browser: Browser;
beforeAll(async () => { browser = await launchBrowser(); });
afterAll(async () => { await browser?.close(); });

const L = {
  en: {
    submitted: "Submitted", approved: "Approved", draft: "Draft", submit: "Submit for approval", approve: "Approve",
    sections: ["WHY · objective", "KPI targets", "WHO · target customers", "WHAT · theme and message", "WHEN · dates", "WHERE · venue and channels", "HOW MUCH · budget", "HOW TO DO · task plan"],
    template: "first_maintenance_day", audience: /Audience: [\d,]+ customers/,
  },
  "zh-CN": {
    submitted: "待审批", approved: "已批准", draft: "草稿", submit: "提交审批", approve: "批准",
    sections: ["WHY 为什么", "KPI 目标", "WHO 对谁说", "WHAT 说什么", "WHEN 时间", "WHERE 接触", "HOW MUCH 花费", "HOW TO DO 活动计划"],
    template: "car_care_class", audience: /目标客户：[\d,]+ 人/,
  },
} as const;

const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

async function save(page: Page) {
  await Promise.all([page.waitForURL(/\/campaigns\/\d+\/plan\?saved=/), page.click('[data-testid="save"]')]);
  const id = Number(/\/campaigns\/(\d+)\/plan/.exec(page.url())![1]);
  // the saved plan is on screen (its status line says when it was saved)
  await page.waitForFunction(() => !!document.querySelector('[data-testid="save-status"]')?.textContent);
  return id;
}

/** Creates a plan from a template through the form and returns its id. */
async function createFromTemplate(page: Page, template: string, name: string, fill?: (page: Page) => Promise<void>) {
  await page.goto(`${base}/campaigns/new`);
  await hydrated(page);
  await page.click(`[data-testid="template-${template}"]`);
  await page.waitForURL(new RegExp(`template=${template}`));
  // the template's form has replaced the blank one (its name is filled in)
  await page.waitForFunction(() => (document.querySelector<HTMLInputElement>("#plan-name")?.value ?? "") !== "");
  await page.fill("#plan-name", name);
  await page.selectOption("#plan-segmentId", { index: 1 });
  // the first count of a demo segment may build the segmentation snapshot
  await page.waitForSelector('[data-testid="audience-count"]', { timeout: 45_000 });
  if (fill) await fill(page);
  return save(page);
}

describe.each(["en", "zh-CN"] as const)("campaign plan in %s", (locale) => {
  const l = L[locale];
  it("is created from a template, filled in every section, saved, submitted, approved by another manager, listed, in the calendar and printable", async () => {
    const a = await openPage(browser, { locale });
    await signIn(a.page, base, "manager@demo.test");
    const name = unique(locale === "en" ? "Care day" : "首保关爱日");
    const id = await createFromTemplate(a.page, l.template, name, async (page) => {
      await checkA11y(page);
      // WHY
      await page.fill("#plan-background", "Background typed in the browser");
      await page.click("text=" + (locale === "en" ? "Add a goal" : "添加目标"));
      const goals = await page.locator('[data-testid="goal-row"]').count();
      await page.fill(`#plan-goals-${goals - 1}-text`, "Reviews");
      await page.fill(`#plan-goals-${goals - 1}-target`, "12.5");
      await page.fill(`#plan-goals-${goals - 1}-unit`, "pcs");
      await page.fill("#plan-nonQuantifiedGoals", "Happy customers");
      // KPI
      await page.fill("#plan-kpiRevenue", "88000.3");
      await page.fill("#plan-kpiYesCount", "77");
      // WHO
      await page.fill("#plan-holdoutPercent", "15");
      // WHAT
      await page.fill("#plan-theme", "Theme typed");
      await page.selectOption("#plan-topicTechnique", "borrow_trend");
      await page.selectOption("#plan-topicSubkind", "hot_topic");
      await page.selectOption("#plan-businessChain", "warranty_repair");
      await page.fill("#plan-offer", "Offer typed");
      await page.fill("#plan-script", "Unified script typed for everyone");
      // WHERE
      await page.fill("#plan-venue", "Lounge");
      await page.check("#plan-channels-4-selected");
      await page.fill("#plan-channels-4-plannedReach", "500");
      // HOW MUCH: 0.1 + 0.2 yuan
      const lines = await page.locator('[data-testid="budget-row"]').count();
      await page.click("text=" + (locale === "en" ? "Add a budget line" : "添加预算项"));
      await page.selectOption(`#plan-budget-${lines}-category`, "other");
      await page.fill(`#plan-budget-${lines}-description`, "a");
      await page.fill(`#plan-budget-${lines}-quantity`, "1");
      await page.fill(`#plan-budget-${lines}-unitCost`, "0.1");
      await page.click("text=" + (locale === "en" ? "Add a budget line" : "添加预算项"));
      await page.selectOption(`#plan-budget-${lines + 1}-category`, "other");
      await page.fill(`#plan-budget-${lines + 1}-description`, "b");
      await page.fill(`#plan-budget-${lines + 1}-quantity`, "1");
      await page.fill(`#plan-budget-${lines + 1}-unitCost`, "0.2");
      await expect.poll(() => page.locator('[data-testid="budget-totals"]').textContent()).toContain("0.30");
      // HOW TO DO
      await page.selectOption("#plan-tasks-0-ownerId", { index: 1 });
      await page.selectOption("#plan-tasks-0-status", "doing");
    });
    expect(await a.page.locator('[data-testid="save-status"]').textContent()).not.toBe("");
    expect(await a.page.inputValue("#plan-kpiRevenue")).toBe("88000.30");
    expect(await a.page.inputValue("#plan-script")).toBe("Unified script typed for everyone");
    const month = (await a.page.inputValue("#plan-eventStart")).slice(0, 7);
    expect(month).toMatch(/^\d{4}-\d{2}$/);
    await checkA11y(a.page);

    // home: submit
    await a.page.goto(`${base}/campaigns/${id}`);
    await hydrated(a.page);
    expect(await a.page.textContent('[data-testid="campaign-status"]')).toBe(l.draft);
    await checkA11y(a.page);
    await Promise.all([a.page.waitForLoadState("networkidle"), a.page.click(`[data-testid="workflow-submit"] button`)]);
    await expect.poll(() => a.page.textContent('[data-testid="campaign-status"]')).toBe(l.submitted);
    // the author cannot approve their own plan
    expect(await a.page.locator('[data-testid="workflow-approve"]').count()).toBe(0);
    expect(a.errors).toEqual([]);

    // another manager approves
    const b = await openPage(browser, { locale });
    await signIn(b.page, base, "manager2@demo.test");
    await b.page.goto(`${base}/campaigns/${id}`);
    await hydrated(b.page);
    await b.page.fill("#comment-approve", "OK");
    await b.page.click(`[data-testid="workflow-approve"] button`);
    await expect.poll(() => b.page.textContent('[data-testid="campaign-status"]')).toBe(l.approved);
    expect(await b.page.textContent('[data-testid="history"]')).toContain("OK");
    await checkA11y(b.page);

    // list (search by name) and calendar
    await b.page.goto(`${base}/campaigns?q=${encodeURIComponent(name)}`);
    const row = b.page.locator('[data-testid="campaign-list"] tbody tr');
    expect(await row.count(), (await b.page.textContent("main"))!.slice(0, 1500) + b.page.url()).toBe(1);
    expect(await row.textContent()).toContain(l.approved);
    await checkA11y(b.page);
    await b.page.goto(`${base}/campaigns/${id}/print`);
    const printText = (await b.page.textContent('[data-testid="print-view"]'))!;
    for (const s of l.sections) expect(printText).toContain(s);
    for (const typed of ["Background typed in the browser", "Reviews", "Happy customers", "Theme typed", "Offer typed", "Unified script typed for everyone", "Lounge", "¥88,000.30"]) {
      expect(printText).toContain(typed);
    }
    expect(await b.page.textContent('[data-testid="budget-lines"]')).toContain("¥0.20");
    await checkA11y(b.page);
    // the calendar of the event's month shows it
    await b.page.goto(`${base}/campaigns?view=calendar&month=${month}`);
    expect(await b.page.locator(`[data-testid="calendar"] a[href="/campaigns/${id}"]`).count()).toBeGreaterThan(0);
    await checkA11y(b.page);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  }, 180_000);
});

describe("plan form rules", { timeout: 120_000 }, () => {
  it("shows each bad input next to its field and saves nothing", async () => {
    const { page, context, errors } = await openPage(browser, { locale: "en" });
    await signIn(page, base, "manager@demo.test");
    await page.goto(`${base}/campaigns/new?template=thank_you_event`);
    await hydrated(page);
    await page.fill("#plan-name", "");
    await page.fill("#plan-kpiRevenue", "-5");
    await page.fill("#plan-kpiDeposits", "abc");
    await page.fill("#plan-kpiReachRatePercent", "150");
    await page.fill("#plan-kpiRoiPercent", "250");
    await page.fill("#plan-invitationEnd", "2020-01-01");
    await page.fill("#plan-budget-0-unitCost", "-1");
    await page.selectOption("#plan-budget-1-category", "");
    await page.click('[data-testid="save"]');
    const errorOf = (id: string) => page.textContent(`#${id}-error`);
    await expect.poll(() => errorOf("plan-name")).toBe("This field is required.");
    expect(await errorOf("plan-kpiRevenue")).toContain("amount in yuan");
    expect(await errorOf("plan-kpiDeposits")).toContain("amount in yuan");
    expect(await errorOf("plan-kpiReachRatePercent")).toContain("0 to 100");
    expect(await page.locator("#plan-kpiRoiPercent-error").count()).toBe(0); // ROI may exceed 100
    expect(await errorOf("plan-budget-0-unitCost")).toContain("amount in yuan");
    expect(await errorOf("plan-budget-1-category")).toContain("category");
    expect(new URL(page.url()).pathname).toBe("/campaigns/new");
    // fix those; the date order is then checked
    await page.fill("#plan-name", unique("Rules"));
    await page.fill("#plan-kpiRevenue", "1");
    await page.fill("#plan-kpiDeposits", "1");
    await page.fill("#plan-kpiReachRatePercent", "100");
    await page.fill("#plan-budget-0-unitCost", "1");
    await page.selectOption("#plan-budget-1-category", "catering");
    await page.click('[data-testid="save"]');
    await expect.poll(() => errorOf("plan-invitationEnd")).toContain("on or after the day they start");
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("refuses a too-long script without JavaScript, keeping what was typed; refuses another store's segment", async () => {
    const zz = await openPage(browser, { locale: "en" });
    await signIn(zz.page, base, "manager@demo.test");
    await zz.page.goto(`${base}/campaigns/new`);
    const zzSegment = await zz.page.locator("#plan-segmentId option").nth(1).getAttribute("value");
    await zz.context.close();
    const ly = await openPage(browser, { locale: "en" });
    await signIn(ly.page, base, "ly.manager@demo.test");
    const post = await ly.page.request.post(`${base}/campaigns/new`, { form: { version: "0", name: "Foreign segment", segmentId: zzSegment! }, headers: { Origin: base } });
    expect(post.status()).toBe(400);
    expect(await post.text()).toContain("campaigns:errors.segmentUnknown");
    await ly.context.close();

    const { page, context } = await openPage(browser, { locale: "en", javaScriptEnabled: false });
    await page.goto(`${base}/login`);
    await page.fill('input[name="email"]', "manager@demo.test");
    await page.fill('input[name="password"]', "demo1234");
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.click('button[type="submit"]:not([name])')]);
    await page.goto(`${base}/campaigns/new?template=car_care_class`);
    const name = unique("No JS");
    await page.fill("#plan-name", name);
    await page.fill("#plan-script", "x".repeat(100_000));
    const res = await Promise.all([page.waitForNavigation(), page.click('[data-testid="save"]')]);
    expect(res[0]?.status()).toBe(400);
    expect(await page.textContent("#plan-script-error")).toBe("This is too long.");
    expect(await page.inputValue("#plan-name")).toBe(name);
    expect((await page.inputValue("#plan-script")).length).toBe(100_000);
    await page.goto(`${base}/campaigns?q=${encodeURIComponent(name)}`);
    expect(await page.locator('[data-testid="campaign-empty"]').count()).toBe(1);
    await context.close();
  });
});

describe("concurrent edits, staff, session expiry", { timeout: 120_000 }, () => {
  it("refuses the second of two concurrent saves with who changed it and when", async () => {
    const a = await openPage(browser, { locale: "en" });
    await signIn(a.page, base, "manager@demo.test");
    const id = await createFromTemplate(a.page, "car_care_class", unique("Concurrent"));
    const b = await openPage(browser, { locale: "en" });
    await signIn(b.page, base, "manager2@demo.test");
    await b.page.goto(`${base}/campaigns/${id}/plan`);
    await hydrated(b.page);
    // A saves first
    await a.page.fill("#plan-theme", "A's theme");
    await save(a.page);
    // B, still on the old version, saves: refused
    await b.page.fill("#plan-theme", "B's theme");
    await b.page.click('[data-testid="save"]');
    await expect.poll(() => b.page.textContent('[data-testid="conflict"]')).toContain("王建国 changed this plan at");
    expect(await b.page.inputValue("#plan-theme")).toBe("B's theme");
    await checkA11y(b.page);
    await Promise.all([b.page.waitForLoadState("load"), b.page.click('[data-testid="reload"]')]);
    await hydrated(b.page);
    expect(await b.page.inputValue("#plan-theme")).toBe("A's theme");
    // B's typing was kept in the browser and can be restored
    await b.page.click("text=Restore them");
    expect(await b.page.inputValue("#plan-theme")).toBe("B's theme");
    await a.context.close();
    await b.context.close();
  });

  it("lets staff read a plan but answers 403 to their POST", async () => {
    const m = await openPage(browser, { locale: "en" });
    await signIn(m.page, base, "manager@demo.test");
    const id = await createFromTemplate(m.page, "insurance_renewal_drive", unique("Staff view"));
    await m.context.close();
    const s = await openPage(browser, { locale: "en" });
    await signIn(s.page, base, "staff1@demo.test");
    await s.page.goto(`${base}/campaigns/${id}/plan`);
    expect(await s.page.locator('[data-testid="plan-form"]').count()).toBe(0);
    expect(await s.page.textContent("main")).toContain("only managers edit it");
    await checkA11y(s.page);
    for (const [url, form] of [
      [`/campaigns/${id}/plan`, { version: "1", name: "hack" }],
      [`/campaigns/${id}`, { intent: "transition", action: "submit", version: "1" }],
      [`/campaigns/new`, { version: "0", name: "hack" }],
    ] as const) {
      const res = await s.page.request.post(`${base}${url}`, { form: { ...form }, headers: { Origin: base } });
      expect(res.status(), url).toBe(403);
    }
    expect((await s.page.request.get(`${base}/campaigns/new`)).status()).toBe(403);
    await s.context.close();
  });

  it("keeps the typed plan through a session expiry: sign in again and restore it", async () => {
    const { page, context, errors } = await openPage(browser, { locale: "zh-CN" });
    await signIn(page, base, "manager@demo.test");
    const id = await createFromTemplate(page, "first_maintenance_day", unique("过期"));
    await page.fill("#plan-offer", "会话过期前输入的优惠");
    await page.waitForTimeout(300);
    await context.clearCookies(); // the session is gone
    await page.click('[data-testid="save"]');
    await page.waitForURL(/\/login\?redirectTo=/);
    await hydrated(page);
    await page.fill('input[name="email"]', "manager@demo.test");
    await page.fill('input[name="password"]', "demo1234");
    await Promise.all([page.waitForURL(new RegExp(`/campaigns/${id}/plan`)), page.click('button[type="submit"]:not([name])')]);
    await hydrated(page);
    await page.waitForSelector('[data-testid="draft-offer"]');
    await page.click("text=恢复修改");
    expect(await page.inputValue("#plan-offer")).toBe("会话过期前输入的优惠");
    await save(page);
    expect(await page.inputValue("#plan-offer")).toBe("会话过期前输入的优惠");
    expect(await page.locator('[data-testid="draft-offer"]').count()).toBe(0);
    // saving again from the same page uses the new version (no conflict with oneself)
    await page.fill("#plan-theme", "再次保存");
    await save(page);
    expect(await page.locator('[data-testid="conflict"]').count()).toBe(0);
    await page.reload();
    expect(await page.inputValue("#plan-theme")).toBe("再次保存");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("fits a phone screen and clones a campaign", async () => {
    const { page, context } = await openPage(browser, { locale: "zh-CN", viewport: PHONE });
    await signIn(page, base, "manager@demo.test");
    const id = await createFromTemplate(page, "thank_you_event", unique("手机"));
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`${base}/campaigns`);
    await checkA11y(page);
    await page.goto(`${base}/campaigns/${id}`);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await hydrated(page);
    await page.fill("#clone-name", "克隆的活动");
    await Promise.all([page.waitForURL(/\/campaigns\/\d+\/plan$/), page.click('[data-testid="clone-form"] button')]);
    expect(await page.inputValue("#plan-name")).toBe("克隆的活动");
    expect(await page.inputValue("#plan-eventStart")).toBe("");
    await context.close();
  });
});

describe("autosave and changes after approval", { timeout: 120_000 }, () => {
  it("autosaves a draft a few seconds after the last change, keeping new budget lines single", async () => {
    const { page, context, errors } = await openPage(browser, { locale: "en" });
    await signIn(page, base, "manager@demo.test");
    const id = await createFromTemplate(page, "car_care_class", unique("Autosave"));
    const lines = await page.locator('[data-testid="budget-row"]').count();
    await page.click("text=Add a budget line");
    await page.selectOption(`#plan-budget-${lines}-category`, "media");
    await page.fill(`#plan-budget-${lines}-description`, "Radio spot");
    await page.fill(`#plan-budget-${lines}-unitCost`, "300");
    await page.fill("#plan-venue", "Autosaved venue");
    await page.waitForFunction(() => /Autosaved at/.test(document.querySelector('[data-testid="save-status"]')?.textContent ?? ""), undefined, { timeout: 30_000 });
    // a manual save after the autosave neither conflicts nor duplicates the new line
    await page.fill("#plan-theme", "After autosave");
    await save(page);
    expect(await page.locator('[data-testid="conflict"]').count()).toBe(0);
    await page.goto(`${base}/campaigns/${id}`);
    const budget = (await page.textContent('[data-testid="budget-lines"]'))!;
    expect(budget.match(/Radio spot/g)).toHaveLength(1);
    expect(await page.textContent("main")).toContain("Autosaved venue");
    expect(await page.textContent("main")).toContain("After autosave");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("after approval, KPI and budget changes are allowed and each is recorded in the history on the plan page", async () => {
    const a = await openPage(browser, { locale: "en" });
    await signIn(a.page, base, "manager@demo.test");
    const id = await createFromTemplate(a.page, "insurance_renewal_drive", unique("Amend"));
    await a.page.goto(`${base}/campaigns/${id}`);
    await hydrated(a.page);
    await a.page.click('[data-testid="workflow-submit"] button');
    await expect.poll(() => a.page.textContent('[data-testid="campaign-status"]')).toBe("Submitted");
    const b = await openPage(browser, { locale: "en" });
    await signIn(b.page, base, "admin@demo.test");
    await b.page.goto(`${base}/campaigns/${id}`);
    await hydrated(b.page);
    await b.page.click('[data-testid="workflow-approve"] button');
    await expect.poll(() => b.page.textContent('[data-testid="campaign-status"]')).toBe("Approved");
    await b.context.close();

    await a.page.goto(`${base}/campaigns/${id}/plan`);
    await hydrated(a.page);
    expect(await a.page.locator("#plan-name").count()).toBe(0); // the rest of the plan is locked
    await a.page.fill("#plan-kpiRevenue", "350000");
    await a.page.fill("#plan-budget-0-quantity", "70");
    await save(a.page);
    const history = (await a.page.textContent('[data-testid="history"]'))!;
    // en formats yuan as "CN¥"
    expect(history).toMatch(/Revenue target: (CN)?¥300,000\.00 → (CN)?¥350,000\.00/);
    expect(history).toMatch(/Budget total: (CN)?¥17,500\.00 → (CN)?¥18,700\.00/);
    expect(history).toMatch(/Budget line: Gifts .* 60 × (CN)?¥120\.00 = (CN)?¥7,200\.00 \(Dealer\) → Gifts .* 70 × (CN)?¥120\.00 = (CN)?¥8,400\.00/);
    await checkA11y(a.page);
    expect(a.errors).toEqual([]);
    await a.context.close();
  });
});
