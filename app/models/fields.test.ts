import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkbox, choice, date, dateTime, id, isChecked, money, numeric, optional, parseId, raw, requiredText, text, version, wholeNumber } from "./fields";

const issue = (schema: z.ZodType, v: unknown) => {
  const r = schema.safeParse(v);
  return r.success ? null : r.error.issues[0]!.message;
};

describe("fields", () => {
  it("reads a form value as trimmed text, missing and null as empty", () => {
    expect(raw.parse("  a ")).toBe("a");
    expect(raw.parse(undefined)).toBe("");
    expect(raw.parse(null)).toBe("");
    expect(raw.parse(12)).toBe("12");
    expect(text(3).parse("")).toBeNull();
    expect(issue(text(3), "abcd")).toBe("errors.tooLong");
    expect(issue(requiredText(3, { required: "x:req" }), " ")).toBe("x:req");
  });

  it("has one meaning for a checkbox, the last of repeated values counting", () => {
    for (const on of [true, "on", "true", "1", 1, ["0", "1"]]) expect(checkbox.parse(on)).toBe(true);
    for (const off of [undefined, false, "", "0", "off", 0, ["1", "0"]]) expect(checkbox.parse(off)).toBe(false);
    expect(isChecked("yes")).toBe(false);
  });

  it("parses ids as plain digits within PostgreSQL's integer", () => {
    expect(parseId("42")).toBe(42);
    expect(parseId(7)).toBe(7);
    for (const bad of ["0", "-1", "1e3", "0x10", "007", "2147483648", "1.0", " 1", "", null, undefined]) expect(parseId(bad)).toBeNull();
    expect(parseId("2147483647")).toBe(2_147_483_647);
    expect(id({ message: "m" }).safeParse("1e3").success).toBe(false);
    expect(issue(id(), "")).toBe("errors.required");
    expect(id(optional).parse("")).toBeNull();
  });

  it("reads money as yuan text into integer fen", () => {
    const m = money({ ...optional, message: "bad" });
    expect(m.parse("1,234.50")).toBe(123450);
    expect(m.parse("0.1")).toBe(10);
    expect(m.parse("")).toBeNull();
    for (const bad of ["-1", "1.234", "abc", "1e3"]) expect(issue(m, bad)).toBe("bad");
    const positive = money({ message: "bad", positive: "pos" });
    expect(issue(positive, "0")).toBe("pos");
    expect(issue(positive, "")).toBe("errors.required");
    expect(issue(money({ message: "big", max: 100 }), "1.01")).toBe("big");
  });

  it("reads whole numbers and versions from digits only", () => {
    const n = wholeNumber({ ...optional, min: -5, max: 5, message: "n" });
    expect(n.parse("-5")).toBe(-5);
    expect(n.parse("")).toBeNull();
    for (const bad of ["6", "1e0", "1.5", "0x1"]) expect(issue(n, bad)).toBe("n");
    expect(version().parse("0")).toBe(0);
    expect(issue(version("v"), "")).toBe("v");
    expect(issue(version("v"), "1e3")).toBe("v");
  });

  it("never coerces: numeric() takes plain decimals only", () => {
    const s = numeric(z.number().int());
    expect(s.parse("12")).toBe(12);
    expect(s.parse(" -3 ")).toBe(-3);
    for (const bad of ["1e3", "0x10", "", "Infinity", " "]) expect(s.safeParse(bad).success).toBe(false);
  });

  it("reads choices, dates and local date-times", () => {
    const c = choice(["a", "b"] as const, { message: "c" });
    expect(c.parse("a")).toBe("a");
    expect(issue(c, "z")).toBe("c");
    expect(choice(["a"] as const, optional).parse("")).toBeNull();
    expect(date(optional).parse("2026-02-28")).toBe("2026-02-28");
    expect(issue(date({ message: "d" }), "2026-02-30")).toBe("d");
    expect(dateTime().parse("2026-12-03 09:30:15")).toBe("2026-12-03T09:30");
    expect(issue(dateTime({ message: "t" }), "2026-12-03T24:00")).toBe("t");
  });
});
