import { describe, expect, it } from "vitest";
import { csvCell, csvDocument, csvLine, day, money, parseCsv } from "./csv";

describe("the shared CSV writer", () => {
  it("starts with a BOM and ends every line with CRLF", () => {
    const text = csvDocument([["a", "b"], ["c", 1]]);
    expect(text.startsWith("\uFEFF")).toBe(true);
    expect(text.slice(1)).toBe("a,b\r\nc,1\r\n");
    expect(text.slice(1).replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  });

  it("guards cells a spreadsheet would run as formulas (= + - @) and keeps numbers as numbers", () => {
    for (const bad of ["=1+1", "+86 138 0000 1234", "-2+3", "@SUM(A1)"]) expect(csvCell(bad)).toBe(`'${bad}`);
    expect(csvCell("=A1,B1")).toBe(`"'=A1,B1"`);
    expect(csvCell(-12.5)).toBe("-12.5");
    expect(csvCell(money(-495))).toBe("-4.95");
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes money in yuan with two decimals and days as YYYY-MM-DD", () => {
    expect(csvLine([money(123450), money(5), money(null), day("2026-03-05T09:30"), day(null)])).toBe("1234.50,0.05,,2026-03-05,");
  });

  it("round-trips Chinese text, quotes, commas and line breaks", () => {
    const rows = [["客户编号", "姓名", "备注"], ["C001", '王"小"明', "北京市，朝阳区, 3号\r\n二楼"], ["C002", "谢伟", "勿扰、拒绝营销"]];
    const text = csvDocument(rows);
    expect(parseCsv(text.slice(1))).toEqual(rows);
    expect(Buffer.from(text, "utf8").subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});
