import { describe, expect, it } from "vitest";
import { addDays, daysBetween, formatDate, formatDateTime, formatMoney, todayIn } from "./format";
import { fenToYuanText, yuanToFen } from "./money";

describe("yuanToFen", () => {
  it.each([
    ["0.1", 10], ["0.2", 20], ["0.30", 30], ["12.34", 1234], ["1,234.5", 123450], ["0", 0], [" 7 ", 700], ["100000000", 10000000000],
  ])("%s yuan → %d fen", (input, fen) => expect(yuanToFen(input)).toBe(fen));
  it.each(["-1", "1.234", "abc", "", "1e3", "NaN", "Infinity", "0x10", "1.", ".5"])("refuses %j", (input) => {
    expect(yuanToFen(input)).toBeNull();
  });
  it("adds 0.1 + 0.2 yuan to exactly 30 fen", () => {
    expect(yuanToFen("0.1")! + yuanToFen("0.2")!).toBe(30);
  });
  it("round-trips through text", () => {
    for (const fen of [0, 1, 10, 99, 100, 123456, 987654321]) expect(yuanToFen(fenToYuanText(fen))).toBe(fen);
  });
});

describe("formatting", () => {
  it("formats CNY in both locales", () => {
    expect(formatMoney(123450, "en")).toBe("CN¥1,234.50");
    expect(formatMoney(123450, "zh-CN")).toBe("¥1,234.50");
  });
  it("keeps calendar dates on their day whatever the zone", () => {
    expect(formatDate("2026-02-28", "en")).toBe("02/28/2026");
    expect(formatDate("2026-02-28", "zh-CN")).toBe("2026/02/28");
  });
  it("shows timestamps in the store's time zone", () => {
    expect(formatDateTime("2026-11-22T16:30:00.000Z", "en", "Asia/Shanghai")).toContain("11/23/2026");
    // the first hour after midnight is 00, as browsers write it (Node wrote 24 with hour12: false)
    expect(formatDateTime("2026-11-22T16:30:00.000Z", "en", "Asia/Shanghai")).toBe("11/23/2026, 00:30");
    expect(formatDateTime("2026-11-22T16:30:00.000Z", "zh-CN", "Asia/Shanghai")).toBe("2026/11/23 00:30");
    expect(todayIn("Asia/Shanghai", new Date("2026-11-22T16:30:00Z"))).toBe("2026-11-23");
    expect(todayIn("UTC", new Date("2026-11-22T16:30:00Z"))).toBe("2026-11-22");
  });
  it("does date arithmetic across month and leap-year ends", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-11-22", -365)).toBe("2025-11-22");
    expect(daysBetween("2025-11-22", "2026-11-22")).toBe(365);
  });
});
