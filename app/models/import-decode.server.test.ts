/**
 * Dealer files as Excel and a Chinese DMS write them (issue 12): encodings, workbooks and the
 * messages of the reader, on in-memory files (no database: the reader writes nothing).
 */
import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { describe, expect, test } from "vitest";
import { detectFormat } from "./import-decode.server";
import { readImportFiles, type ImportSource } from "./import-csv.server";

const bytesOf = (b: Buffer) => () => Readable.from([b]);
const read = (files: Partial<Record<"customers" | "vehicles" | "visits", ImportSource>>, mapping?: Parameters<typeof readImportFiles>[1]["mapping"]) =>
  readImportFiles(files, { existingCodes: async () => new Set(["K1"]), existingVins: async () => new Set(["LFV00000000000001"]), mapping });

const CUSTOMERS_ZH = "客户编号,车主姓名,联系方式,性别,使用性质,兴趣爱好,勿扰\r\nK1,谢伟,13800138000,男,非营运,高尔夫、车展,是\r\nK2,张丽,+86 139 0013 9000,女,营运,,\r\n";

describe("encodings", () => {
  test("UTF-8 with and without BOM, GB18030, UTF-16 LE/BE with tabs, xlsx by its signature", async () => {
    expect(await detectFormat(bytesOf(Buffer.from(CUSTOMERS_ZH)))).toEqual({ format: "utf-8", delimiter: "," });
    expect(await detectFormat(bytesOf(Buffer.from(`\uFEFF${CUSTOMERS_ZH}`)))).toEqual({ format: "utf-8-bom", delimiter: "," });
    expect(await detectFormat(bytesOf(iconv.encode(CUSTOMERS_ZH, "gb18030")))).toEqual({ format: "gb18030", delimiter: "," });
    const tabbed = CUSTOMERS_ZH.replace(/,/g, "\t");
    expect(await detectFormat(bytesOf(iconv.encode(tabbed, "utf-16le", { addBOM: true })))).toEqual({ format: "utf-16le", delimiter: "\t" });
    expect(await detectFormat(bytesOf(iconv.encode(tabbed, "utf-16be", { addBOM: true })))).toEqual({ format: "utf-16be", delimiter: "\t" });
    expect(await detectFormat(bytesOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0])))).toEqual({ format: "xlsx" });
    // UTF-16 saved without its BOM: told by the zero bytes of its ASCII characters
    expect(await detectFormat(bytesOf(iconv.encode(tabbed, "utf-16le")))).toEqual({ format: "utf-16le", delimiter: "\t" });
    expect(await detectFormat(bytesOf(iconv.encode(CUSTOMERS_ZH, "utf-16be")))).toEqual({ format: "utf-16be", delimiter: "," });
  });

  test("GBK bytes that happen to be valid UTF-8 (谢伟 → лΰ) are read as GB18030, never stored as garbage", async () => {
    const gbk = iconv.encode("customer_code,name\nK1,谢伟\n", "gbk");
    expect(new TextDecoder("utf-8", { fatal: true }).decode(gbk)).toContain("лΰ");
    expect(await detectFormat(bytesOf(gbk))).toMatchObject({ format: "gb18030" });
    const { parsed, issues } = await read({ customers: { text: gbk, name: "c.csv" } });
    expect(issues.count).toBe(0);
    expect(parsed.customers![0]!.name).toBe("谢伟");
    // real Cyrillic in UTF-8 stays UTF-8 (its GB18030 reading is not Chinese text)
    expect(await detectFormat(bytesOf(Buffer.from("customer_code,name\nK1,Иван Петров\n")))).toMatchObject({ format: "utf-8" });
    // accented Latin letters stay UTF-8, even when their bytes are common GB2312 pairs (é = C3 A9)
    expect(await detectFormat(bytesOf(Buffer.from("customer_code,name\nK1,José\nK2,Zoë\n")))).toMatchObject({ format: "utf-8" });
  });

  test("a file that is neither is refused, naming the line of its first undecodable bytes", async () => {
    const bad = Buffer.concat([Buffer.from("customer_code,name\nK1,ok\nK2,"), Buffer.from([0xff, 0xff, 0x80]), Buffer.from("\n")]);
    expect(await detectFormat(bytesOf(bad))).toEqual({ format: null, line: 3 });
    const { issues, parsed } = await read({ customers: { text: bad, name: "c.csv" } });
    expect(issues.items).toEqual([{ file: "customers", fileName: "c.csv", line: 3, column: "", value: "", reason: "undecodable" }]);
    expect(parsed.customers).toEqual([]);
    // a UTF-8 BOM followed by bytes that are not UTF-8
    const lying = Buffer.concat([Buffer.from("\uFEFFcustomer_code,name\n"), iconv.encode("K1,谢伟\n", "gbk"), Buffer.from([0xc3, 0x28])]);
    expect(await detectFormat(bytesOf(lying))).toMatchObject({ format: null });
  });

  test("each encoding gives the same rows, with Chinese headers, values and optional columns", async () => {
    const expected = [
      { code: "K1", name: "谢伟", phone: "13800138000", gender: "M", usage: "private", dnc: 1, prefs: ["car_show", "golf"] },
      { code: "K2", name: "张丽", phone: "13900139000", gender: "F", usage: "commercial", dnc: 0, prefs: [] },
    ];
    const tabbed = CUSTOMERS_ZH.replace(/,/g, "\t");
    for (const [text, format] of [
      [Buffer.from(CUSTOMERS_ZH), "utf-8"], [Buffer.from(`\uFEFF${CUSTOMERS_ZH}`), "utf-8-bom"], [iconv.encode(CUSTOMERS_ZH, "gb18030"), "gb18030"],
      [iconv.encode(tabbed, "utf-16le", { addBOM: true }), "utf-16le"], [iconv.encode(tabbed, "utf-16be", { addBOM: true }), "utf-16be"],
      [iconv.encode(tabbed, "utf-16le"), "utf-16le"],
    ] as const) {
      const { parsed, issues } = await read({ customers: { text, name: "客户.csv" } });
      expect(issues.items, format).toEqual([]);
      expect(parsed.customers, format).toEqual(expected);
      expect(parsed.formats.customers).toBe(format);
    }
    // a required-field mark and full-width letters in a header are ignored
    const marked = await read({ customers: { text: "客户编号*,车主姓名＊,ＶＩＰ勿扰\nK8,赵六,\n".replace("ＶＩＰ勿扰", "勿 扰"), name: "c.csv" } });
    expect(marked.issues.items).toEqual([]);
    // only code and name are required
    const { parsed, issues } = await read({ customers: { text: "车主,客户编号\n王五,K9\n", name: "c.csv" } });
    expect(issues.count).toBe(0);
    expect(parsed.customers).toEqual([{ code: "K9", name: "王五", phone: null, gender: null, usage: null, dnc: 0, prefs: [] }]);
    expect(parsed.absent.customers).toEqual(["phone", "gender", "usage", "preferences", "do_not_contact"]);
  });
});

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("工单");
  for (const r of rows) ws.addRow(r);
  wb.addWorksheet("其他").addRow(["ignored"]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe("workbooks", () => {
  test("first sheet; date cells as dates, number cells as numbers; detected by signature whatever the name", async () => {
    const xlsx = await workbook([
      ["工单号", "车架号", "结算日期", "维修类型", "结算金额"],
      ["RO1", "LFV00000000000001", new Date(Date.UTC(2026, 2, 5)), "保养", 1234.5],
      ["RO2", "lfv00000000000001", "2026年3月6日", "首保", "¥1,000"],
      [],
      ["RO3", "LFV00000000000001", 46087, "机修", 88],
    ]);
    const { parsed, issues } = await read({ visits: { text: xlsx, name: "visits.csv" } });
    expect(issues.items).toEqual([]);
    expect(parsed.formats.visits).toBe("xlsx");
    expect(parsed.visits).toEqual([
      { ro: "RO1", vin: "LFV00000000000001", date: "2026-03-05", type: "maintenance", fen: 123450 },
      { ro: "RO2", vin: "LFV00000000000001", date: "2026-03-06", type: "first_maintenance", fen: 100000 },
      { ro: "RO3", vin: "LFV00000000000001", date: "2026-03-06", type: "repair", fen: 8800 },
    ]);
  });

  test("refusals name the sheet's row and the column as headed", async () => {
    const xlsx = await workbook([
      ["客户编号", "客户名称", "手机号码"],
      ["K1", "王五", 1.38001e10],
      ["K2", "", "13800138000"],
    ]);
    const { issues } = await read({ customers: { text: xlsx, name: "客户.xlsx" } });
    // a number cell keeps all its digits (13800100000); only a CSV export writes 1.38001E+10
    expect(issues.items).toEqual([
      { file: "customers", fileName: "客户.xlsx", line: 3, column: "客户名称", value: "", reason: "required" },
    ]);
    const sci = await read({ customers: { text: "客户编号,客户名称,手机号码\nK1,王五,1.38001E+10\n", name: "c.csv" } });
    expect(sci.issues.items).toEqual([{ file: "customers", fileName: "c.csv", line: 2, column: "手机号码", value: "1.38001E+10", reason: "scientificNumber" }]);
  });

  test("a damaged workbook is refused as such", async () => {
    const { issues } = await read({ visits: { text: Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]), name: "v.xlsx" } });
    expect(issues.items[0]).toMatchObject({ file: "visits", fileName: "v.xlsx", line: 1, reason: "badWorkbook" });
  });
});

describe("columns and rows", () => {
  test("an unquoted 1,234.50 is named as the likely cause of a wrong field count", async () => {
    const { issues } = await read({ visits: { text: "工单号,车架号,结算日期,维修类型,结算金额\nRO1,LFV00000000000001,2026/3/5,保养,1,234.50\n", name: "v.csv" } });
    expect(issues.items).toEqual([{ file: "visits", fileName: "v.csv", line: 2, column: "", value: "1,234.50", reason: "unquotedThousands" }]);
  });

  test("--map chooses a column (another alias of the field is then not read) or ignores one; a mapped header must exist", async () => {
    const text = "工单号,车架号,进厂日期,出厂日期,维修类型,结算金额,备注\nRO1,LFV00000000000001,2026-03-01,2026-03-05,保养,10,x\n";
    const refused = await read({ visits: { text, name: "v.csv" } });
    expect(refused.issues.items.map((i) => [i.column, i.reason])).toEqual([["出厂日期", "unknownColumn"], ["备注", "unknownColumn"]]);
    const { parsed, issues } = await read({ visits: { text, name: "v.csv" } }, [
      { file: "visits", field: "visit_date", header: "出厂日期" }, { file: "visits", field: "ignore", header: "备注" },
    ]);
    expect(issues.items).toEqual([]);
    expect(parsed.visits![0]!.date).toBe("2026-03-05");
    const missing = await read({ visits: { text, name: "v.csv" } }, [{ file: "visits", field: "visit_date", header: "完工日期" }]);
    expect(missing.issues.items[0]).toMatchObject({ line: 1, column: "完工日期", reason: "mappedColumnMissing" });
  });
});
