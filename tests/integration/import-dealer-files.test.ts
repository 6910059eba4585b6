/**
 * Issue 12's "done when": a generated data set exported as a dealer has it — customers in
 * GB18030 with a DMS's Chinese headers and values, vehicles in UTF-8 with BOM and CRLF with
 * `2026/3/5` dates and `12,345` km, visits as an .xlsx with date cells — imported through the
 * real `cli import`, and every customer's 8-group and ABCD tier (from the real `cli segments`)
 * equal to a computation in this file from the domain brief's rules, on the generated rows.
 * Then: re-importing the customers with empty 勿扰 cells keeps every do-not-contact customer,
 * and the same data in other formats (customers .xlsx, vehicles UTF-16 tab text, visits GBK)
 * gives the very same segments: no file is refused for its format.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { generateImportSet, type GeneratedImportSet } from "../helpers/import-factories";

// Each test runs the CLI several times (a tsx start each): on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 180_000 });

const ROOT = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-import-dealer-"));
const dbFile = path.join(dir, "app.db");
const AS_OF = "2026-06-30";

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "app/cli.ts", ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: `file:${dbFile}`, NODE_ENV: "production", LANG: "C.UTF-8", LC_ALL: "" }, timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ── the dealer's spellings (written here, not taken from the app) ───────────────────────
const USAGE_ZH: Record<string, string> = { private: "私家车", official: "公务车", commercial: "营运车" };
const PREF_ZH: Record<string, string> = {
  car_show: "车展", fashion_jewellery: "时装珠宝", wine_cigar: "洋酒雪茄", home_audio: "家用音响", art: "艺术",
  finance_networking: "理财及商界联谊", charity_auction: "慈善拍卖", beauty_makeup: "美容彩妆", golf: "高尔夫",
  fitness_nutrition: "健身营养", children_education: "儿童教育", test_drive: "试驾会",
};
const TYPE_ZH: Record<string, string> = {
  first_maintenance: "首保", maintenance: "保养", care: "养护", repair: "机修", warranty: "质保", inspection: "检测", rescue: "救援",
  extended_warranty: "延保", insurance_renewal: "续保", accident: "事故", self_paid_accident: "自费事故", beauty: "美容", decoration: "装潢",
};
/** The brief's business lines (domain.md). */
const LINE: Record<string, "M" | "R" | "I" | "B"> = {
  first_maintenance: "M", maintenance: "M", care: "M", repair: "R", warranty: "R", inspection: "R", rescue: "R", extended_warranty: "R",
  insurance_renewal: "I", accident: "I", self_paid_accident: "I", beauty: "B", decoration: "B",
};
const slashDate = (iso: string) => `${Number(iso.slice(0, 4))}/${Number(iso.slice(5, 7))}/${Number(iso.slice(8, 10))}`;
const yuan = (fen: number) => fen / 100;

function customersCsv(set: GeneratedImportSet, { emptyDnc = false } = {}): string {
  const lines = ["客户编号,车主姓名,联系方式,性别,使用性质,活动偏好,勿扰"];
  set.customers.forEach(([code, name, phone, gender, usage, dnc, prefs], i) => {
    const tel = i % 3 === 0 ? `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` : phone;
    const prefText = prefs.map((p) => PREF_ZH[p]).join("、");
    lines.push([code, name, tel, gender === "M" ? "男" : "女", USAGE_ZH[usage], prefText ? `"${prefText}"` : "", emptyDnc ? "" : dnc ? "是" : "否"].join(","));
  });
  return `${lines.join("\r\n")}\r\n`;
}

function vehiclesCsv(set: GeneratedImportSet, delimiter = ","): string {
  const q = (v: string) => (delimiter === "," && v.includes(",") ? `"${v}"` : v);
  const lines = [["车架号", "客户编号", "车牌号码", "车型名称", "购车日期", "保修到期日", "保险到期日", "行驶里程"].join(delimiter)];
  for (const [vin, owner, plate, model, purchase, warranty, insurance, km] of set.vehicles) {
    lines.push([vin, set.customers[owner]![0], plate, model, slashDate(purchase), slashDate(warranty), slashDate(insurance), q(km.toLocaleString("en-US"))].join(delimiter));
  }
  return `${lines.join("\r\n")}\r\n`;
}

async function visitsXlsx(set: GeneratedImportSet, file: string) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: true });
  const ws = wb.addWorksheet("维修记录");
  ws.columns = [{ key: "ro" }, { key: "vin" }, { key: "date", style: { numFmt: "yyyy-mm-dd" } }, { key: "type" }, { key: "amount" }];
  ws.addRow(["工单号", "VIN码", "结算日期", "维修类型", "结算金额"]).commit();
  for (const [ro, v, date, type, fen] of set.visits) {
    ws.addRow([ro, set.vehicles[v]![0], new Date(`${date}T00:00:00Z`), TYPE_ZH[type], yuan(fen)]).commit();
  }
  ws.commit();
  await wb.commit();
}

async function customersXlsx(set: GeneratedImportSet, file: string) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("客户");
  ws.addRow(["客户代码", "客户名称", "手机号码", "性别", "车辆性质", "兴趣爱好", "拒绝营销"]);
  for (const [code, name, phone, gender, usage, dnc, prefs] of set.customers) {
    ws.addRow([code, name, Number(phone), gender === "M" ? "男" : "女", usage === "private" ? "非营运" : USAGE_ZH[usage], prefs.map((p) => PREF_ZH[p]).join("，"), dnc]);
  }
  await wb.xlsx.writeFile(file);
}

function visitsGbk(set: GeneratedImportSet): Buffer {
  const lines = ["委托书号,车架号,进厂日期,业务类型,工单金额"];
  for (const [ro, v, date, type, fen] of set.visits) {
    lines.push([ro, set.vehicles[v]![0], `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`, TYPE_ZH[type], `"¥${(fen / 100).toLocaleString("en-US", { minimumFractionDigits: 2 })}"`].join(","));
  }
  return iconv.encode(`${lines.join("\r\n")}\r\n`, "gb18030");
}

// ── the independent computation (domain.md: 8-group matrix and pyramid, default settings) ──
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

function expectedSegments(set: GeneratedImportSet, asOf: string): Map<string, { group: number; tier: string }> {
  const now = dayNumber(asOf);
  const inWindow = (date: string, days: number) => { const d = dayNumber(date); return d > now - days && d <= now; };
  const stats = set.customers.map(() => ({ m: 0, r: 0, i: 0, revenue: 0 }));
  for (const [, v, date, type, fen] of set.visits) {
    const s = stats[set.vehicles[v]![1]]!;
    if (LINE[type] === "M" && inWindow(date, 365)) s.m++;
    if (LINE[type] === "R" && inWindow(date, 730)) s.r++;
    if (LINE[type] === "I" && inWindow(date, 365)) s.i++;
    if (inWindow(date, 365)) s.revenue += fen;
  }
  const n = set.customers.length;
  const order = set.customers.map((c, k) => ({ code: c[0], revenue: stats[k]!.revenue }))
    .sort((a, b) => b.revenue - a.revenue || (a.code < b.code ? -1 : 1));
  const tier = new Map<string, string>();
  order.forEach(({ code, revenue }, k) => {
    const rank = k + 1;
    tier.set(code, revenue <= 0 ? "D" : rank <= Math.ceil(0.01 * n) ? "A" : rank <= Math.ceil(0.05 * n) ? "B" : rank <= Math.ceil(0.2 * n) ? "C" : "D");
  });
  return new Map(set.customers.map((c, k) => {
    const s = stats[k]!;
    return [c[0], { group: 1 + (s.m >= 2 ? 1 : 0) + 2 * (s.r >= 1 ? 1 : 0) + 4 * (s.i >= 1 ? 1 : 0), tier: tier.get(c[0])! }];
  }));
}

function segments(store: string) {
  const r = cli("segments", "--store", store, "--as-of", AS_OF);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const [header, ...lines] = r.stdout.trimEnd().split("\n");
  const cols = header!.split(",");
  return new Map(lines.map((l) => {
    const v = l.split(",");
    const at = (name: string) => v[cols.indexOf(name)]!;
    return [at("customer_code"), { group: Number(at("group")), tier: at("tier"), dnc: Number(at("do_not_contact")) }];
  }));
}

let set: GeneratedImportSet;
const files = {
  customers: path.join(dir, "客户资料.csv"), vehicles: path.join(dir, "车辆档案.csv"), visits: path.join(dir, "维修记录.xlsx"),
  customersAgain: path.join(dir, "客户资料-勿扰为空.csv"),
  customersXlsx: path.join(dir, "客户.xlsx"), vehiclesUtf16: path.join(dir, "车辆.txt"), visitsGbk: path.join(dir, "工单.csv"),
};

beforeAll(async () => {
  const db = createDb(`file:${dbFile}`);
  await migrateToLatest(db);
  await db.destroy();
  set = generateImportSet(path.join(dir, "generated"), { customers: 400, vehicles: 460, visits: 3000, seed: 1212, today: AS_OF });
  fs.writeFileSync(files.customers, iconv.encode(customersCsv(set), "gb18030"));
  fs.writeFileSync(files.vehicles, `\uFEFF${vehiclesCsv(set)}`);
  await visitsXlsx(set, files.visits);
  fs.writeFileSync(files.customersAgain, iconv.encode(customersCsv(set, { emptyDnc: true }), "gb18030"));
  await customersXlsx(set, files.customersXlsx);
  fs.writeFileSync(files.vehiclesUtf16, iconv.encode(vehiclesCsv(set, "\t"), "utf-16le", { addBOM: true }));
  fs.writeFileSync(files.visitsGbk, visitsGbk(set));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("dealer files through cli import", () => {
  it("GB18030 customers, UTF-8 BOM CRLF vehicles and xlsx visits import; every 8-group and ABCD tier equals the independent computation", () => {
    // the files really are what they claim to be
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(fs.readFileSync(files.customers))).toThrow();
    expect(fs.readFileSync(files.visits).subarray(0, 2).toString()).toBe("PK");
    expect(fs.readFileSync(files.vehicles, "utf8")).toMatch(/^\uFEFF.*\r\n.*\d{4}\/\d{1,2}\/\d{1,2}.*"\d{1,3},\d{3}"/s);

    const r = cli("import", "--store", "DEALER", "--customers", files.customers, "--vehicles", files.vehicles, "--visits", files.visits);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      "store DEALER created",
      `客户资料.csv: ${set.customers.length} inserted, 0 updated, 0 unchanged`,
      `车辆档案.csv: ${set.vehicles.length} inserted, 0 updated, 0 unchanged`,
      `维修记录.xlsx: ${set.visits.length} inserted, 0 updated, 0 unchanged`,
      "客户资料.csv: read as GB18030 (GBK)",
      "车辆档案.csv: read as UTF-8 with BOM",
      "维修记录.xlsx: read as Excel workbook (.xlsx)",
    ]);

    const expected = expectedSegments(set, AS_OF);
    const got = segments("DEALER");
    expect(got.size).toBe(set.customers.length);
    const mismatches = [...expected].filter(([code, e]) => got.get(code)?.group !== e.group || got.get(code)?.tier !== e.tier);
    expect(mismatches).toEqual([]);
    // the data set exercises the rules: several groups and every tier
    expect(new Set([...expected.values()].map((e) => e.group)).size).toBeGreaterThanOrEqual(6);
    expect(new Set([...expected.values()].map((e) => e.tier))).toEqual(new Set(["A", "B", "C", "D"]));
    // do-not-contact as in the file (是)
    const dnc = set.customers.filter((c) => c[5] === 1).map((c) => c[0]);
    expect(dnc.length).toBeGreaterThan(0);
    expect([...got].filter(([, g]) => g.dnc === 1).map(([code]) => code).sort()).toEqual(dnc.sort());
  });

  it("stores the Chinese names, phones, dates and km as written, decoded with the right encoding", async () => {
    const db = createDb(`file:${dbFile}`);
    try {
      const store = await db.selectFrom("stores").select("id").where("code", "=", "DEALER").executeTakeFirstOrThrow();
      const customers = await db.selectFrom("customers").select(["customer_code", "name", "phone", "gender", "usage"]).where("store_id", "=", store.id).orderBy("customer_code").execute();
      expect(customers.map((c) => [c.customer_code, c.name, c.phone, c.gender, c.usage])).toEqual(
        [...set.customers].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((c) => [c[0], c[1], c[2], c[3], c[4]]));
      const vehicles = await db.selectFrom("vehicles").select(["vin", "purchase_date", "warranty_end", "insurance_expiry", "mileage_km", "model"]).where("store_id", "=", store.id).orderBy("vin").execute();
      expect(vehicles.map((v) => [v.vin, v.model, v.purchase_date, v.warranty_end, v.insurance_expiry, v.mileage_km])).toEqual(
        [...set.vehicles].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((v) => [v[0], v[3], v[4], v[5], v[6], v[7]]));
      const visits = await db.selectFrom("service_visits").select(["ro_number", "visit_date", "type", "amount_fen"]).where("store_id", "=", store.id).orderBy("ro_number").execute();
      expect(visits.map((v) => [v.ro_number, v.visit_date, v.type, Number(v.amount_fen)])).toEqual(set.visits.map((v) => [v[0], v[2], v[3], v[4]]));
    } finally {
      await db.destroy();
    }
  });

  it("re-importing the customers with empty 勿扰 cells keeps every do-not-contact customer", () => {
    const before = segments("DEALER");
    const dnc = [...before].filter(([, g]) => g.dnc === 1).map(([code]) => code).sort();
    expect(dnc.length).toBeGreaterThan(0);
    const r = cli("import", "--store", "DEALER", "--customers", files.customersAgain);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([
      `客户资料-勿扰为空.csv: 0 inserted, 0 updated, ${set.customers.length} unchanged`,
      "客户资料-勿扰为空.csv: read as GB18030 (GBK)",
    ]);
    const after = segments("DEALER");
    expect([...after].filter(([, g]) => g.dnc === 1).map(([code]) => code).sort()).toEqual(dnc);
  });

  it("the same data as an .xlsx of customers, UTF-16 tab-separated vehicles and GBK visits: never refused for its format, the same segments", () => {
    const r = cli("import", "--store", "DEALER2", "--customers", files.customersXlsx, "--vehicles", files.vehiclesUtf16, "--visits", files.visitsGbk);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("客户.xlsx: read as Excel workbook (.xlsx)");
    expect(r.stdout).toContain("车辆.txt: read as UTF-16 LE (Unicode text)");
    expect(r.stdout).toContain("工单.csv: read as GB18030 (GBK)");
    expect(segments("DEALER2")).toEqual(segments("DEALER"));
  });

  it("a refusal names file, line and column in the user's language", () => {
    const bad = path.join(dir, "坏的.csv");
    fs.writeFileSync(bad, iconv.encode("客户编号,车主姓名,手机号码\r\nK1,王五,1.38001E+10\r\n", "gb18030"));
    const zh = cli("import", "--store", "DEALER3", "--customers", bad, "--lang", "zh-CN");
    expect(zh.code).toBe(1);
    expect(zh.stderr.trim().split("\n")).toEqual([
      "导入被拒绝：发现 1 处错误，未导入任何数据",
      "坏的.csv 第 2 行，列 手机号码，值 \"1.38001E+10\"：Excel 已将此数字变成 1.38001E+10：请将该列设置为文本格式后重新导出",
      "坏的.csv：按 GB18030（GBK） 读取",
    ]);
    const en = cli("import", "--store", "DEALER3", "--customers", bad);
    expect(en.stderr).toContain('坏的.csv line 2, column 手机号码, value "1.38001E+10": Excel turned this number into 1.38001E+10: format the column as text and export again');
  });
});
