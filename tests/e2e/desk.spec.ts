/**
 * Issue 15, the check-in desk, in the browser on the shared demo server: the QR a guest's
 * invitation page shows is fed to Chromium's fake camera (a Y4M file written here: the QR's
 * module matrix from the `qrcode` package drawn into the Y plane with a quiet zone, U/V = 128),
 * the desk's camera reads it and checks the guest in exactly once; starting the camera again says
 * "already in" with when and by whom. A hardware scanner's keystrokes + Enter in the code box
 * check in another guest, and the first tablet's live count follows without a reload. A code of
 * another campaign and a code of nobody answer so. zh-CN and en, 390 px, keyboard, axe.
 * Chromium is launched with the fake-camera flags for this spec only.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import QRCode from "qrcode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { createDb, type DB } from "#db/client";
import { invitationCode } from "~/models/invitation-code";
import { linkTokenFor } from "~/models/invitation-link.server";
import { qrSvg } from "~/models/invitation-qr.server";
import { reopenEventDay } from "../helpers/demo-state";
import { checkA11y, chromiumPath, CHROMIUM_FLAGS, hydrated, launchBrowser, openPage, PHONE, signIn, TABLET } from "../helpers/browser";

const base = inject("baseURL");
let db: DB;
let camera: Browser;
let plain: Browser;
let campaignId = 0;
let otherCampaignCode = "";
const guests: { id: number; name: string; customerId: number }[] = [];
let y4m = "";
let maxEvent = 0;

/** A Y4M (YUV4MPEG2, 4:2:0) clip of `frames` identical frames showing the QR code of `text`. */
export function qrY4m(text: string, file: string, { width = 640, height = 480, scale = 10, frames = 4 } = {}) {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const n = qr.modules.size;
  const quiet = 4;
  const side = (n + 2 * quiet) * scale;
  if (side > width || side > height) throw new Error("the QR code does not fit the frame");
  const y = Buffer.alloc(width * height, 235); // white
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.modules.get(r, c)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (y0 + (quiet + r) * scale + dy) * width + x0 + (quiet + c) * scale;
        y.fill(16, row, row + scale); // black
      }
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, chroma, chroma]);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array(frames).fill(frame)]));
}

beforeAll(async () => {
  reopenEventDay(inject("dbFile"));
  db = createDb(`file:${inject("dbFile")}`);
  const campaign = await db.selectFrom("campaigns").select(["id", "store_id"]).where("name", "=", "养车讲堂（活动当天）").executeTakeFirstOrThrow();
  campaignId = campaign.id;
  // yes guests of the on-the-day campaign who have not arrived, can be contacted and are not held out
  const rows = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
    .leftJoin("arrivals", "arrivals.invitation_id", "invitations.id")
    .select(["invitations.id", "invitations.customer_id", "customers.name"])
    .where("invitations.campaign_id", "=", campaignId).where("invitations.holdout", "=", 0).where("invitations.result", "=", "yes")
    .where("customers.do_not_contact", "=", 0).where("arrivals.id", "is", null).orderBy("invitations.id").limit(2).execute();
  for (const r of rows) guests.push({ id: r.id, name: r.name, customerId: r.customer_id });
  const other = await db.selectFrom("invitations").innerJoin("campaigns", "campaigns.id", "invitations.campaign_id")
    .select("invitations.id").where("campaigns.store_id", "=", campaign.store_id).where("invitations.campaign_id", "!=", campaignId)
    .orderBy("invitations.id").executeTakeFirstOrThrow();
  otherCampaignCode = invitationCode(other.id);
  maxEvent = (await db.selectFrom("invitation_events").select((eb) => eb.fn.max("id").as("m")).executeTakeFirst())?.m ?? 0;
  y4m = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "desk-")), "qr.y4m");
  plain = await launchBrowser();
});

afterAll(async () => {
  await camera?.close();
  await plain?.close();
  if (guests.length) {
    const ids = guests.map((g) => g.id);
    await db.deleteFrom("touchpoint_ratings").where("invitation_id", "in", ids).execute();
    await db.deleteFrom("arrivals").where("invitation_id", "in", ids).execute();
    await db.deleteFrom("invitation_events").where("invitation_id", "in", ids).where("id", ">", maxEvent).execute();
  }
  await db?.destroy();
  if (y4m) fs.rmSync(path.dirname(y4m), { recursive: true, force: true });
});

const arrivalsOf = async (invitationId: number) =>
  db.selectFrom("arrivals").selectAll().where("invitation_id", "=", invitationId).execute();

describe("the check-in desk (issue 15)", () => {
  it("scans the QR of the guest's invitation page from the camera: one check-in, then 'already in'", async () => {
    expect(guests.length).toBe(2);
    const guest = guests[0]!;
    const token = (await linkTokenFor(db, { storeId: (await db.selectFrom("campaigns").select("store_id").where("id", "=", campaignId).executeTakeFirstOrThrow()).store_id, campaignId, invitationId: guest.id }))!;

    // the guest's phone: the invitation page shows the QR; its text is the code shown beside it
    const phone = await openPage(plain, { locale: "zh-CN", viewport: PHONE });
    await phone.page.goto(`${base}/i/${token}`);
    await hydrated(phone.page);
    const shown = (await phone.page.textContent('[data-testid="invite-code"]'))!.replace("-", "");
    const svg = await phone.page.innerHTML('[data-testid="invite-qr"]');
    // the page's QR is the qrcode package's QR of that text (same markup as the server makes)
    const paths = (markup: string) => [...markup.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]);
    expect(paths(svg)).toEqual(paths(await qrSvg(shown)));
    expect(shown).toBe(invitationCode(guest.id));
    await phone.context.close();

    // the tablet at the door: Chromium's fake camera plays the QR
    qrY4m(shown, y4m);
    camera = await chromium.launch({
      executablePath: chromiumPath(), headless: true,
      args: [...CHROMIUM_FLAGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${y4m}`],
    });
    const desk = await openPage(camera, { locale: "zh-CN", viewport: TABLET });
    await desk.context.grantPermissions(["camera"], { origin: base });
    await signIn(desk.page, base, "staff1@demo.test");
    await desk.page.goto(`${base}/campaigns/${campaignId}/execution`);
    await hydrated(desk.page);
    const before = Number(await desk.page.textContent('[data-testid="live-arrived"]'));
    await checkA11y(desk.page);

    await desk.page.click('[data-testid="scan-start"]');
    await desk.page.waitForSelector('[data-testid="scan-answer"][data-outcome="checked_in"]', { timeout: 20_000 });
    expect(await desk.page.textContent('[data-testid="scan-answer"]')).toContain(guest.name);
    expect(await desk.page.getAttribute('[data-testid="scan-answer"]', "class")).toContain("answer-ok");
    // the camera keeps seeing the same code for a while: still one check-in
    await desk.page.waitForTimeout(1500);
    expect(await arrivalsOf(guest.id)).toHaveLength(1);
    await desk.page.waitForFunction((n) => Number(document.querySelector('[data-testid="live-arrived"]')?.textContent) === n + 1, before);
    await checkA11y(desk.page);

    // the guest shows the phone again: "already in", with when and by whom
    await desk.page.click('[data-testid="scan-stop"]');
    await desk.page.click('[data-testid="scan-start"]');
    await desk.page.waitForSelector('[data-testid="scan-answer"][data-outcome="already"]', { timeout: 20_000 });
    const again = (await desk.page.textContent('[data-testid="scan-answer"]'))!;
    expect(again).toContain(guest.name);
    expect(again).toContain("张伟"); // staff1, who checked them in
    expect(await desk.page.getAttribute('[data-testid="scan-answer"]', "class")).toContain("answer-warn");
    expect(await arrivalsOf(guest.id)).toHaveLength(1);
    await desk.page.click('[data-testid="scan-stop"]');
    expect(desk.errors).toEqual([]);
    await desk.context.close();
  });

  it("a hardware scanner types into the box; the other tablet's live count follows without reloading; wrong codes say why", async () => {
    const guest = guests[1]!;
    // tablet A (en) watches the live count
    const a = await openPage(plain, { locale: "en", viewport: TABLET });
    await signIn(a.page, base, "staff2@demo.test");
    await a.page.goto(`${base}/campaigns/${campaignId}/execution`);
    await hydrated(a.page);
    const before = Number(await a.page.textContent('[data-testid="live-arrived"]'));
    expect(await a.page.textContent('[data-testid="live-count"]')).toContain("Arrived / expected");

    // tablet B (zh-CN, a phone-sized screen) with a scanner: keystrokes then Enter, no mouse
    const b = await openPage(plain, { locale: "zh-CN", viewport: PHONE });
    await signIn(b.page, base, "manager@demo.test");
    await b.page.goto(`${base}/campaigns/${campaignId}/execution`);
    await hydrated(b.page);
    await b.page.focus('[data-testid="scan-code"]');
    await b.page.keyboard.type(invitationCode(guest.id));
    await b.page.keyboard.press("Enter");
    await b.page.waitForSelector('[data-testid="scan-answer"][data-outcome="checked_in"]');
    expect(await b.page.textContent('[data-testid="scan-answer"]')).toContain("已签到");
    expect(await arrivalsOf(guest.id)).toHaveLength(1);
    // the box is empty again, ready for the next guest
    expect(await b.page.inputValue('[data-testid="scan-code"]')).toBe("");
    expect(await b.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await checkA11y(b.page);

    // tablet A: the count moved by itself (polling), no reload
    await a.page.waitForFunction((n) => Number(document.querySelector('[data-testid="live-arrived"]')?.textContent) >= n + 1, before, { timeout: 12_000 });

    // another campaign's guest; a code that is nobody's; the same guest again (already)
    await b.page.keyboard.type(otherCampaignCode);
    await b.page.keyboard.press("Enter");
    await b.page.waitForSelector('[data-testid="scan-answer"][data-outcome="other_campaign"]');
    expect(await b.page.getAttribute('[data-testid="scan-answer"]', "class")).toContain("answer-bad");
    await b.page.keyboard.type("ZZZZZZZ");
    await b.page.keyboard.press("Enter");
    await b.page.waitForSelector('[data-testid="scan-answer"][data-outcome="not_invited"]');
    await b.page.keyboard.type(invitationCode(guest.id).toLowerCase());
    await b.page.keyboard.press("Enter");
    await b.page.waitForSelector('[data-testid="scan-answer"][data-outcome="already"]');
    expect(await arrivalsOf(guest.id)).toHaveLength(1);
    await checkA11y(a.page);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });

  it("after check-in the invitation page asks the guest to rate the touchpoints (no JavaScript needed); the scorecard shows it beside the manager's", async () => {
    const guest = guests[0]!; // checked in by the camera above
    const storeId = (await db.selectFrom("campaigns").select("store_id").where("id", "=", campaignId).executeTakeFirstOrThrow()).store_id;
    const token = (await linkTokenFor(db, { storeId, campaignId, invitationId: guest.id }))!;
    // without JavaScript, on a phone: one tap per touchpoint, send
    const nojs = await openPage(plain, { locale: "zh-CN", viewport: PHONE, javaScriptEnabled: false });
    await nojs.page.goto(`${base}/i/${token}`);
    expect(await nojs.page.locator('[data-testid="survey"] fieldset').count()).toBe(4);
    await Promise.all([nojs.page.waitForURL(/survey=empty/), nojs.page.click('[data-testid="survey-send"]')]);
    expect(await nojs.page.textContent('[data-testid="survey-error"]')).toContain("至少");
    await nojs.page.check('[data-testid="survey-reception"] input[value="5"]');
    await nojs.page.check('[data-testid="survey-facilities"] input[value="4"]');
    await Promise.all([nojs.page.waitForURL(/survey=thanks/), nojs.page.click('[data-testid="survey-send"]')]);
    expect(await nojs.page.isVisible('[data-testid="survey-thanks"]')).toBe(true);
    expect(await nojs.page.isChecked('[data-testid="survey-reception"] input[value="5"]')).toBe(true);
    expect(await nojs.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await nojs.context.close();
    const rows = await db.selectFrom("touchpoint_ratings").selectAll().where("invitation_id", "=", guest.id).orderBy("id").execute();
    expect(rows.map((r) => [r.touchpoint, r.score])).toEqual([["reception", 5], ["facilities", 4]]);

    // with JavaScript, in English, by keyboard: change the reception score; axe on the page
    const en = await openPage(plain, { locale: "en", viewport: PHONE });
    await en.page.goto(`${base}/i/${token}`);
    await hydrated(en.page);
    await checkA11y(en.page);
    await en.page.focus('[data-testid="survey-reception"] input[value="5"]');
    await en.page.keyboard.press("ArrowLeft"); // 4
    await en.page.focus('[data-testid="survey-send"]');
    await Promise.all([en.page.waitForURL(/survey=thanks/), en.page.keyboard.press("Enter")]);
    expect(await en.page.textContent('[data-testid="survey-thanks"]')).toContain("Thank you");
    expect(en.errors).toEqual([]);
    await en.context.close();
    expect(await db.selectFrom("touchpoint_ratings").select("id").where("invitation_id", "=", guest.id).execute()).toHaveLength(4); // appended

    // the manager's scorecard across campaigns: the customers' latest answers beside the manager's score
    const m = await openPage(plain, { locale: "en", viewport: TABLET });
    await signIn(m.page, base, "manager@demo.test");
    await m.page.goto(`${base}/touchpoints`);
    await hydrated(m.page);
    const row = (await m.page.textContent(`[data-testid="scorecard-${campaignId}"]`))!;
    expect(row).toContain("answer");
    await checkA11y(m.page);
    expect(m.errors).toEqual([]);
    await m.context.close();
  });
});
