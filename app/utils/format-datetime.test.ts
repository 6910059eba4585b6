import { describe, expect, it } from "vitest";
import { formatDateTime, formatLocalDateTime, formatMonth, weekdayNames } from "./format";

describe("date-times on a 00–23 clock", () => {
  it("writes the hour after midnight as 00, in both languages (Node wrote 24:05 in English; browsers 00:05)", () => {
    const justAfterMidnight = "2026-12-02T16:05:00.000Z"; // 00:05 on 12-03 in Beijing
    expect(formatDateTime(justAfterMidnight, "en", "Asia/Shanghai")).toBe("12/03/2026, 00:05");
    expect(formatDateTime(justAfterMidnight, "zh-CN", "Asia/Shanghai")).toBe("2026/12/03 00:05");
    expect(formatDateTime("2026-12-02T15:59:00.000Z", "en", "Asia/Shanghai")).toBe("12/02/2026, 23:59");
  });
});

describe("store-local date-times (call-backs, event times) and calendar words", () => {
  it("writes a local YYYY-MM-DDTHH:mm with the locale's date and the time as stored, no zone shift", () => {
    expect(formatLocalDateTime("2026-12-12T09:00", "zh-CN")).toBe("2026/12/12 09:00");
    expect(formatLocalDateTime("2026-12-12T00:30", "en")).toBe("12/12/2026 00:30");
    expect(formatLocalDateTime("2026-12-12", "en")).toBe("12/12/2026");
    expect(formatLocalDateTime(null, "en")).toBe("—");
    expect(formatMonth("2026-12", "en")).toBe("December 2026");
    expect(weekdayNames("en")[0]).toBe("Mon");
  });
});
