import { describe, expect, it } from "vitest";
import { isOptOutText } from "./sms-inbound.server";

describe("inbound SMS", () => {
  it("reads T, TD and 退订 as an opt-out in any case or width, nothing else", () => {
    for (const t of ["T", "t", " TD ", "td", "退订", "Ｔ", "ＴＤ", "T。", "退订!"]) expect(isOptOutText(t)).toBe(true);
    for (const t of ["", "TT", "好的", "T 我不来", "不要退订", "test"]) expect(isOptOutText(t)).toBe(false);
  });
});
