import { beforeAll, describe, expect, test } from "vitest";
import { isChosenSheet, readImportFiles, type ImportSource } from "./import-csv.server";
import { coverSheetWorkbook } from "../../tests/helpers/import-factories";

const read = (files: Partial<Record<"customers" | "vehicles" | "visits", ImportSource>>, sheet?: string) =>
  readImportFiles(files, { existingCodes: async () => new Set(["K1"]), existingVins: async () => new Set(), sheet });

/** A workbook whose first tab is a cover sheet, then the customers, then notes. */
async function workbook(): Promise<Buffer> {
  const wb = coverSheetWorkbook();
  wb.addWorksheet("备注").addRow(["x"]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

let xlsx: Buffer;
beforeAll(async () => {
  xlsx = await workbook();
});

describe("--sheet: the worksheet of a multi-sheet workbook", () => {
  test("by name or by position; the first sheet by default", async () => {
    for (const sheet of ["客户", "2", " 2 "]) {
      const { parsed, issues } = await read({ customers: { text: xlsx, name: "c.xlsx" } }, sheet);
      expect(issues.items, sheet).toEqual([]);
      expect(parsed.customers!.map((c) => [c.code, c.name])).toEqual([["K1", "谢伟"], ["K2", "张丽"]]);
    }
    const first = await read({ customers: { text: xlsx, name: "c.xlsx" } });
    expect(first.issues.items[0]).toMatchObject({ line: 1, reason: "unknownColumn" }); // the cover sheet's header
  });

  test("a sheet the workbook does not have is refused with the sheets it has", async () => {
    const { issues } = await read({ customers: { text: xlsx, name: "c.xlsx" } }, "车辆");
    expect(issues.items).toEqual([{ file: "customers", fileName: "c.xlsx", line: 1, column: "", value: '"车辆" ("说明", "客户", "备注")', reason: "sheetNotFound" }]);
    const beyond = await read({ customers: { text: xlsx, name: "c.xlsx" } }, "4");
    expect(beyond.issues.items[0]).toMatchObject({ reason: "sheetNotFound" });
  });

  test("a text file ignores --sheet", async () => {
    const { issues } = await read({ customers: { text: "客户编号,车主姓名\nK1,谢伟\n", name: "c.csv" } }, "客户");
    expect(issues.items).toEqual([]);
  });

  test("names win over positions", () => {
    expect(isChosenSheet(undefined, { name: "a", position: 1 })).toBe(true);
    expect(isChosenSheet(undefined, { name: "a", position: 2 })).toBe(false);
    expect(isChosenSheet("2", { name: "2", position: 3 })).toBe(true);
    expect(isChosenSheet("2", { name: "x", position: 2 })).toBe(true);
    expect(isChosenSheet("0", { name: "x", position: 1 })).toBe(false);
  });
});

