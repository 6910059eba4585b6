import { buffer } from "node:stream/consumers";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { day, money } from "~/utils/csv";
import type { ExportTable } from "./export-table";
import { DATE_FORMAT, MONEY_FORMAT, safeSheetName, xlsxStream } from "./export-xlsx.server";

async function readBack(table: ExportTable) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await buffer(xlsxStream(table)) as unknown as ArrayBuffer);
  return wb;
}

describe("the .xlsx writer", () => {
  it("writes a header row, date cells as dates, money as numbers in yuan, phones and formulas as text", async () => {
    async function* rows() {
      yield ["C001", "王小明", "13800001234", day("2026-03-05"), money(123450), 3];
      yield ["=1+1", "谢伟", "+8613800001234", null, money(-5), 0];
    }
    const wb = await readBack({
      sheetName: "目标客户", fileStem: "x",
      columns: [{ header: "客户编号", text: true }, { header: "姓名" }, { header: "手机号码", text: true }, { header: "最近到店" }, { header: "消费金额（元）" }, { header: "到店次数" }],
      rows: rows(),
    });
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe("目标客户");
    expect(ws.getRow(1).values).toEqual([undefined, "客户编号", "姓名", "手机号码", "最近到店", "消费金额（元）", "到店次数"]);
    const date = ws.getCell("D2");
    expect(date.value).toBeInstanceOf(Date);
    expect((date.value as Date).toISOString()).toBe("2026-03-05T00:00:00.000Z");
    expect(date.numFmt).toBe(DATE_FORMAT);
    expect(ws.getCell("E2").value).toBe(1234.5);
    expect(ws.getCell("E2").numFmt).toBe(MONEY_FORMAT);
    expect(ws.getCell("E3").value).toBe(-0.05);
    expect(ws.getCell("C2").value).toBe("13800001234");
    expect(ws.getCell("C2").numFmt).toBe("@");
    expect(ws.getCell("A3").value).toBe("=1+1"); // a string, not a formula
    expect(ws.getCell("A3").type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell("F2").value).toBe(3);
    expect(ws.rowCount).toBe(3);
  });

  it("writes a table without a header row (the review's sections) and keeps sheet names legal", async () => {
    const wb = await readBack({ sheetName: "Review [draft]: a/b?", fileStem: "x", rows: [["活动", "春季保养节"], []] });
    expect(wb.worksheets[0]!.name).toBe("Review  draft   a b");
    expect(wb.worksheets[0]!.getCell("B1").value).toBe("春季保养节");
    expect(safeSheetName("x".repeat(40))).toHaveLength(31);
    expect(safeSheetName("''")).toBe("Sheet1");
  });

  it("heeds backpressure: rows are read only as fast as the download is, and no more once it is closed", async () => {
    let pulled = 0;
    let finished = false;
    async function* rows() {
      try {
        for (let i = 0; i < 200_000; i++) {
          pulled++;
          yield [`C${i}`, "王小明", "13800001234", day("2026-03-05"), money(i)];
        }
      } finally {
        finished = true;
      }
    }
    const stream = xlsxStream({ sheetName: "s", fileStem: "x", columns: [{ header: "a" }], rows: rows() });
    // nobody reads the download: the writer stops pulling rows once the buffers on the way are full
    let stalled = -1;
    for (let waited = 0; waited < 10_000 && pulled !== stalled; waited += 400) {
      stalled = pulled;
      await new Promise((r) => setTimeout(r, 400));
    }
    expect(pulled).toBe(stalled);
    expect(pulled).toBeLessThan(200_000);
    stream.destroy();
    for (let waited = 0; waited < 5_000 && !finished; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(finished).toBe(true);
    expect(pulled).toBe(stalled);
  });
});
