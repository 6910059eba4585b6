import { describe, expect, it } from "vitest";
import { fixedT } from "~/utils/i18n-resources.server";
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
    finalOn: "2027-01-13", provisional: true,
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
    byGroup: [{ key: "2", name: null, invited: 5, reached: 4, yes: 2, arrived: 1, converted: 1, revenueFen: 100 }, { key: "unknown", name: null, invited: 1, reached: 0, yes: 0, arrived: 0, converted: 0, revenueFen: 0 }],
    byTier: [{ key: "unknown", name: null, invited: 1, reached: 0, yes: 0, arrived: 0, converted: 0, revenueFen: 0 }],
    byRound: [
      { key: "1", cards: 30, reached: 20, yes: 10, maybe: 5, no: 5, arrived: 9, converted: 2, revenueFen: 440050 },
      { key: "none", cards: null, reached: 0, yes: 0, maybe: 0, no: 0, arrived: 2, converted: 2, revenueFen: 175000 },
    ],
    byChannel: [{ channel: "phone", attempts: 20, reached: 20, yes: 10 }],
    lossReasons: [{ reason: "price", count: 3 }, { reason: "unrecorded", count: 1 }],
    touchpoints: [{ touchpoint: "reception", score: 4, indicators: ["smiles", "asks_needs"], notes: null }],
  };
  it("holds the figures in yuan, is formula-safe, and reads back", () => {
    const text = reviewCsv(figures, '春季保养节, "A"', fixedT("en"));
    expect(text.startsWith("\uFEFF")).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toEqual(["Campaign", '春季保养节, "A"']);
    expect(rows.find((r) => r[1] === "Revenue")?.[2]).toBe("6150.50");
    expect(rows.find((r) => r[1] === "Incremental revenue")?.[2]).toBe("2250.50");
    const staff = rows.find((r) => r[0] === "By staff member" && r[1] !== "Staff")!;
    expect(staff[1]).toBe("'=cmd|' /C calc'!A0");
    expect(rows.find((r) => r[0] === "Why people said no" && r[1] === "Price")).toEqual(["Why people said no", "Price", "3"]);
  });

  it("puts a header row over every table, the budget's included", () => {
    const rows = parseCsv(reviewCsv(figures, "x", fixedT("en")).slice(1));
    const budget = rows.filter((r) => r[0] === "Budget against actual cost");
    expect(budget[0]).toEqual(["Budget against actual cost", "Category / payer", "Budget (yuan)", "Actual (yuan)", "Lines missing"]);
    expect(budget.at(-1)).toEqual(["Budget against actual cost", "Total", "10.60", "6200.00", "0"]);
    for (const title of ["By customer group", "By pyramid tier", "By invitation round", "By channel", "Why people said no", "Touchpoint scores", "By staff member"]) {
      const first = rows.find((r) => r[0] === title)!;
      expect(first, title).toBeDefined();
      expect(first.slice(2).every((c) => !/^\d/.test(c)), `${title} starts with a header row`).toBe(true);
    }
    const round = rows.filter((r) => r[0] === "By invitation round");
    expect(round.map((r) => r[1])).toEqual(["Round", "Round 1", "Outside the rounds (walk-ins, hold-out, never reached)"]);
  });

  it("has no English word and no raw key in the Chinese export", () => {
    const rows = parseCsv(reviewCsv(figures, "春季保养节", fixedT("zh-CN")).slice(1));
    const cells = rows.flat().filter((c) => c !== "" && c !== "'=cmd|' /C calc'!A0");
    // Latin letters only in dates, the attribution formula and the names ROI and UTC
    const latin = cells.filter((c) => /[A-Za-z]/.test(c) && !/^\d{4}-\d{2}-\d{2}( < d <= \d{4}-\d{2}-\d{2})?$/.test(c) && !/^\d{4}-\d{2}-\d{2}T/.test(c));
    expect(latin).toEqual(["计算时间（UTC）", "ROI", "增量 ROI"]);
    for (const word of ["met", "missed", "unknown", "none", "unrecorded", "provisional", "final"]) expect(cells).not.toContain(word);
    expect(cells).toContain("未达成");
    expect(cells).toContain("未分群");
    expect(cells).toContain("第 1 轮");
    expect(rows.find((r) => r[0] === "最终数据日期")).toEqual(["最终数据日期", "2027-01-13", "暂定"]);
  });
});
