/**
 * Issue 13 in the browser: a customer of the demo's inviting campaign opens their invitation
 * link on a 390 px phone without signing in, answers yes, sees the door's check-in code as a QR
 * code and downloads the calendar file; the invitation is then yes with a `self` attempt and the
 * manager's board shows the card under yes. A tampered link is a 404 that names nothing; without
 * JavaScript the form still answers, and a bad value comes back next to its field with what was
 * typed; opting out marks the customer do-not-contact with history. Every page passes axe (axe needs JavaScript: not the no-JS one) and the answered page fits 320 px. The invitations used are put back afterwards.
 * INVITE_SCREENSHOT=1 also writes docs/invitation-page.png (the README's screenshot).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { createDb, type DB } from "#db/client";
import { linkTokenFor } from "~/models/invitation-link.server";
import { invitationCode } from "~/models/invitation-code";
import { checkA11y, hydrated, launchBrowser, openPage, PHONE, signIn } from "../helpers/browser";
import { restoreInvitations } from "../helpers/demo-state";

const base = inject("baseURL");
let browser: Browser;
let db: DB;
let storeId = 0;
let campaignId = 0;
let campaignName = "";
let storeName = "";
/** pending, contactable invitations of the demo's inviting campaign: [answered yes, answered without JavaScript, opted out] */
const picked: { id: number; customerId: number; name: string; token: string }[] = [];
let savedRows: Record<string, unknown>[] = [];
let maxAttempt = 0;
let maxEvent = 0;
let maxChange = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  db = createDb(`file:${inject("dbFile")}`);
  const store = await db.selectFrom("stores").select(["id", "name"]).where("code", "=", "ZZ01").executeTakeFirstOrThrow();
  storeId = store.id;
  storeName = store.name;
  const campaign = await db.selectFrom("campaigns").select(["id", "name"]).where("store_id", "=", storeId).where("status", "=", "inviting").orderBy("id").executeTakeFirstOrThrow();
  campaignId = campaign.id;
  campaignName = campaign.name;
  const rows = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
    .select(["invitations.id", "invitations.customer_id", "customers.name"])
    .where("invitations.campaign_id", "=", campaignId).where("invitations.holdout", "=", 0).where("invitations.result", "=", "pending")
    .where("customers.do_not_contact", "=", 0).orderBy("invitations.id").limit(3).execute();
  for (const r of rows) {
    picked.push({ id: r.id, customerId: r.customer_id, name: r.name, token: (await linkTokenFor(db, { storeId, campaignId, invitationId: r.id }))! });
  }
  savedRows = await db.selectFrom("invitations").selectAll().where("id", "in", picked.map((p) => p.id)).execute();
  maxAttempt = (await db.selectFrom("invitation_attempts").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst())?.m ?? 0;
  maxEvent = (await db.selectFrom("invitation_events").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst())?.m ?? 0;
  maxChange = (await db.selectFrom("customer_changes").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst())?.m ?? 0;
});

afterAll(async () => {
  await browser?.close();
  // the demo's invitations as they were (other tests read the demo campaign)
  if (picked.length) {
    await restoreInvitations(db, { ids: picked.map((p) => p.id), savedRows, maxEvent, maxAttempt });
    const customers = picked.map((p) => p.customerId);
    await db.deleteFrom("customer_changes").where("customer_id", "in", customers).where("id", ">", maxChange).execute();
    await db.updateTable("customers").set({ do_not_contact: 0 }).where("id", "in", customers).execute();
  }
  await db?.destroy();
});

describe("the invitation page (issue 13)", () => {
  it("a customer answers yes on a phone without signing in, gets the QR code and the calendar file; the board shows the card", async () => {
    expect(picked.length).toBe(3);
    const me = picked[0]!;
    const { page, errors, context } = await openPage(browser, { locale: "zh-CN", viewport: PHONE });
    const res = await page.goto(`${base}/i/${me.token}`);
    expect(res?.status()).toBe(200);
    await hydrated(page);
    expect(new URL(page.url()).pathname).toBe(`/i/${me.token}`); // no sign-in
    expect(await page.textContent('[data-testid="invite-store"]')).toBe(storeName);
    const body = (await page.textContent("main"))!;
    const customer = await db.selectFrom("customers").selectAll().where("id", "=", me.customerId).executeTakeFirstOrThrow();
    expect(body).not.toContain(customer.phone!);
    expect(body).not.toContain(customer.customer_code);
    expect(await page.locator('[data-testid="current-user"], nav.main-nav').count()).toBe(0);
    await checkA11y(page);

    await page.fill("#invite-companions", "1");
    await Promise.all([page.waitForURL(/done=yes/), page.click('[data-testid="invite-yes"]')]);
    await hydrated(page);
    expect(await page.getAttribute('[data-testid="invite-result"]', "data-result")).toBe("yes");
    expect(await page.locator('[data-testid="invite-qr"] svg').count()).toBe(1);
    expect(await page.getAttribute('[data-testid="invite-qr"]', "aria-label")).toContain(invitationCode(me.id).slice(0, 3));
    expect((await page.textContent('[data-testid="invite-code"]'))!.replace("-", "")).toBe(invitationCode(me.id));
    expect(await page.textContent('[data-testid="invite-venue"]')).not.toBe("");
    await checkA11y(page);
    if (process.env.INVITE_SCREENSHOT) {
      await page.screenshot({ path: path.resolve(__dirname, "../../docs/invitation-page.png"), fullPage: true });
    }

    // the calendar file: a download of text/calendar with one VEVENT
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="invite-ics"]')]);
    expect(download.suggestedFilename()).toBe("invitation.ics");
    const ics = await page.request.get(`${base}/i/${me.token}/calendar`);
    expect(ics.status()).toBe(200);
    expect(ics.headers()["content-type"]).toBe("text/calendar; charset=utf-8");
    const text = await ics.text();
    expect(text).toContain("BEGIN:VEVENT");
    expect(text).toContain("END:VCALENDAR");

    // fits a 320 px screen: nothing wider than the viewport
    await page.setViewportSize({ width: 320, height: 700 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    expect(errors).toEqual([]);
    await context.close();

    // the invitation is yes, answered by the customer (channel self, no user); intent still to verify
    const inv = await db.selectFrom("invitations").selectAll().where("id", "=", me.id).executeTakeFirstOrThrow();
    expect(inv.result).toBe("yes");
    expect(Number(inv.intent_verified)).toBe(0);
    const attempts = await db.selectFrom("invitation_attempts").selectAll().where("invitation_id", "=", me.id).where("id", ">", maxAttempt).execute();
    expect(attempts).toEqual([expect.objectContaining({ channel: "self", user_id: null, outcome: "yes" })]);

    // the manager's board shows the card under yes
    const manager = await openPage(browser, { locale: "en", viewport: { width: 1366, height: 900 } });
    await signIn(manager.page, base, "manager@demo.test");
    await manager.page.goto(`${base}/campaigns/${campaignId}/board?q=${encodeURIComponent(me.name)}`);
    await hydrated(manager.page);
    expect(await manager.page.locator(`section[data-column="yes"] li[data-card-id="${me.id}"]`).count()).toBe(1);

    // the card's history and attempts say the customer answered
    await manager.page.goto(`${base}/campaigns/${campaignId}/calls?invitation=${me.id}`);
    await hydrated(manager.page);
    expect(await manager.page.textContent('[data-testid="card-history"]')).toContain("The customer (invitation page)");
    await checkA11y(manager.page);

    // the invitations page offers the messages as CSV: a BOM, one row per contactable invitation, its link among them
    await manager.page.goto(`${base}/campaigns/${campaignId}/invitations`);
    await hydrated(manager.page);
    const href = await manager.page.getAttribute('[data-testid="messages-csv"]', "href");
    const csv = await manager.page.request.get(`${base}${href}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    const csvText = (await csv.body()).toString("utf8");
    expect(csvText.startsWith("\uFEFFcustomer_code,name,phone,channel,message,link\r\n")).toBe(true);
    const contactable = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id").select((eb) => eb.fn.countAll().as("n"))
      .where("invitations.campaign_id", "=", campaignId).where("invitations.holdout", "=", 0).where("customers.do_not_contact", "=", 0).executeTakeFirstOrThrow();
    expect(csvText.trimEnd().split("\r\n").length - 1).toBe(Number(contactable.n));
    expect(csvText).toContain(`/i/${me.token}`);
    await manager.context.close();
  });

  it("a tampered link is a 404 that names no store or campaign", async () => {
    const { page, context } = await openPage(browser, { locale: "zh-CN", viewport: PHONE });
    const token = picked[0]!.token;
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const url of [`/i/${tampered}`, `/i/${tampered}/calendar`, "/i/not-a-token"]) {
      const res = await page.goto(`${base}${url}`);
      expect(res?.status()).toBe(404);
      const body = await page.content();
      expect(body).not.toContain(campaignName);
      expect(body).not.toContain(storeName);
    }
    await checkA11y(page);
    await context.close();
  });

  it("works without JavaScript: a bad value comes back next to its field with what was typed, then the answer is saved", async () => {
    const me = picked[1]!;
    const { page, context } = await openPage(browser, { locale: "en", viewport: PHONE, javaScriptEnabled: false });
    await page.goto(`${base}/i/${me.token}`);
    await page.fill("#invite-companions", "99");
    await page.fill("#invite-note", "Bringing my son");
    const res = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.click('[data-testid="invite-maybe"]')]);
    expect(res[0].status()).toBe(400);
    await page.waitForSelector("#invite-companions-error");
    expect(await page.getAttribute("#invite-companions", "aria-invalid")).toBe("true");
    expect(await page.inputValue("#invite-companions")).toBe("99");
    expect(await page.inputValue("#invite-note")).toBe("Bringing my son");
    expect((await db.selectFrom("invitations").select("result").where("id", "=", me.id).executeTakeFirstOrThrow()).result).toBe("pending");

    await page.fill("#invite-companions", "2");
    await Promise.all([page.waitForURL(/done=maybe/), page.click('[data-testid="invite-maybe"]')]);
    expect(await page.getAttribute('[data-testid="invite-result"]', "data-result")).toBe("maybe");
    const inv = await db.selectFrom("invitations").selectAll().where("id", "=", me.id).executeTakeFirstOrThrow();
    expect(inv.result).toBe("maybe");
    expect(inv.next_follow_up).not.toBeNull();
    const attempt = await db.selectFrom("invitation_attempts").selectAll().where("invitation_id", "=", me.id).where("id", ">", maxAttempt).executeTakeFirstOrThrow();
    expect(attempt).toMatchObject({ channel: "self", user_id: null, note: "Bringing my son" });
    await context.close();
  });

  it("opting out on the page (without JavaScript) makes the customer do-not-contact, with history", async () => {
    const me = picked[2]!;
    const { page, context } = await openPage(browser, { locale: "en", viewport: PHONE, javaScriptEnabled: false });
    await page.goto(`${base}/i/${me.token}`);
    await Promise.all([page.waitForURL(/done=optout/), page.click('[data-testid="invite-opt-out"]')]);
    await page.waitForSelector('[data-testid="invite-opted-out"]');
    expect(await page.locator('[data-testid="invite-yes"]').count()).toBe(0);
    const customer = await db.selectFrom("customers").select("do_not_contact").where("id", "=", me.customerId).executeTakeFirstOrThrow();
    expect(Number(customer.do_not_contact)).toBe(1);
    const changes = await db.selectFrom("customer_changes").selectAll().where("customer_id", "=", me.customerId).where("id", ">", maxChange).execute();
    expect(changes).toEqual([expect.objectContaining({ field: "do_not_contact", old_value: "0", new_value: "1", user_id: null })]);
    await context.close();
  });
});
