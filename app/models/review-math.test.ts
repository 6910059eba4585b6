import { describe, expect, it } from "vitest";
import { yuanToFen } from "~/utils/money";
import {
  attributionWindow, AttributionDaysInvalid, costPer, eventLastDay, inAttributionWindow, kpiStatus, lift, MIN_TRUSTED_HOLDOUT, roi,
} from "./review-math";
import { ReviewQuery } from "./execution.schema";

describe("ROI", () => {
  it("is (revenue − cost) / cost", () => {
    expect(roi(300_00, 100_00)).toBe(2);
    expect(roi(50_00, 100_00)).toBe(-0.5);
    expect(roi(100_00, 100_00)).toBe(0);
  });
  it("is null (not infinite) when nothing was spent", () => {
    expect(roi(100_00, 0)).toBeNull();
    expect(roi(0, 0)).toBeNull();
  });
  it("works in integer fen without float drift", () => {
    // ¥0.10 + ¥0.20 in fen is exactly 30; ROI on fen is exact where yuan floats are not
    const revenue = yuanToFen("0.1")! + yuanToFen("0.2")!;
    expect(revenue).toBe(30);
    expect(roi(revenue, yuanToFen("0.15")!)).toBe(1);
    expect(yuanToFen("1,234.56")).toBe(123456);
    expect(yuanToFen("-5")).toBeNull();
    expect(yuanToFen("abc")).toBeNull();
  });
  it("costs per unit are whole fen and null without units", () => {
    expect(costPer(1000_00, 3)).toBe(33333);
    expect(costPer(1000_00, 0)).toBeNull();
  });
});

describe("attribution window (after the event's last day, N days)", () => {
  const last = "2026-12-13";
  it("leaves day 0 (the event day) out: it is counted as event orders", () => {
    expect(inAttributionWindow("2026-12-13", last, 30)).toBe(false);
  });
  it("counts day 1 and day 30, not day 31", () => {
    expect(inAttributionWindow("2026-12-14", last, 30)).toBe(true);
    expect(inAttributionWindow("2027-01-12", last, 30)).toBe(true); // day 30
    expect(inAttributionWindow("2027-01-13", last, 30)).toBe(false); // day 31
  });
  it("crosses month and leap-year ends", () => {
    expect(attributionWindow("2028-02-28", 1).through).toBe("2028-02-29");
    expect(attributionWindow("2026-12-31", 1).through).toBe("2027-01-01");
  });
  it("refuses 0 and more than 365 days", () => {
    expect(() => attributionWindow(last, 0)).toThrow(AttributionDaysInvalid);
    expect(() => attributionWindow(last, 366)).toThrow(AttributionDaysInvalid);
    expect(attributionWindow(last, 365).through).toBe("2027-12-13");
    expect(ReviewQuery.safeParse({ days: "0" }).success).toBe(false);
    expect(ReviewQuery.safeParse({ days: "366" }).success).toBe(false);
    expect(ReviewQuery.safeParse({ days: "abc" }).success).toBe(false);
    expect(ReviewQuery.parse({ days: "60" }).days).toBe(60);
    expect(ReviewQuery.parse({}).days).toBeNull();
  });
  it("takes the event end's date, or the start's when there is no end", () => {
    expect(eventLastDay("2026-12-12T09:00", "2026-12-13T17:00")).toBe("2026-12-13");
    expect(eventLastDay("2026-12-12T09:00", null)).toBe("2026-12-12");
    expect(eventLastDay(null, null)).toBeNull();
  });
});

describe("lift over the hold-out", () => {
  it("compares visit rate and revenue per customer, and scales the difference to the invited group", () => {
    const l = lift({ size: 100, visitors: 30, revenueFen: 50_000_00 }, { size: 40, visitors: 8, revenueFen: 8_000_00 }, 10_000_00);
    expect(l.invited.visitRate).toBe(0.3);
    expect(l.holdout.visitRate).toBe(0.2);
    expect(l.visitRateDiff).toBeCloseTo(0.1, 10);
    expect(l.invited.revenuePerCustomerFen).toBe(500_00);
    expect(l.holdout.revenuePerCustomerFen).toBe(200_00);
    expect(l.incrementalRevenueFen).toBe(30_000_00);
    expect(l.incrementalRoi).toBe(2);
    expect(l.tooSmall).toBe(false);
  });
  it("flags a hold-out under 30 customers as too small to trust", () => {
    expect(lift({ size: 100, visitors: 1, revenueFen: 1 }, { size: MIN_TRUSTED_HOLDOUT - 1, visitors: 1, revenueFen: 1 }, 1).tooSmall).toBe(true);
    expect(lift({ size: 100, visitors: 1, revenueFen: 1 }, { size: MIN_TRUSTED_HOLDOUT, visitors: 1, revenueFen: 1 }, 1).tooSmall).toBe(false);
  });
  it("gives nulls, not NaN, with an empty hold-out or an empty invited group", () => {
    const noHoldout = lift({ size: 10, visitors: 2, revenueFen: 100 }, { size: 0, visitors: 0, revenueFen: 0 }, 50);
    expect(noHoldout.holdout.visitRate).toBeNull();
    expect(noHoldout.holdout.revenuePerCustomerFen).toBeNull();
    expect(noHoldout.incrementalRevenueFen).toBeNull();
    expect(noHoldout.incrementalRoi).toBeNull();
    expect(noHoldout.visitRateDiff).toBeNull();
    expect(noHoldout.tooSmall).toBe(true);
    const noInvited = lift({ size: 0, visitors: 0, revenueFen: 0 }, { size: 50, visitors: 5, revenueFen: 100 }, 50);
    expect(noInvited.invited.visitRate).toBeNull();
    expect(noInvited.incrementalRevenueFen).toBeNull();
    const both = lift({ size: 0, visitors: 0, revenueFen: 0 }, { size: 0, visitors: 0, revenueFen: 0 }, 0);
    expect(JSON.stringify(both)).not.toContain("NaN");
  });
  it("has a null incremental ROI when nothing was spent", () => {
    expect(lift({ size: 10, visitors: 2, revenueFen: 100 }, { size: 10, visitors: 1, revenueFen: 50 }, 0).incrementalRoi).toBeNull();
  });
});

describe("KPI status", () => {
  it("is met at or above the target, missed below, null without a target", () => {
    expect(kpiStatus(10, 10)).toBe("met");
    expect(kpiStatus(9, 10)).toBe("missed");
    expect(kpiStatus(9, null)).toBeNull();
    expect(kpiStatus(null, 10)).toBeNull();
  });
});
