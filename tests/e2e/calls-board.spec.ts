/**
 * Issue 11 in the browser: the call workbench starts every customer with empty forms and refuses
 * a receipt number already used in the campaign (next to the field, what was typed kept) and a
 * call-back in the past; the phone board keeps its place after a card's save, confirms it, has
 * 44 px touch targets and a column switch; staff see other people's cards read only; focus
 * comes back to a card after a keyboard move; a yes without verified intent is marked and listed
 * for the manager; the plan form reports every error at once and shows whole date-times. Every
 * page touched passes axe in both languages at 390 px and 1366 px with no console error.
 * The test makes its own campaign (24 customers, dealt to staff1 and staff2) through the model.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createDb, type DB } from "#db/client";
import { createCampaign, transition } from "~/models/campaign.server";
import { PlanSchema } from "~/models/campaign.schema";
import { assignRound, confirmScript, startInvitations } from "~/models/invitation.server";
import { createSegment } from "~/models/segment.server";
import { addDays, todayIn } from "~/utils/format";
import { checkA11y, hydrated, launchBrowser, openPage, PHONE, signIn, type OpenedPage } from "../helpers/browser";

const base = inject("baseURL");
const WIDE = { width: 1366, height: 900 };
let browser: Browser;
let db: DB;
let storeId = 0;
let campaignId = 0;
let planId = 0;
let segmentId = 0;
const MODEL = `E2E-CALLS-${Date.now().toString(36)}`;
const RECEIPT = `RC-${Date.now().toString(36)}`;
const ids: Record<string, number> = {};

beforeAll(async () => {
  browser = await launchBrowser();
  db = createDb(`file:${inject("dbFile")}`);
  storeId = (await db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow()).id;
  for (const email of ["manager@demo.test", "manager2@demo.test", "staff1@demo.test", "staff2@demo.test"]) {
    ids[email] = (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
  }
  const now = new Date().toISOString();
  for (let i = 0; i < 24; i++) {
    const c = await db.insertInto("customers").values({
      store_id: storeId, customer_code: `${MODEL}-${i}`, name: `Caller Test ${String(i).padStart(2, "0")}`, phone: `1360000${String(2000 + i)}`,
      gender: null, usage: "private", do_not_contact: 0, created_at: now, updated_at: now,
    }).returning("id").executeTakeFirstOrThrow();
    await db.insertInto("vehicles").values({
      store_id: storeId, customer_id: c.id, vin: `${MODEL}V${i}`.slice(0, 30), plate: `豫A8C${String(i).padStart(3, "0")}`, model: MODEL,
      purchase_date: null, warranty_end: null, insurance_expiry: null, mileage_km: null,
    }).execute();
  }
  const manager = { id: ids["manager@demo.test"]!, role: "manager" as const };
  segmentId = (await createSegment(db, { storeId, userId: manager.id, name: `e2e ${MODEL}`, definition: { match: "all", conditions: [{ kind: "model", values: [MODEL] }] } })).id;
  const today = todayIn("Asia/Shanghai");
  const input = PlanSchema.parse({
    version: "0", name: `Calls test ${MODEL}`, segmentId: String(segmentId), holdoutPercent: "0", script: "Hello, this is the service desk…",
    kpiYesCount: "5", invitationStart: today, invitationEnd: addDays(today, 5), eventStart: `${addDays(today, 6)}T09:00`, eventEnd: `${addDays(today, 6)}T17:00`,
  });
  campaignId = (await createCampaign(db, { storeId, actor: manager, input })).id;
  await transition(db, { storeId, id: campaignId, actor: manager, action: "submit" });
  await transition(db, { storeId, id: campaignId, actor: { id: ids["manager2@demo.test"]!, role: "manager" }, action: "approve" });
  await startInvitations(db, { storeId, campaignId, actor: manager, seed: 11 });
  const round = await db.selectFrom("invitation_rounds").select("id").where("campaign_id", "=", campaignId).executeTakeFirstOrThrow();
  await assignRound(db, { storeId, campaignId, actor: manager, roundId: round.id, staffIds: [ids["staff1@demo.test"]!, ids["staff2@demo.test"]!], seed: 3 });
  for (const email of ["manager@demo.test", "staff1@demo.test", "staff2@demo.test"]) {
    await confirmScript(db, { storeId, campaignId, actor: { id: ids[email]!, role: email.startsWith("staff") ? "staff" : "manager" } });
  }
  // a draft plan for the plan form
  planId = (await createCampaign(db, { storeId, actor: manager, input: PlanSchema.parse({ version: "0", name: `Plan form ${MODEL}` }) })).id;
});

afterAll(async () => {
  await browser?.close();
  for (const id of [campaignId, planId]) if (id) await db.deleteFrom("campaigns").where("id", "=", id).execute();
  if (segmentId) await db.deleteFrom("segments").where("id", "=", segmentId).execute();
  await db?.destroy();
});

async function open(email: string, opts: Parameters<typeof openPage>[1] = {}): Promise<OpenedPage> {
  const opened = await openPage(browser, { locale: "en", viewport: WIDE, ...opts });
  await signIn(opened.page, base, email);
  await opened.page.waitForLoadState("networkidle");
  opened.errors.length = 0; // the landing dashboard is another feature's page
  return opened;
}

async function go(page: Page, path: string) {
  await page.goto(`${base}${path}`);
  await hydrated(page);
}

const invitation = (id: number) => db.selectFrom("invitations").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const card = (page: Page, id: number) => page.locator(`li[data-card-id="${id}"]`);
const cardIds = (page: Page, col: string) =>
  page.locator(`section[data-column="${col}"] li.inv-card`).evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-card-id"))));
/** the card (li) the focused element belongs to, or what has focus */
const focused = (page: Page) => page.evaluate(() => {
  const a = document.activeElement;
  return { card: Number(a?.closest("li[data-card-id]")?.getAttribute("data-card-id") ?? 0), column: a?.closest("section[data-column]")?.getAttribute("data-column") ?? null, tag: a?.tagName ?? null, handle: !!a?.classList.contains("drag-handle") };
});

describe("calls and the board (issue 11)", () => {
  it("the workbench gives the next customer empty forms; a used receipt and a past call-back are refused at their field", async () => {
    const { page, errors, context } = await open("staff2@demo.test");
    await go(page, `/campaigns/${campaignId}/calls`);
    const first = Number(await page.getAttribute('[data-testid="call-card"]', "data-invitation-id"));
    // fill every form the way a caller might before deciding, then save a yes with deposit and receipt
    await page.fill("#cb-at", `${addDays(todayIn("Asia/Shanghai"), 2)}T10:00`);
    await page.fill("#call-maybe-nextFollowUp", addDays(todayIn("Asia/Shanghai"), 2));
    await page.check("#call-maybe-managerJoins");
    await page.selectOption("#call-no-lossReason", "price");
    await page.fill("#call-no-lossNote", "too dear");
    await page.fill("#call-yes-deposit", "300");
    await page.fill("#call-yes-depositReceipt", RECEIPT);
    await page.fill("#call-yes-note", "coming with his wife");
    await Promise.all([
      page.waitForFunction((id) => document.querySelector('[data-testid="call-card"]')?.getAttribute("data-invitation-id") !== String(id), first),
      page.click('fieldset:has(#call-yes-deposit) button[type="submit"]'),
    ]);
    await expect.poll(async () => (await invitation(first)).result).toBe("yes");
    expect(await invitation(first)).toMatchObject({ deposit_fen: 30000, deposit_receipt: RECEIPT, intent_verified: 0 });

    // the next customer: every field empty
    const next = Number(await page.getAttribute('[data-testid="call-card"]', "data-invitation-id"));
    expect(next).not.toBe(first);
    const forms = page.locator(".inv-outcome-forms");
    const typed = await forms.locator('input:not([type="hidden"]):not([type="checkbox"]), select').evaluateAll((els) => els.map((e) => [(e as HTMLInputElement).id, (e as HTMLInputElement).value]));
    expect(typed.length).toBeGreaterThanOrEqual(8);
    expect(typed.filter(([, v]) => v !== "")).toEqual([]);
    expect(await forms.locator('input[type="checkbox"]:checked').count()).toBe(0);
    await checkA11y(page);

    // one click on "Yes" with the same receipt: refused next to the receipt field, everything typed kept, nothing saved
    const before = await invitation(next);
    await page.fill("#call-yes-deposit", "300");
    await page.fill("#call-yes-depositReceipt", RECEIPT);
    await page.fill("#call-yes-note", "second call");
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && r.status() === 409),
      page.click('fieldset:has(#call-yes-deposit) button[type="submit"]'),
    ]);
    await expect.poll(() => page.textContent("#call-yes-depositReceipt-error")).toContain("already recorded for another customer");
    expect(await page.getAttribute("#call-yes-depositReceipt", "aria-invalid")).toBe("true");
    expect(await page.inputValue("#call-yes-deposit")).toBe("300");
    expect(await page.inputValue("#call-yes-depositReceipt")).toBe(RECEIPT);
    expect(await page.inputValue("#call-yes-note")).toBe("second call");
    expect(Number(await page.getAttribute('[data-testid="call-card"]', "data-invitation-id"))).toBe(next);
    expect(await invitation(next)).toEqual(before);
    await checkA11y(page);

    // a call-back yesterday: refused next to its field, the queue unchanged
    await page.fill("#cb-at", `${addDays(todayIn("Asia/Shanghai"), -1)}T10:00`);
    await Promise.all([page.waitForResponse((r) => r.request().method() === "POST" && r.status() === 400), page.click('fieldset:has(#cb-at) button[type="submit"]')]);
    await expect.poll(() => page.textContent("#cb-at-error")).toContain("The call-back time has passed");
    expect(await invitation(next)).toEqual(before);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("a yes without verified intent is marked on the board and listed for the manager, who verifies it", async () => {
    const { page, errors, context } = await open("manager@demo.test");
    const yes = await db.selectFrom("invitations").select(["id"]).where("campaign_id", "=", campaignId).where("deposit_receipt", "=", RECEIPT).executeTakeFirstOrThrow();
    await go(page, `/campaigns/${campaignId}/board`);
    expect(await card(page, yes.id).locator('[data-testid="intent-unverified"]').textContent()).toBe("Intent to verify");
    await go(page, `/campaigns/${campaignId}/invitations`);
    const list = page.locator('[data-testid="intents-to-verify"]');
    expect(await list.locator(`li[data-card-id="${yes.id}"]`).textContent()).toContain("¥300.00");
    await checkA11y(page);
    await Promise.all([page.waitForURL(/done=verifyIntent/), list.locator(`li[data-card-id="${yes.id}"] button`).click()]);
    await expect.poll(() => list.locator(`li[data-card-id="${yes.id}"]`).count()).toBe(0);
    expect(await invitation(yes.id)).toMatchObject({ intent_verified: 1, intent_verified_by: ids["manager@demo.test"] });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("on a phone, a card's form saves in place: the page keeps its place, confirms, focuses the card; columns switch; 44 px targets", async () => {
    const { page, errors, context } = await open("staff1@demo.test", { viewport: PHONE });
    await go(page, `/campaigns/${campaignId}/board`);
    await page.evaluate(() => { (window as unknown as { marker: number }).marker = 1; });
    const pending = await cardIds(page, "pending");
    expect(pending.length).toBeGreaterThanOrEqual(10);
    // only the chosen column shows on a phone; the switch shows the others
    expect(await page.locator('section[data-column="no"]').isVisible()).toBe(false);
    const small = await page.evaluate(() => [...document.querySelectorAll(".inv-board button, .inv-board a, .inv-board select, .inv-switch a")]
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => { const r = e.getBoundingClientRect(); return { what: e.className || e.tagName, w: Math.round(r.width), h: Math.round(r.height) }; })
      .filter((r) => r.w < 44 || r.h < 44));
    expect(small).toEqual([]);
    await checkA11y(page);

    // the eighth card: no answer
    const a = pending[7]!;
    await card(page, a).scrollIntoViewIfNeeded();
    await card(page, a).locator("select").selectOption("no_answer");
    const y = await page.evaluate(() => window.scrollY);
    expect(y).toBeGreaterThan(500);
    await card(page, a).locator('button[type="submit"]').click();
    await expect.poll(() => page.textContent('[data-testid="board-message"]')).toMatch(/^Saved: Caller Test \d\d · No answer\.$/);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1); // not reloaded
    expect(Math.abs((await page.evaluate(() => window.scrollY)) - y)).toBeLessThan(400);
    expect(await focused(page)).toMatchObject({ card: a, handle: true });
    expect(await page.locator('[data-testid="board-message"]').isVisible()).toBe(true);
    expect(await card(page, a).locator("select").inputValue()).toBe(""); // the card's form starts empty again
    await expect.poll(async () => (await invitation(a)).attempts_count).toBe(1);

    // a maybe needs its date: the card shows the field with the error, then saves; the card moves to Maybe
    const b = pending[8]!;
    await card(page, b).locator("select").selectOption("maybe");
    await card(page, b).locator('button[type="submit"]').click();
    await expect.poll(() => card(page, b).locator(".field-error").allTextContents()).toContain("Enter the next follow-up date.");
    await card(page, b).locator('input[name="nextFollowUp"]').fill(addDays(todayIn("Asia/Shanghai"), 1));
    await card(page, b).locator('button[type="submit"]').click();
    await expect.poll(() => page.textContent('[data-testid="board-message"]')).toMatch(/^Saved: Caller Test \d\d → Maybe\.$/);
    expect(await cardIds(page, "maybe")).toContain(b);
    // the card left the column shown: focus is on the card that took its place, still where the user was
    expect(await focused(page)).toMatchObject({ card: pending[9], column: "pending" });
    expect(Math.abs((await page.evaluate(() => window.scrollY)) - y)).toBeLessThan(800);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);

    // switch to Maybe: its column shows (with the card), To contact hides, its heading has focus
    await page.click('.inv-switch a[href="#col-maybe"]');
    expect(await page.locator('section[data-column="maybe"]').isVisible()).toBe(true);
    expect(await page.locator('section[data-column="pending"]').isVisible()).toBe(false);
    expect(await card(page, b).isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("col-maybe-title");
    expect(await page.getAttribute('.inv-switch a[href="#col-maybe"]', "aria-current")).toBe("true");
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("staff see other people's cards read only: no drag handle, no result form", async () => {
    const { page, errors, context } = await open("staff1@demo.test");
    await go(page, `/campaigns/${campaignId}/board?assignee=all`);
    const rows = await db.selectFrom("invitations").select(["id", "assignee_id"]).where("campaign_id", "=", campaignId).where("result", "=", "pending").execute();
    const theirs = rows.filter((r) => r.assignee_id === ids["staff2@demo.test"]).map((r) => r.id);
    const mine = rows.filter((r) => r.assignee_id === ids["staff1@demo.test"]).map((r) => r.id);
    const shown = await cardIds(page, "pending");
    const theirsShown = shown.filter((id) => theirs.includes(id));
    const mineShown = shown.filter((id) => mine.includes(id));
    expect(theirsShown.length).toBeGreaterThan(0);
    expect(mineShown.length).toBeGreaterThan(0);
    for (const id of theirsShown) {
      expect(await card(page, id).locator(".drag-handle, form, select, a.inv-card-open").count()).toBe(0);
      expect(await card(page, id).locator('[data-testid="read-only"]').textContent()).toBe("Read only: assigned to someone else");
    }
    for (const id of mineShown) {
      expect(await card(page, id).locator(".drag-handle").count()).toBe(1);
      expect(await card(page, id).locator("form.inv-card-form").count()).toBe(1);
    }
    await checkA11y(page);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("without JavaScript, a card's form posts the page and it comes back at the card, saying what was saved", async () => {
    const { page, context } = await openPage(browser, { locale: "en", viewport: PHONE, javaScriptEnabled: false });
    await page.goto(`${base}/login`);
    await page.fill('input[name="email"]', "staff1@demo.test");
    await page.fill('input[name="password"]', "demo1234");
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]:not([name])')]);
    await page.goto(`${base}/campaigns/${campaignId}/board`);
    const pending = await cardIds(page, "pending");
    const id = pending[pending.length - 1]!;
    await card(page, id).locator("select").selectOption("wrong_number");
    await Promise.all([page.waitForNavigation(), card(page, id).locator('button[type="submit"]').click()]);
    expect(page.url()).toContain(`#card-${id}`);
    expect(await page.textContent('[data-testid="board-message"]')).toMatch(/^Saved: Caller Test \d\d → To contact\.$/);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
    expect(await page.locator(`#card-${id}`).isVisible()).toBe(true);
    await context.close();
  });

  it("after a keyboard move (saved or cancelled), focus is on the moved card, not the page", async () => {
    const { page, errors, context } = await open("staff1@demo.test");
    await go(page, `/campaigns/${campaignId}/board`);
    const [a, b] = await cardIds(page, "pending");
    const lift = async (id: number, right: number) => {
      await card(page, id).locator(".drag-handle").focus();
      await page.keyboard.press("Space");
      for (let i = 0; i < right; i++) {
        await page.waitForTimeout(80);
        await page.keyboard.press("ArrowRight");
      }
      await page.waitForTimeout(80);
      await page.keyboard.press("Space");
      await page.waitForSelector('[data-testid="move-dialog"]');
    };
    // To contact → Yes: Enter in the deposit field saves
    await lift(a!, 1);
    await page.focus("#move-deposit");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.textContent('[data-testid="board-message"]')).toMatch(/^Saved: .* → Yes, coming\.$/);
    await expect.poll(() => focused(page)).toMatchObject({ card: a, column: "yes", handle: true });
    // To contact → No, then Escape: the card stays, focus on it
    await lift(b!, 3);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator('[data-testid="move-dialog"]').count()).toBe(0);
    await expect.poll(() => focused(page)).toMatchObject({ card: b, column: "pending", handle: true });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("on a phone, a manager verifies a yes on its card and the board comes back to that card, in its column", async () => {
    const yes = await db.selectFrom("invitations").select("id").where("campaign_id", "=", campaignId).where("result", "=", "yes").where("intent_verified", "=", 0).executeTakeFirstOrThrow();
    const { page, errors, context } = await open("manager@demo.test", { viewport: PHONE });
    await go(page, `/campaigns/${campaignId}/board`);
    await page.click('.inv-switch a[href="#col-yes"]');
    await Promise.all([page.waitForURL(new RegExp(`#card-${yes.id}$`)), card(page, yes.id).locator('button:has-text("Verify intent")').click()]);
    await hydrated(page);
    await expect.poll(() => page.locator('section[data-column="yes"]').isVisible()).toBe(true);
    expect(await page.locator('section[data-column="pending"]').isVisible()).toBe(false);
    await expect.poll(() => focused(page)).toMatchObject({ card: yes.id, column: "yes" });
    expect(await card(page, yes.id).locator('[data-testid="intent-unverified"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="board-message"]')).toMatch(/^Saved: .* → Yes, coming\.$/);
    expect(await invitation(yes.id)).toMatchObject({ intent_verified: 1, intent_verified_by: ids["manager@demo.test"] });
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the plan form reports every error at the first save, and date-time fields show their whole value", async () => {
    for (const viewport of [WIDE, PHONE]) {
      const { page, errors, context } = await open("manager@demo.test", { viewport });
      await go(page, `/campaigns/${planId}/plan`);
      await page.fill("#plan-name", "");
      await page.fill("#plan-kpiYesCount", "lots");
      await page.fill("#plan-invitationStart", "2026-12-10");
      await page.fill("#plan-invitationEnd", "2026-12-01");
      await page.fill("#plan-eventStart", "2026-12-14T17:00");
      await page.fill("#plan-eventEnd", "2026-12-14T18:30");
      await page.click('[data-testid="save"]');
      await expect.poll(() => page.locator("#plan-name-error").count()).toBe(1);
      // all at once: the missing name, the KPI that is not a number, and the date order
      expect(await page.textContent("#plan-name-error")).toBe("This field is required.");
      expect(await page.locator("#plan-kpiYesCount-error").count()).toBe(1);
      expect(await page.textContent("#plan-invitationEnd-error")).toBe("Invitations must end on or after the day they start.");
      // a date-time input is at least as wide as the browser needs to show its value and picker
      const cut = await page.evaluate(() => [...document.querySelectorAll<HTMLInputElement>('input[type="datetime-local"]')].map((input) => {
        const probe = input.cloneNode() as HTMLInputElement;
        Object.assign(probe.style, { width: "auto", minWidth: "0", maxWidth: "none", position: "absolute", visibility: "hidden" });
        probe.value = input.value;
        input.parentElement!.appendChild(probe);
        const need = probe.getBoundingClientRect().width;
        probe.remove();
        return { id: input.id, need: Math.ceil(need), has: Math.floor(input.getBoundingClientRect().width) };
      }).filter((r) => r.has < r.need));
      expect(cut).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it("every page touched passes axe in both languages at 390 px and 1366 px, with no console error", async () => {
    for (const locale of ["en", "zh-CN"] as const) {
      const opened = await open("manager@demo.test", { locale, viewport: PHONE });
      for (const viewport of [PHONE, WIDE]) {
        await opened.page.setViewportSize(viewport);
        for (const path of [`/campaigns/${campaignId}/board`, `/campaigns/${campaignId}/calls`, `/campaigns/${campaignId}/invitations`, `/campaigns/${planId}/plan`]) {
          await go(opened.page, path);
          await checkA11y(opened.page).catch((e: Error) => { throw new Error(`${locale} ${viewport.width}px ${path}: ${e.message}`); });
          if (viewport === PHONE) expect(await opened.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
        }
      }
      expect(opened.errors).toEqual([]);
      await opened.context.close();
    }
    // the workbench and the board as staff, in Chinese on a phone
    const staff = await open("staff2@demo.test", { locale: "zh-CN", viewport: PHONE });
    await go(staff.page, `/campaigns/${campaignId}/calls`);
    await checkA11y(staff.page);
    await go(staff.page, `/campaigns/${campaignId}/board`);
    await checkA11y(staff.page);
    expect(staff.errors).toEqual([]);
    await staff.context.close();
  }, 300_000); // 18 pages with axe
});
