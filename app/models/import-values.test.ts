import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  excelSerialToDate, numberCellText, parseAmount, parseFlag, parseGender, parseImportDate, parseMileage, parsePhone,
  parsePreferences, parseUsage, parseVisitType, toHalfWidth, unquotedThousands,
} from "./import-values";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

describe("dates", () => {
  test.each([
    ["2026-03-05", "2026-03-05"], ["2026-3-5", "2026-03-05"], ["2026/3/5", "2026-03-05"], ["2026.3.5", "2026-03-05"],
    ["2026年3月5日", "2026-03-05"], ["2026年03月05日", "2026-03-05"], ["20260305", "2026-03-05"],
    ["2026-3-5 0:00:00", "2026-03-05"], ["2026/3/5 14:30", "2026-03-05"], ["2026-03-05T08:00:00.000Z", "2026-03-05"],
    ["2026年3月5日 9:05:00", "2026-03-05"], ["２０２６－３－５", "2026-03-05"], [" 2024/2/29 ", "2024-02-29"],
    ["46086", "2026-03-05"], ["46086.5", "2026-03-05"], ["36526", "2000-01-01"],
  ])("%s → %s", (raw, iso) => expect(parseImportDate(raw)).toBe(iso));

  test.each(["2026-02-30", "2025-02-29", "2026-13-01", "2026-3-5 24:00", "2026-3-5 12:60", "20261305", "2026", "3/5/2026", "", "abc", "1899-12-31", "2200-01-01", "123"])(
    "%s is refused", (raw) => expect(parseImportDate(raw)).toBeNull());

  test("Excel serials: 61 is 1900-03-01, 60 (the 29 February 1900 that never was) is refused", () => {
    expect(excelSerialToDate(61)).toBe("1900-03-01");
    expect(excelSerialToDate(59)).toBe("1900-02-28");
    expect(excelSerialToDate(1)).toBe("1900-01-01");
    expect(excelSerialToDate(60)).toBeNull();
  });

  test("property: every real day in every spelling reads back as the same ISO date; its serial too", () => {
    fc.assert(fc.property(fc.date({ min: new Date("1950-01-01T00:00:00Z"), max: new Date("2150-12-31T00:00:00Z"), noInvalidDate: true }), (d) => {
      const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, day = d.getUTCDate();
      const iso = `${y}-${pad(m)}-${pad(day)}`;
      for (const s of [iso, `${y}-${m}-${day}`, `${y}/${m}/${day}`, `${y}.${m}.${day}`, `${y}年${m}月${day}日`, `${y}${pad(m)}${pad(day)}`, `${y}-${m}-${day} 0:00:00`]) {
        expect(parseImportDate(s)).toBe(iso);
      }
      const serial = Math.round((Date.UTC(y, m - 1, day) - Date.UTC(1899, 11, 30)) / 86_400_000);
      expect(parseImportDate(String(serial))).toBe(iso);
    }));
  });
});

describe("amounts → fen", () => {
  test.each([
    ["1234.50", 123450], ["1,234.50", 123450], ["¥1,234.5", 123450], ["￥88", 8800], ["RMB 120", 12000], ["120元", 12000],
    ["rmb1,000,000", 100000000], ["０.５", 50], [" 0 ", 0], ["12,345", 1234500],
  ])("%s → %i", (raw, fen) => expect(parseAmount(raw)).toBe(fen));
  test.each([["-5", "negativeAmount"], ["¥-5", "negativeAmount"], ["-¥5", "negativeAmount"], ["12.345", "badAmount"], ["abc", "badAmount"], ["1,23", "badAmount"], ["12,34,567", "badAmount"], ["", "badAmount"], ["1e5", "badAmount"]])(
    "%s → %s", (raw, reason) => expect(parseAmount(raw)).toBe(reason));

  test("property: any fen amount written with or without separators and marks reads back exactly", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), fc.boolean(), fc.constantFrom("", "¥", "￥", "RMB "), fc.constantFrom("", "元"), (fen, commas, pre, post) => {
      const yuan = Math.floor(fen / 100);
      const whole = commas ? yuan.toLocaleString("en-US") : String(yuan);
      expect(parseAmount(`${pre}${whole}.${pad(fen % 100)}${post}`)).toBe(fen);
    }));
  });

  test("number cells: the 15 digits Excel shows", () => {
    expect(numberCellText(0.1 + 0.2)).toBe("0.3");
    expect(numberCellText(1234.5)).toBe("1234.5");
    expect(numberCellText(13800138000)).toBe("13800138000");
    expect(numberCellText(46086)).toBe("46086");
    expect(parseAmount(numberCellText(19.99 * 3))).toBe(5997);
  });
});

describe("mileage", () => {
  test.each([["12,345", 12345], ["12345", 12345], ["12345 km", 12345], ["8,000公里", 8000], ["12345.00", 12345], ["０", 0]])(
    "%s → %i", (raw, km) => expect(parseMileage(raw)).toBe(km));
  test.each(["12.5", "12.5km", "-3", "1,23", "abc", "1e5"])("%s is refused", (raw) => expect(parseMileage(raw)).toBeNull());
  test("property: any whole km with thousands separators reads back", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999 }), (km) => {
      expect(parseMileage(km.toLocaleString("en-US"))).toBe(km);
      expect(parseMileage(String(km))).toBe(km);
    }));
  });
});

describe("phones", () => {
  test.each([
    ["13800138000", "13800138000"], ["+86 138 0013 8000", "13800138000"], ["+8613800138000", "13800138000"], ["0086-138-0013-8000", "13800138000"],
    ["１３８００１３８０００", "13800138000"], ["＋８６　１３８００１３８０００", "13800138000"], ["0371-65432100", "0371-65432100"],
  ])("%s → %s", (raw, phone) => expect(parsePhone(raw)).toBe(phone));
  test("Excel's scientific notation has its own reason", () => {
    expect(parsePhone("1.38001E+10")).toBe("scientificNumber");
    expect(parsePhone("1.38E+10")).toBe("scientificNumber");
    expect(parsePhone("12345")).toBe("badPhone");
  });
  test("property: a mobile number in full-width digits, with +86 and spaces, reads back as its 11 digits", () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 }), fc.boolean(), fc.boolean(), (second, rest, wide, prefix) => {
      const digits = `1${second}${pad(rest, 9)}`;
      let text = `${prefix ? "+86 " : ""}${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`;
      if (wide) text = text.replace(/[0-9+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xFEE0));
      expect(toHalfWidth(text).includes(digits.slice(0, 3))).toBe(true);
      expect(parsePhone(text)).toBe(digits);
    }));
  });
});

describe("enumerations", () => {
  test("gender, usage, flags, visit types", () => {
    expect([parseGender("男"), parseGender("女"), parseGender("M"), parseGender("x")]).toEqual(["M", "F", "M", undefined]);
    expect(["私家车", "公务车", "营运车", "非营运", "营运", "private", "出租"].map(parseUsage)).toEqual(["private", "official", "commercial", "private", "commercial", "private", undefined]);
    expect(["是", "否", "", "1", "0", "Y", "maybe"].map(parseFlag)).toEqual([1, 0, 0, 1, 0, 1, undefined]);
    expect(["首保", "保养", "机修", "续保", "事故", "自费事故", "美容", "装潢", "首次保养", "一般维修", "maintenance", "换油"].map(parseVisitType))
      .toEqual(["first_maintenance", "maintenance", "repair", "insurance_renewal", "accident", "self_paid_accident", "beauty", "decoration", "first_maintenance", "repair", "maintenance", undefined]);
    expect(parseGender("constructor")).toBeUndefined();
  });
  test("preference lists split on ; , 、 ，；", () => {
    expect(parsePreferences("高尔夫；车展,试驾、艺术，golf;理财")).toEqual({ prefs: ["art", "car_show", "finance_networking", "golf", "test_drive"], unknown: [] });
    expect(parsePreferences("高尔夫、卡拉OK")).toEqual({ prefs: ["golf"], unknown: ["卡拉OK"] });
    expect(parsePreferences("")).toEqual({ prefs: [], unknown: [] });
  });
});

test("an unquoted 1,234.50 splitting a row is recognised", () => {
  expect(unquotedThousands(["RO1", "LFV1", "2026-03-05", "保养", "1", "234.50"], 5)).toBe("1,234.50");
  expect(unquotedThousands(["RO1", "LFV1", "2026-03-05", "保养", "x", "y"], 5)).toBeNull();
  expect(unquotedThousands(["RO1", "LFV1", "2026-03-05", "保养", "1"], 5)).toBeNull();
});
