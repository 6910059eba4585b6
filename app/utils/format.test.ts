import { describe, expect, it } from "vitest";
import { formatDateTime, localNow } from "./format";

describe("date and time formatting", () => {
  it("writes the hour after midnight as 00, as the browser does (else the page does not hydrate)", () => {
    // 16:27 UTC is 00:27 the next day in Shanghai
    expect(formatDateTime("2026-12-02T16:27:00Z", "en", "Asia/Shanghai")).toBe("12/03/2026, 00:27");
    expect(formatDateTime("2026-12-02T16:27:00Z", "zh-CN", "Asia/Shanghai")).toBe("2026/12/03 00:27");
    expect(formatDateTime("2026-12-02T15:27:00Z", "en", "Asia/Shanghai")).toBe("12/02/2026, 23:27");
  });

  it("gives the local date-time of a time zone as a call-back is typed", () => {
    expect(localNow("Asia/Shanghai", new Date("2026-12-02T16:27:40Z"))).toBe("2026-12-03T00:27");
    expect(localNow("UTC", new Date("2026-12-02T16:27:40Z"))).toBe("2026-12-02T16:27");
  });
});
