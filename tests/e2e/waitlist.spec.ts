/**
 * Issue 15 in the browser: capacity and waitlist on the invitation page. The demo's inviting
 * campaign is given one seat; the first guest to answer yes takes it and gets the door's QR code,
 * the second is told their place on the waitlist (no code), and the manager's board marks that
 * card "Waitlisted". When the seated guest changes their answer to no on their phone, the one
 * waiting is seated at once: their page now shows the code. Both languages, 390 px, axe. The
 * campaign and its invitations are put back afterwards.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createDb, type DB } from "#db/client";
import { linkTokenFor } from "~/models/invitation-link.server";
import { checkA11y, hydrated, launchBrowser, openPage, PHONE, signIn } from "../helpers/browser";
import { restoreInvitations } from "../helpers/demo-state";

const base = inject("baseURL");
let browser: Browser;
let db: DB;
let storeId = 0;
let campaignId = 0;
let savedCapacity: number | null = null;
const picked: { id: number; customerId: number; name: string; token: string }[] = [];
let savedRows: Record<string, unknown>[] = [];
let maxAttempt = 0;
let maxEvent = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  db = createDb(`file:${inject("dbFile")}`);
  storeId = (await db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow()).id;
  const campaign = await db.selectFrom("campaigns").select(["id", "capacity"]).where("store_id", "=", storeId).where("status", "=", "inviting").orderBy("id").executeTakeFirstOrThrow();
  campaignId = campaign.id;
  savedCapacity = campaign.capacity === null ? null : Number(campaign.capacity);
  // pending, contactable guests from the end of the list (invite.spec takes the first ones)
  const rows = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
    .select(["invitations.id", "invitations.customer_id", "customers.name"])
    .where("invitations.campaign_id", "=", campaignId).where("invitations.holdout", "=", 0).where("invitations.result", "=", "pending")
    .where("customers.do_not_contact", "=", 0).orderBy("invitations.id", "desc").limit(2).execute();
  for (const r of rows) picked.push({ id: r.id, customerId: r.customer_id, name: r.name, token: (await linkTokenFor(db, { storeId, campaignId, invitationId: r.id }))! });
  savedRows = await db.selectFrom("invitations").selectAll().where("id", "in", picked.map((p) => p.id)).execute();
  maxAttempt = (await db.selectFrom("invitation_attempts").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst())?.m ?? 0;
  maxEvent = (await db.selectFrom("invitation_events").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst())?.m ?? 0;
  // one seat, none taken (the demo's earlier yes answers were given without a capacity: they hold no seat)
  await db.updateTable("campaigns").set({ capacity: 1 }).where("id", "=", campaignId).execute();
});

afterAll(async () => {
  await browser?.close();
  if (campaignId) await db.updateTable("campaigns").set({ capacity: savedCapacity }).where("id", "=", campaignId).execute();
  if (picked.length) {
    await restoreInvitations(db, { ids: picked.map((p) => p.id), savedRows, maxEvent, maxAttempt });
  }
  await db?.destroy();
});

async function answer(page: Page, token: string, result: "yes" | "no") {
  await page.goto(`${base}/i/${token}`);
  await hydrated(page);
  await Promise.all([page.waitForURL(new RegExp(`done=${result}`)), page.click(`[data-testid="invite-${result}"]`)]);
  await hydrated(page);
}

const seatOf = async (id: number) => (await db.selectFrom("invitations").select("seat").where("id", "=", id).executeTakeFirstOrThrow()).seat;

describe("capacity and waitlist (issue 15)", () => {
  it("seats the first yes, waitlists the second without a code, marks the card, and seats the one waiting when the first says no", async () => {
    expect(picked.length).toBe(2);
    const [first, second] = picked as [(typeof picked)[number], (typeof picked)[number]];

    const a = await openPage(browser, { locale: "zh-CN", viewport: PHONE });
    await answer(a.page, first.token, "yes");
    expect(await a.page.locator('[data-testid="invite-qr"] svg').count()).toBe(1);
    expect(await a.page.locator('[data-testid="invite-waitlist"]').count()).toBe(0);
    expect(await seatOf(first.id)).toBe("seated");

    const b = await openPage(browser, { locale: "en", viewport: PHONE });
    await answer(b.page, second.token, "yes");
    expect(await b.page.textContent('[data-testid="invite-waitlist"]')).toContain("number 1 on the waitlist");
    expect(await b.page.locator('[data-testid="invite-qr"]').count()).toBe(0);
    expect(await seatOf(second.id)).toBe("waitlisted");
    await checkA11y(b.page);

    // the manager's board marks the waiting card
    const m = await openPage(browser, { locale: "en", viewport: PHONE });
    await signIn(m.page, base, "manager@demo.test");
    await m.page.goto(`${base}/campaigns/${campaignId}/board?q=${encodeURIComponent(second.name)}`);
    await hydrated(m.page);
    await expect.poll(() => m.page.locator('[data-testid="card-waitlisted"]').count()).toBeGreaterThan(0);
    await checkA11y(m.page);

    // the seated guest changes their mind: the one waiting is seated and their page shows the code
    await answer(a.page, first.token, "no");
    expect(await seatOf(first.id)).toBeNull();
    expect(await seatOf(second.id)).toBe("seated");
    await b.page.goto(`${base}/i/${second.token}`);
    await hydrated(b.page);
    expect(await b.page.locator('[data-testid="invite-waitlist"]').count()).toBe(0);
    expect(await b.page.locator('[data-testid="invite-qr"] svg').count()).toBe(1);

    for (const p of [a, b, m]) {
      expect(p.errors).toEqual([]);
      await p.context.close();
    }
  });
});
