/**
 * Invitations in the browser, on the shared demo server: a manager starts invitations with a
 * hold-out and deals the cards out; staff confirm the script, move cards by mouse and by
 * keyboard, log a callback and a No with its reason; two people move the same card and the
 * later save is refused; the round summary matches; no JavaScript; axe on every page.
 * The test makes its own approved campaign (and customers) in ZZ01 through the model.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createDb, type DB } from "#db/client";
import { createCampaign, transition } from "~/models/campaign.server";
import { PlanSchema } from "~/models/campaign.schema";
import { createSegment } from "~/models/segment.server";
import { addDays, todayIn } from "~/utils/format";
import { checkA11y, hydrated, launchBrowser, openPage, PHONE, signIn } from "../helpers/browser";

const base = inject("baseURL");
let browser: Browser;
let db: DB;
let campaignId = 0;
let segmentId = 0;
const MODEL = `E2E-INV-${Date.now().toString(36)}`;

async function userId(email: string) {
  return (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

beforeAll(async () => {
  browser = await launchBrowser();
  db = createDb(`file:${inject("dbFile")}`);
  const store = await db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
  const now = new Date().toISOString();
  // 12 customers who may be contacted and 1 who refused contact, all driving a model of their own
  for (let i = 0; i < 13; i++) {
    const c = await db.insertInto("customers").values({
      store_id: store.id, customer_code: `${MODEL}-${i}`, name: `邀约测试${String.fromCharCode(65 + i)}`, phone: `1370000${String(1000 + i)}`,
      gender: null, usage: "private", do_not_contact: i === 12 ? 1 : 0, created_at: now, updated_at: now,
    }).returning("id").executeTakeFirstOrThrow();
    await db.insertInto("vehicles").values({
      store_id: store.id, customer_id: c.id, vin: `${MODEL}V${i}`.slice(0, 30), plate: `豫A9E${String(i).padStart(3, "0")}`, model: MODEL,
      purchase_date: null, warranty_end: null, insurance_expiry: null, mileage_km: null,
    }).execute();
  }
  const manager = await userId("manager@demo.test");
  const manager2 = await userId("manager2@demo.test");
  segmentId = (await createSegment(db, { storeId: store.id, userId: manager, name: `e2e ${MODEL}`, definition: { match: "all", conditions: [{ kind: "model", values: [MODEL] }] } })).id;
  const input = PlanSchema.parse({
    version: "0", name: `邀约测试活动 ${MODEL}`, segmentId: String(segmentId), holdoutPercent: "25", script: "您好，我是郑州中原之星的服务顾问……",
    kpiReachRatePercent: "100", kpiYesCount: "5", invitationStart: "2026-12-01", invitationEnd: "2026-12-10",
    eventStart: "2026-12-12T09:00", eventEnd: "2026-12-12T17:00",
  });
  const c = await createCampaign(db, { storeId: store.id, actor: { id: manager, role: "manager" }, input });
  campaignId = c.id;
  await transition(db, { storeId: store.id, id: c.id, actor: { id: manager, role: "manager" }, action: "submit" });
  await transition(db, { storeId: store.id, id: c.id, actor: { id: manager2, role: "manager" }, action: "approve" });
});

afterAll(async () => {
  await browser?.close();
  if (campaignId) await db.deleteFrom("campaigns").where("id", "=", campaignId).execute();
  if (segmentId) await db.deleteFrom("segments").where("id", "=", segmentId).execute();
  await db?.destroy();
});

/**
 * Signs in and forgets console errors of the landing dashboard (another feature's page):
 * this file checks its own pages.
 */
async function signInHere(opened: { page: Page; errors: string[] }, email: string) {
  await signIn(opened.page, base, email);
  await opened.page.waitForLoadState("networkidle");
  opened.errors.length = 0;
}

const column = (page: Page, col: string) => page.locator(`section[data-column="${col}"]`);
const cardsIn = (page: Page, col: string) => column(page, col).locator("li.inv-card");

async function dragWithMouse(page: Page, cardId: number, to: string) {
  const handle = page.locator(`li[data-card-id="${cardId}"] .drag-handle`);
  const from = (await handle.boundingBox())!;
  const target = (await column(page, to).boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 5, { steps: 3 });
  await page.mouse.move(target.x + target.width / 2, target.y + 80, { steps: 12 });
  await page.mouse.up();
}

async function dragWithKeyboard(page: Page, cardId: number, rightSteps: number) {
  await page.locator(`li[data-card-id="${cardId}"] .drag-handle`).focus();
  await page.keyboard.press("Space");
  for (let i = 0; i < rightSteps; i++) {
    await page.waitForTimeout(80);
    await page.keyboard.press("ArrowRight");
  }
  await page.waitForTimeout(80);
  await page.keyboard.press("Space");
}

const cardIds = async (page: Page, col: string) =>
  (await cardsIn(page, col).evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-card-id")))));

describe("invitations", () => {
  it("a manager starts invitations with a hold-out and deals the cards out", async () => {
    const opened = await openPage(browser, { locale: "en" });
    const { page, errors, context } = opened;
    await signInHere(opened, "manager@demo.test");
    await page.goto(`${base}/campaigns/${campaignId}/invitations`);
    await hydrated(page);
    expect(await page.textContent('[data-testid="preview"]')).toContain("12");
    await checkA11y(page);
    await page.fill("#start-seed", "7");
    await page.click('button:has-text("Start invitations")');
    await expect.poll(() => page.textContent(".notice")).toContain("Invitations started: 9 invited, 3 held out.");
    expect(await page.textContent('[data-testid="holdout-count"]')).toContain("3 (25%)");
    expect(await page.textContent('[data-testid="excluded-count"]')).toBe("1");
    // deal round 1 over staff1 and staff2 only
    for (const box of await page.locator('input[name="staffIds"]').all()) await box.uncheck();
    await page.check(`input[name="staffIds"][value="${await userId("staff1@demo.test")}"]`);
    await page.check(`input[name="staffIds"][value="${await userId("staff2@demo.test")}"]`);
    await page.click('button:has-text("Distribute")');
    await expect.poll(() => page.textContent(".notice")).toContain("9 invitations distributed.");
    await checkA11y(page);
    // queue the invitation messages (issue 13): the preview counts them, the outbox counts show them queued
    expect(await page.textContent('[data-testid="send-messages"]')).toContain("contactable customers will get the invitation message");
    await page.click('button:has-text("Send invitation messages")');
    await expect.poll(() => page.textContent(".notice")).toMatch(/^\d+ invitation messages queued/);
    const queued = await db.selectFrom("outbox").select("id").where("campaign_id", "=", campaignId).where("status", "=", "queued").execute();
    expect(queued.length).toBe(9);
    expect(await page.textContent('[data-testid="outbox-counts"]')).toContain(`queued ${queued.length}`);
    expect(await page.textContent('[data-testid="send-messages"]')).toContain("No invitation message left to send.");
    await checkA11y(page);
    const rows = await db.selectFrom("invitations").select(["assignee_id", "holdout"]).where("campaign_id", "=", campaignId).execute();
    expect(rows.filter((r) => r.holdout)).toHaveLength(3);
    const counts = [await userId("staff1@demo.test"), await userId("staff2@demo.test")].map((id) => rows.filter((r) => r.assignee_id === id).length);
    expect(counts.sort()).toEqual([4, 5]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("staff confirm the script, move cards by mouse and by keyboard, log a callback and a No with its reason", async () => {
    const opened = await openPage(browser, { locale: "en" });
    const { page, errors, context } = opened;
    await signInHere(opened, "staff1@demo.test");
    await page.goto(`${base}/campaigns/${campaignId}/board`);
    await hydrated(page);
    const mine = await cardIds(page, "pending");
    expect(mine.length).toBeGreaterThanOrEqual(4);
    expect(await page.textContent('[data-testid="count-pending"]')).toBe(String(mine.length));
    // masked phone for staff
    expect(await cardsIn(page, "pending").first().textContent()).toMatch(/137\*{4}\d{4}/);
    // before the script is confirmed, a move is refused and the card goes back
    await dragWithMouse(page, mine[0]!, "yes");
    await page.waitForSelector('[data-testid="move-dialog"]');
    await page.click('[data-testid="move-dialog"] button[type="submit"]');
    await expect.poll(() => page.textContent('[data-testid="board-message"]')).toContain("Confirm you have read the script");
    expect(await cardIds(page, "pending")).toContain(mine[0]);
    await checkA11y(page);
    await page.click('button:has-text("I have read the script")');
    await page.waitForSelector('[data-testid="script-confirmed"]');
    await hydrated(page);

    // mouse: To contact → Yes with a deposit
    await dragWithMouse(page, mine[0]!, "yes");
    await page.waitForSelector('[data-testid="move-dialog"]');
    await page.check("#move-intentVerified");
    await page.fill("#move-deposit", "-5");
    await page.click('[data-testid="move-dialog"] button[type="submit"]');
    expect(await page.textContent('[data-testid="move-dialog"] .field-error')).toContain("Enter the deposit as a positive amount");
    await page.fill("#move-deposit", "500");
    await page.fill("#move-depositReceipt", "SJ-001");
    await checkA11y(page);
    await page.click('[data-testid="move-dialog"] button[type="submit"]');
    await expect.poll(() => page.textContent('[data-testid="board-message"]')).toContain("Saved");
    expect(await cardIds(page, "yes")).toEqual([mine[0]]);
    expect(await page.textContent('[data-testid="count-yes"]')).toBe("1");

    // keyboard: To contact → Maybe (two columns to the right), follow-up date required
    await dragWithKeyboard(page, mine[1]!, 2);
    await page.waitForSelector('[data-testid="move-dialog"]');
    await page.click('[data-testid="move-dialog"] button[type="submit"]');
    expect(await page.textContent('[data-testid="move-dialog"] .field-error')).toContain("Enter the next follow-up date.");
    await page.fill("#move-nextFollowUp", "2026-12-05");
    await page.click('[data-testid="move-dialog"] button[type="submit"]');
    await expect.poll(() => cardIds(page, "maybe")).toEqual([mine[1]]);

    // keyboard to No, cancel leaves the card; then with its reason
    await dragWithKeyboard(page, mine[2]!, 3);
    await page.waitForSelector('[data-testid="move-dialog"]');
    await page.click('[data-testid="move-dialog"] button:has-text("Cancel")');
    expect(await cardIds(page, "pending")).toContain(mine[2]);
    await dragWithKeyboard(page, mine[2]!, 3);
    await page.waitForSelector('[data-testid="move-dialog"]');
    await page.click('[data-testid="move-dialog"] button[type="submit"]');
    expect(await page.textContent('[data-testid="move-dialog"] .field-error')).toContain("Choose why the customer is not coming.");
    await page.selectOption("#move-lossReason", "price");
    await page.click('[data-testid="move-dialog"] button[type="submit"]');
    await expect.poll(() => cardIds(page, "no")).toEqual([mine[2]]);
    // the card moves at once; its new content (the reason) arrives with the server's answer
    await expect.poll(() => cardsIn(page, "no").first().textContent()).toContain("Price");

    // the call workbench: the next card has no attempt yet; log a callback
    await page.goto(`${base}/campaigns/${campaignId}/calls`);
    await hydrated(page);
    const callId = Number(await page.getAttribute('[data-testid="call-card"]', "data-invitation-id"));
    expect(mine.slice(3)).toContain(callId);
    expect(await page.textContent('[data-testid="call-card"]')).toMatch(/1370000\d{4}/);
    await checkA11y(page);
    // a call-back in the past is refused (issue 11): tomorrow afternoon in the store's time zone
    const tomorrow = addDays(todayIn("Asia/Shanghai"), 1);
    await page.fill("#cb-at", `${tomorrow}T15:30`);
    // wait for the action's answer: leaving the page earlier would cancel the save
    await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.click('button:has-text("Call back") >> nth=-1')]);
    await expect.poll(() => db.selectFrom("invitation_attempts").select("id").where("invitation_id", "=", callId).execute().then((r) => r.length)).toBe(1);
    await page.goto(`${base}/campaigns/${campaignId}/board`);
    await hydrated(page);
    expect(await page.locator(`li[data-card-id="${callId}"]`).textContent()).toContain(`Call back ${tomorrow} 15:30`);

    const events = await db.selectFrom("invitation_attempts").select(["invitation_id", "outcome"]).where("campaign_id", "=", campaignId).orderBy("id").execute();
    expect(events.map((e) => e.outcome)).toEqual(["yes", "maybe", "no", "callback"]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("refuses the later of two moves of the same card and shows its current state", async () => {
    const a = await openPage(browser, { locale: "en" });
    const b = await openPage(browser, { locale: "en" });
    await signInHere(a, "staff2@demo.test");
    await signInHere(b, "manager2@demo.test");
    await a.page.goto(`${base}/campaigns/${campaignId}/board`);
    await hydrated(a.page);
    if (await a.page.locator('button:has-text("I have read the script")').count()) {
      await a.page.click('button:has-text("I have read the script")');
      await a.page.waitForSelector('[data-testid="script-confirmed"]');
    }
    await b.page.goto(`${base}/campaigns/${campaignId}/board?assignee=${await userId("staff2@demo.test")}`);
    await hydrated(b.page);
    if (await b.page.locator('button:has-text("I have read the script")').count()) {
      await b.page.click('button:has-text("I have read the script")');
      await b.page.waitForSelector('[data-testid="script-confirmed"]');
      await hydrated(b.page);
    }
    const id = (await cardIds(a.page, "pending"))[0]!;
    expect(await cardIds(b.page, "pending")).toContain(id);
    // both open the move; A saves first
    await dragWithKeyboard(a.page, id, 1);
    await a.page.waitForSelector('[data-testid="move-dialog"]');
    await dragWithKeyboard(b.page, id, 3);
    await b.page.waitForSelector('[data-testid="move-dialog"]');
    await a.page.click('[data-testid="move-dialog"] button[type="submit"]');
    await expect.poll(() => a.page.textContent('[data-testid="board-message"]')).toContain("Saved");
    await b.page.selectOption("#move-lossReason", "distance");
    await b.page.click('[data-testid="move-dialog"] button[type="submit"]');
    await expect.poll(() => b.page.textContent('[data-testid="board-message"]')).toContain("changed");
    // B now shows the card where A put it
    expect(await cardIds(b.page, "yes")).toContain(id);
    expect(await cardIds(b.page, "no")).not.toContain(id);
    const inv = await db.selectFrom("invitations").select(["result", "attempts_count"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(inv).toEqual({ result: "yes", attempts_count: 1 });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it("sets a result without JavaScript, refusing a Maybe without its date", async () => {
    const { page, context } = await openPage(browser, { locale: "en", javaScriptEnabled: false });
    await signIn(page, base, "staff2@demo.test").catch(async () => {
      // without JS the sign-in form posts normally
      await page.goto(`${base}/login`);
      await page.fill('input[name="email"]', "staff2@demo.test");
      await page.fill('input[name="password"]', "demo1234");
      await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]:not([name])')]);
    });
    await page.goto(`${base}/campaigns/${campaignId}/board`);
    const id = (await cardIds(page, "pending"))[0]!;
    const card = page.locator(`li[data-card-id="${id}"]`);
    await card.locator('select[name="outcome"]').selectOption("maybe");
    const [res] = await Promise.all([page.waitForNavigation(), card.locator('button:has-text("Save")').click()]);
    expect(res?.status()).toBe(400);
    const again = page.locator(`li[data-card-id="${id}"]`);
    expect(await again.locator(".field-error").allTextContents()).toContain("Enter the next follow-up date.");
    await again.locator('select[name="outcome"]').selectOption("maybe");
    await again.locator('input[name="nextFollowUp"]').fill("2026-12-06");
    await Promise.all([page.waitForNavigation(), again.locator('button:has-text("Save")').click()]);
    expect(await cardIds(page, "maybe")).toContain(id);
    await context.close();
  });

  it("a manager opens a card from the board: its whole change history, then verifies the loss", async () => {
    const opened = await openPage(browser, { locale: "en" });
    const { page, errors, context } = opened;
    await signInHere(opened, "manager@demo.test");
    await page.goto(`${base}/campaigns/${campaignId}/board`);
    await hydrated(page);
    const id = (await cardIds(page, "no"))[0]!;
    await Promise.all([page.waitForURL(/\/calls\?invitation=/), page.click(`li[data-card-id="${id}"] a.inv-card-open`)]);
    expect(Number(await page.getAttribute('[data-testid="call-card"]', "data-invitation-id"))).toBe(id);
    const history = page.locator('[data-testid="card-history"]');
    const cells = async (field: string) => history.locator(`tr[data-field="${field}"]`).first().locator("td").allTextContents();
    // the attempt that made it a No, by staff1 (张伟), with its reason; the assignment before it
    expect((await cells("result")).slice(1)).toEqual(["张伟", "Result", "To contact", "No"]);
    expect((await cells("loss_reason")).slice(3)).toEqual(["—", "Price"]);
    expect((await cells("assignee_id"))[2]).toBe("Assigned to");
    const before = await history.locator("tbody tr").count();
    expect(before).toBe((await db.selectFrom("invitation_events").select("id").where("invitation_id", "=", id).execute()).length);
    await checkA11y(page);
    await Promise.all([page.waitForURL(/saved=1/), page.click('button:has-text("Verify loss")')]);
    await expect.poll(() => page.textContent('[data-testid="call-saved"]')).toBe("Saved.");
    await expect.poll(() => history.locator("tbody tr").count()).toBe(before + 1);
    const manager = await db.selectFrom("users").select("display_name").where("email", "=", "manager@demo.test").executeTakeFirstOrThrow();
    expect((await cells("loss_verified_by")).slice(1)).toEqual([manager.display_name, "Loss verified by", "—", manager.display_name]);
    expect(await page.locator('button:has-text("Verify loss")').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the round summary matches the moves; the board works at phone width", async () => {
    const opened = await openPage(browser, { locale: "en" });
    const { page, errors, context } = opened;
    await signInHere(opened, "manager@demo.test");
    await page.goto(`${base}/campaigns/${campaignId}/invitations`);
    await hydrated(page);
    const row = async (name: string) => (await page.locator(`table[data-testid="round-1"] tr[data-staff="${name}"] td`).allTextContents());
    // staff1 (张伟): yes, maybe, no, callback reached; staff2 (刘芳): one yes, one maybe (no JS)
    const s1 = await row("张伟");
    const s2 = await row("刘芳");
    const total = await row("Total");
    const n1 = Number(s1[0]);
    expect(s1.slice(1, 3)).toEqual(["4", `${Math.round((4 / n1) * 100)}%`]);
    expect(s1.slice(3, 6)).toEqual(["1", "1", "1"]);
    expect(s1[6]).toMatch(/^1 · (CN)?¥500\.00$/);
    expect(s1[7]).toBe(String(n1 - 2)); // pending/maybe with < 3 attempts
    expect(s2.slice(1, 2)).toEqual(["2"]);
    expect(s2.slice(3, 6)).toEqual(["1", "1", "0"]);
    expect(total.slice(0, 2)).toEqual(["9", "6"]);
    await checkA11y(page);
    await page.setViewportSize(PHONE);
    await page.goto(`${base}/campaigns/${campaignId}/board`);
    await hydrated(page);
    await checkA11y(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
