/**
 * Deterministic, fast generation of an import file set (customers.csv, vehicles.csv,
 * visits.csv) of any size, for the import benchmark and the kill test. The rows are also
 * returned as plain tuples so a benchmark can insert the very same rows another way.
 */
import fs from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { PREFERENCES, VISIT_TYPES } from "~/models/domain";
import { createRng } from "~/models/random";
import { todayIn } from "~/utils/format";

export interface ImportSetSize {
  customers: number; vehicles: number; visits: number; seed?: number;
  /** the last day with visits (default: today in Asia/Shanghai); everything is relative to it */
  today?: string;
}

export interface GeneratedImportSet {
  files: { customers: string; vehicles: string; visits: string };
  /** [code, name, phone, gender, usage, dnc, prefs[]] */
  customers: [string, string, string, "M" | "F", string, 0 | 1, string[]][];
  /** [vin, customerIndex, plate, model, purchase, warranty, insurance, km] */
  vehicles: [string, number, string, string, string, string, string, number][];
  /** [ro, vehicleIndex, date, type, fen] */
  visits: [string, number, string, string, number][];
}

const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞";
const MODELS = ["A3L", "A4L", "A6L", "Q2L", "Q3", "Q5L", "Q7", "e-tron"];
const USAGES = ["private", "private", "private", "official", "commercial"];

const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** Writes the three files into `dir` and returns their paths and rows. */
export function generateImportSet(dir: string, size: ImportSetSize): GeneratedImportSet {
  fs.mkdirSync(dir, { recursive: true });
  const rng = createRng(size.seed ?? 20261122);
  // day offsets 0…3000, where 3000 is "today": purchases over ~8 years, visits up to today
  const today = size.today ?? todayIn("Asia/Shanghai");
  const day0 = Date.parse(`${today}T00:00:00Z`) - 3000 * 86_400_000;
  const isoDay = (offset: number) => new Date(day0 + offset * 86_400_000).toISOString().slice(0, 10);
  const out: GeneratedImportSet = {
    files: { customers: path.join(dir, "customers.csv"), vehicles: path.join(dir, "vehicles.csv"), visits: path.join(dir, "visits.csv") },
    customers: [], vehicles: [], visits: [],
  };

  const lines: string[] = ["customer_code,name,phone,gender,usage,preferences,do_not_contact"];
  for (let i = 0; i < size.customers; i++) {
    const name = SURNAMES[i % SURNAMES.length]! + GIVEN[(i * 7) % GIVEN.length]! + (i % 3 ? GIVEN[(i * 13) % GIVEN.length]! : "");
    const phone = `1${3 + (i % 7)}${pad(i * 37 % 1_000_000_000, 9)}`;
    const prefs = rng.chance(0.3) ? [PREFERENCES[i % PREFERENCES.length]!, ...(i % 4 === 0 ? [PREFERENCES[(i + 5) % PREFERENCES.length]!] : [])].sort() : [];
    const row: GeneratedImportSet["customers"][number] = [`C${pad(i + 1, 7)}`, name, phone, i % 3 ? "M" : "F", USAGES[i % USAGES.length]!, rng.chance(0.03) ? 1 : 0, prefs];
    out.customers.push(row);
    lines.push(`${row[0]},${row[1]},${row[2]},${row[3]},${row[4]},${prefs.join(";")},${row[5]}`);
  }
  fs.writeFileSync(out.files.customers, lines.join("\n") + "\n");

  lines.length = 0;
  lines.push("vin,customer_code,plate,model,purchase_date,warranty_end,insurance_expiry,mileage_km");
  const purchaseOf: number[] = [];
  for (let j = 0; j < size.vehicles; j++) {
    const owner = j < size.customers ? j : ((j - size.customers) * 5) % size.customers;
    const purchase = rng.int(0, 2900);
    purchaseOf.push(purchase);
    const row: GeneratedImportSet["vehicles"][number] = [
      `LFV${pad(j, 14)}`, owner, `豫A${pad(j % 100000, 5)}`, MODELS[j % MODELS.length]!,
      isoDay(purchase), isoDay(purchase + 3 * 365), isoDay(3000 + rng.int(-20, 345)), rng.int(800, 180000),
    ];
    out.vehicles.push(row);
    lines.push(`${row[0]},${out.customers[owner]![0]},${row[2]},${row[3]},${row[4]},${row[5]},${row[6]},${row[7]}`);
  }
  fs.writeFileSync(out.files.vehicles, lines.join("\n") + "\n");

  lines.length = 0;
  const fd = fs.openSync(out.files.visits, "w");
  fs.writeSync(fd, "ro_number,vin,visit_date,type,amount\n");
  for (let k = 0; k < size.visits; k++) {
    const v = k % size.vehicles;
    const date = isoDay(Math.max(purchaseOf[v]!, 3000 - rng.int(0, 1095)));
    const fen = rng.int(0, 2_000_000);
    const row: GeneratedImportSet["visits"][number] = [`RO${pad(k + 1, 8)}`, v, date, VISIT_TYPES[k % VISIT_TYPES.length]!, fen];
    out.visits.push(row);
    lines.push(`${row[0]},${out.vehicles[v]![0]},${date},${row[3]},${Math.floor(fen / 100)}.${pad(fen % 100, 2)}`);
    if (lines.length === 50_000) { fs.writeSync(fd, lines.join("\n") + "\n"); lines.length = 0; }
  }
  if (lines.length) fs.writeSync(fd, lines.join("\n") + "\n");
  fs.closeSync(fd);
  return out;
}

/** A dealer's workbook whose first tab is a cover sheet ("说明"), then the customers ("客户": K1 谢伟, K2 张丽). */
export function coverSheetWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("说明").addRow(["导出时间", "2026-12-01"]);
  const ws = wb.addWorksheet("客户");
  ws.addRow(["客户编号", "车主姓名", "联系方式"]);
  ws.addRow(["K1", "谢伟", "13800138000"]);
  ws.addRow(["K2", "张丽", "13900139000"]);
  return wb;
}
