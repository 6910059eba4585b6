/**
 * The dealer exports (issue 12) downloaded from a real server: each .xlsx read back with
 * exceljs (header row, a date cell is a Date, a money cell is a number) and each CSV checked
 * (BOM, CRLF); store boundaries (another store's segment or campaign is a 404) and staff
 * (masked phones where the segment page masks them, 403 on the managers' exports).
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseCsv } from "~/utils/csv";
import { signInHttp, startAppServer, type AppServer } from "../helpers/app-server";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let app: AppServer;
const cookies: Record<string, string> = {};
let segmentId = 0;
let campaignId = 0;

beforeAll(async () => {
  app = await startAppServer();
  for (const [who, email] of [["manager", "manager@demo.test"], ["staff", "staff1@demo.test"], ["other", "ly.manager@demo.test"]] as const) {
    cookies[who] = (await signInHttp(app.url, email)).cookie;
  }
  const store = await app.db.selectFrom("stores").select("id").where("code", "=", "ZZ01").executeTakeFirstOrThrow();
  segmentId = (await app.db.selectFrom("segments").select("id").where("store_id", "=", store.id).orderBy("id").executeTakeFirstOrThrow()).id;
  campaignId = (await app.db.selectFrom("campaigns").select("id").where("store_id", "=", store.id).where("status", "=", "closed").orderBy("id").executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await app?.close();
});

const get = (path: string, who: keyof typeof cookies | null, lang = "zh-CN") =>
  fetch(`${app.url}${path}`, { redirect: "manual", headers: { ...(who ? { Cookie: cookies[who]! } : {}), "Accept-Language": lang } });

async function workbook(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("spreadsheetml");
  expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="[\w-]+\.xlsx"/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  return wb.worksheets[0]!;
}

async function csv(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
  expect(text.startsWith("\uFEFF")).toBe(true);
  expect(text.slice(1).replace(/\r\n/g, "")).not.toMatch(/[\r\n]/); // CRLF only (no cell here holds a line break)
  return parseCsv(text.slice(1));
}

const cellsOf = (ws: ExcelJS.Worksheet, n: number) => (ws.getRow(n).values as unknown[]).slice(1);

describe("exports over HTTP", () => {
  it("segment members: .xlsx with a Chinese header, date and money cells; CSV with the same rows", async () => {
    const ws = await workbook(await get(`/segments/${segmentId}/export?format=xlsx`, "manager"));
    expect(ws.name).toBe("目标客户");
    expect(cellsOf(ws, 1).slice(0, 3)).toEqual(["客户编号", "姓名", "手机号码"]);
    expect(ws.rowCount).toBeGreaterThan(2);
    const withVisit = Array.from({ length: ws.rowCount - 1 }, (_, i) => ws.getRow(i + 2)).find((r) => r.getCell(6).value instanceof Date)!;
    expect(withVisit, "a member with a last visit").toBeDefined();
    expect(typeof withVisit.getCell(8).value).toBe("number");
    expect(withVisit.getCell(8).numFmt).toBe("0.00");
    expect(withVisit.getCell(3).value).toMatch(/^\d{11}$/); // the manager sees the phone, as text
    const rows = await csv(await get(`/segments/${segmentId}/export?format=csv`, "manager", "en"));
    expect(rows[0]!.slice(0, 3)).toEqual(["Customer code", "Name", "Phone"]);
    expect(rows.length).toBe(ws.rowCount);
  });

  it("staff get the members with masked phones, as the segment page shows them", async () => {
    const ws = await workbook(await get(`/segments/${segmentId}/export`, "staff"));
    const phones = Array.from({ length: ws.rowCount - 1 }, (_, i) => ws.getRow(i + 2).getCell(3).value).filter(Boolean);
    expect(phones.length).toBeGreaterThan(0);
    for (const p of phones) expect(p).toMatch(/^\d{3}\*{4}\d{4}$|^\*{4}$/);
    const rows = await csv(await get(`/segments/${segmentId}/export?format=csv`, "staff"));
    expect(rows.slice(1).filter((r) => r[2]).every((r) => r[2]!.includes("****"))).toBe(true);
  });

  it("the audience and the review: .xlsx and CSV for managers", async () => {
    const audience = await workbook(await get(`/campaigns/${campaignId}/audience/export?format=xlsx`, "manager"));
    expect(audience.name).toBe("邀约名单");
    expect(cellsOf(audience, 1)).toContain("对照组");
    const yes = Array.from({ length: audience.rowCount - 1 }, (_, i) => audience.getRow(i + 2)).find((r) => r.getCell(11).value instanceof Date);
    expect(yes, "an invitation with an attempt has a date cell").toBeDefined();
    const audienceCsv = await csv(await get(`/campaigns/${campaignId}/audience/export?format=csv`, "manager"));
    expect(audienceCsv.length).toBe(audience.rowCount);

    const review = await workbook(await get(`/campaigns/${campaignId}/review/export?format=xlsx`, "manager", "en"));
    expect(review.name).toBe("Review");
    expect(cellsOf(review, 1)[0]).toBe("Campaign");
    let revenue: ExcelJS.Row | undefined;
    review.eachRow((r) => { if (r.getCell(2).value === "Revenue") revenue = r; });
    expect(typeof revenue!.getCell(3).value).toBe("number");
    expect(revenue!.getCell(3).numFmt).toBe("0.00");
    let finalOn: ExcelJS.Row | undefined;
    review.eachRow((r) => { if (r.getCell(1).value === "Figures final on") finalOn = r; });
    expect(finalOn!.getCell(2).value).toBeInstanceOf(Date);
    const reviewCsv = await csv(await get(`/campaigns/${campaignId}/review/export?format=csv`, "manager", "en"));
    expect(reviewCsv.find((r) => r[1] === "Revenue")?.[2]).toMatch(/^\d+\.\d{2}$/);
  });

  it("store boundaries, roles and a bad format", async () => {
    for (const path of [`/segments/${segmentId}/export`, `/campaigns/${campaignId}/audience/export`, `/campaigns/${campaignId}/review/export?format=csv`]) {
      expect((await get(path, "other")).status, path).toBe(404);
      expect((await get(path, null)).status, path).toBe(302);
    }
    expect((await get(`/campaigns/${campaignId}/audience/export`, "staff")).status).toBe(403);
    expect((await get(`/campaigns/${campaignId}/review/export`, "staff")).status).toBe(403);
    expect((await get(`/segments/${segmentId}/export?format=pdf`, "manager")).status).toBe(400);
  });
});
