/**
 * Issue 12's exports in the browser: the segment page, the invitations page and the review page
 * show their download links in the reader's language (axe passes); clicking a link downloads a
 * workbook exceljs reads back (a header row, date and money cells), a staff member's members
 * CSV holds masked phones, and nothing logs a console error.
 */
import fs from "node:fs";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createDb, type DB } from "#db/client";
import { checkA11y, hydrated, launchBrowser, openPage, signIn } from "../helpers/browser";

const base = inject("baseURL");
let browser: Browser;
let db: DB;
let segmentId = 0;
let closedId = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  db = createDb(`file:${inject("dbFile")}`);
  const store = await db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
  segmentId = (await db.selectFrom("segments").select("id").where("store_id", "=", store.id).orderBy("id").executeTakeFirstOrThrow()).id;
  closedId = (await db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).where("status", "=", "closed").orderBy("id").executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await browser?.close();
  await db?.destroy();
});

/** Clicks the link and reads the downloaded workbook's first sheet. */
async function downloadSheet(page: Page, selector: string) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const file = await download.path();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(fs.readFileSync(file!) as unknown as ArrayBuffer);
  return { sheet: wb.worksheets[0]!, name: download.suggestedFilename() };
}

describe("exports in the browser", () => {
  it("a manager downloads the members, the audience and the review from their pages (zh-CN)", async () => {
    const { page, context, errors } = await openPage(browser, { locale: "zh-CN" });
    await signIn(page, base, "manager@demo.test");

    await page.goto(`${base}/segments/${segmentId}`);
    await hydrated(page);
    expect(await page.textContent('[data-testid="segment-export"]')).toContain("导出目标客户");
    await checkA11y(page);
    const members = await downloadSheet(page, '[data-testid="segment-export"] a[data-format="xlsx"]');
    expect(members.name).toBe(`segment-${segmentId}.xlsx`);
    expect(members.sheet.name).toBe("目标客户");
    expect(members.sheet.getCell("A1").value).toBe("客户编号");
    expect(members.sheet.getCell("F2").value === null || members.sheet.getCell("F2").value instanceof Date).toBe(true);
    expect(typeof members.sheet.getCell("H2").value).toBe("number");

    await page.goto(`${base}/campaigns/${closedId}/invitations`);
    await hydrated(page);
    expect(await page.textContent('[data-testid="audience-export"]')).toContain("导出邀约名单");
    await checkA11y(page);
    const audience = await downloadSheet(page, '[data-testid="audience-export"] a[data-format="xlsx"]');
    expect(audience.sheet.name).toBe("邀约名单");
    expect(audience.sheet.rowCount).toBeGreaterThan(1);

    await page.goto(`${base}/campaigns/${closedId}/review`);
    await hydrated(page);
    expect(await page.textContent('[data-testid="review-export"]')).toContain("导出复盘");
    await checkA11y(page);
    const review = await downloadSheet(page, '[data-testid="review-export"] a[data-format="xlsx"]');
    expect(review.sheet.name).toBe("活动复盘");
    expect(review.sheet.getCell("A1").value).toBe("活动");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("staff see the members link in English and get masked phones", async () => {
    const { page, context, errors } = await openPage(browser, { locale: "en" });
    await signIn(page, base, "staff1@demo.test");
    await page.goto(`${base}/segments/${segmentId}`);
    await hydrated(page);
    expect(await page.textContent('[data-testid="segment-export"]')).toContain("Export the members:");
    const href = await page.getAttribute('[data-testid="segment-export"] a[data-format="csv"]', "href");
    const res = await page.request.get(`${base}${href}`);
    expect(res.status()).toBe(200);
    const text = (await res.body()).toString("utf8");
    expect(text.startsWith("\uFEFFCustomer code,Name,Phone,")).toBe(true);
    const phones = text.trimEnd().split("\r\n").slice(1).map((l) => l.split(",")[2]).filter(Boolean);
    expect(phones.length).toBeGreaterThan(0);
    for (const p of phones) expect(p).toMatch(/\*{4}/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
