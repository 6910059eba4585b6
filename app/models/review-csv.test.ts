import { describe, expect, it } from "vitest";
import { fixedT } from "~/utils/meta";
import { csvCell, csvLine, parseCsv, reviewCsv } from "./review-csv";
import { lift, type ReviewFigures } from "./review-math";

describe("CSV cells", () => {
  it("escapes cells a spreadsheet would run as formulas", () => {
    for (const bad of ["=1+1", "+86 138", "-2+3", "@SUM(A1)", "\tx", "\rx"]) expect(csvCell(bad).replace(/^"/, "").startsWith("'")).toBe(true);
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvCell(-12.5)).toBe("-12.5"); // numbers stay numbers
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(null)).toBe("");
  });
  it("round-trips names with quotes, commas and line breaks", () => {
    const names = ['王"小"明', "Li, Na", "line1\nline2", "crlf\r\nend", "普通客户"];
    expect(parseCsv(csvLine(names) + "\r\n")).toEqual([names]);
  });
});

describe("review CSV", () => {
  const figures: ReviewFigures = {
    campaignId: 1, computedAt: "2026-12-20T00:00:00.000Z", attribution: { after: "2026-12-13", through: "2027-01-12", days: 30 },
    funnel: [{ key: "audience", count: 30, rate: 1, target: null, targetRate: null, status: null }, { key: "arrived", count: 11, rate: 11 / 30, target: 60, targetRate: null, status: "missed" }],
    holdoutSize: 10,
    money: {
      plannedFen: 1060, actualCostFen: 620000, missingActuals: 0, byCategory: [{ key: "gifts", plannedFen: 1000, actualFen: 500000, missing: 0 }], byPayer: [],
      ordersFen: 505050, ordersCount: 5, ordersByLine: [], ordersByKind: [], visitsFen: 110000, visitsCount: 3, revenueFen: 615050,
      advanceDepositsFen: 100000, dayDepositsFen: 20000, depositsFen: 120000, roi: -4950 / 620000,
      costPerReachedFen: 29524, costPerArrivalFen: 56364, costPerConversionFen: 155000,
      kpi: { revenue: { target: null, status: null }, deposits: { target: null, status: null }, roi: { target: null, status: null } },
    },
    lift: lift({ size: 30, visitors: 10, revenueFen: 480050 }, { size: 10, visitors: 2, revenueFen: 85000 }, 620000),
    byStaff: [{ key: "7", name: "=cmd|' /C calc'!A0", invited: 10, reached: 7, yes: 3, arrived: 3, converted: 1, revenueFen: 100, assigned: 10 }],
    byGroup: [], byTier: [], byRound: [], byChannel: [], lossReasons: [{ reason: "price", count: 3 }], touchpoints: [],
  };
  it("holds the figures in yuan, is formula-safe, and reads back", () => {
    const text = reviewCsv(figures, '春季保养节, "A"', fixedT("en"));
    expect(text.startsWith("\uFEFF")).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toEqual(["Campaign", '春季保养节, "A"']);
    expect(rows.find((r) => r[1] === "Revenue")?.[2]).toBe("6150.50");
    expect(rows.find((r) => r[1] === "Incremental revenue")?.[2]).toBe("2250.50");
    const staff = rows.find((r) => r[0] === "By staff member" && r[1] !== "Group")!;
    expect(staff[1]).toBe("'=cmd|' /C calc'!A0");
    expect(rows.find((r) => r[0] === "Why people said no")).toEqual(["Why people said no", "Price", "3"]);
  });
});
