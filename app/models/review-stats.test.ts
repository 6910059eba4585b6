import { describe, expect, it } from "vitest";
import {
  coversZero, detectableLift, newcombeDiffInterval, PLAUSIBLE_LIFT, summarise, tCdf, tQuantile, welchDiffInterval, wilsonInterval,
} from "./review-stats";

/**
 * Newcombe RG. Interval estimation for the difference between independent proportions:
 * comparison of eleven methods. Statistics in Medicine 1998;17:873–890, Table II, method 10
 * ("score, no continuity correction", the hybrid score interval), its eight examples (a)–(h),
 * bounds as published to four decimals.
 */
const NEWCOMBE_TABLE_II: [string, number, number, number, number, number, number][] = [
  ["(a) 56/70 − 48/80", 56, 70, 48, 80, 0.0524, 0.3339],
  ["(b) 9/10 − 3/10", 9, 10, 3, 10, 0.1705, 0.8090],
  ["(c) 6/7 − 2/7", 6, 7, 2, 7, 0.0582, 0.8062],
  ["(d) 5/56 − 0/29", 5, 56, 0, 29, -0.0381, 0.1926],
  ["(e) 0/10 − 0/20", 0, 10, 0, 20, -0.1611, 0.2775],
  ["(f) 0/10 − 0/10", 0, 10, 0, 10, -0.2775, 0.2775],
  ["(g) 10/10 − 0/20", 10, 10, 0, 20, 0.6791, 1.0],
  ["(h) 10/10 − 0/10", 10, 10, 0, 10, 0.6075, 1.0],
];

describe("Newcombe's hybrid score interval (method 10)", () => {
  it.each(NEWCOMBE_TABLE_II)("%s gives the published bounds", (_label, x1, n1, x2, n2, low, high) => {
    const ci = newcombeDiffInterval(x1, n1, x2, n2)!;
    expect(ci[0]).toBeCloseTo(low, 4);
    expect(ci[1]).toBeCloseTo(high, 4);
  });
  it("is built on Wilson's interval (Newcombe 1998b, 81/263: 0.2553 to 0.3662)", () => {
    // Newcombe RG, Two-sided confidence intervals for the single proportion, Stat Med 1998;17:857–872, Table I method 3
    const [l, u] = wilsonInterval(81, 263);
    expect(l).toBeCloseTo(0.2553, 4);
    expect(u).toBeCloseTo(0.3662, 4);
  });
  it("is null with an empty group and flips sign when the groups swap", () => {
    expect(newcombeDiffInterval(1, 10, 0, 0)).toBeNull();
    const [l, u] = newcombeDiffInterval(56, 70, 48, 80)!;
    const [l2, u2] = newcombeDiffInterval(48, 80, 56, 70)!;
    expect(l2).toBeCloseTo(-u, 12);
    expect(u2).toBeCloseTo(-l, 12);
  });
  it("says whether an interval covers 0", () => {
    expect(coversZero([-0.0381, 0.1926])).toBe(true);
    expect(coversZero([0.0524, 0.3339])).toBe(false);
    expect(coversZero([-0.3, -0.01])).toBe(false);
    expect(coversZero(null)).toBeNull();
  });
});

describe("the t quantile", () => {
  // reference values: R qt(0.975, df) (also scipy.stats.t.ppf), and the closed forms for df 1 and 2
  it.each([
    [1, 12.706204736174694], [2, 4.302652729749462], [3, 3.1824463052837078], [5, 2.5705818356363146],
    [10, 2.228138851986274], [30, 2.0422724563012378], [100, 1.9839715185235518], [1000, 1.9623390808264083],
  ])("qt(0.975, %d)", (df, q) => {
    expect(tQuantile(0.975, df)).toBeCloseTo(q, 9);
  });
  it("matches the closed forms for 1 and 2 degrees of freedom at other probabilities", () => {
    for (const p of [0.6, 0.9, 0.99, 0.999]) {
      expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
      expect(tQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 8);
    }
  });
  it("inverts the CDF, is symmetric and tends to the normal quantile", () => {
    expect(tCdf(tQuantile(0.975, 17.776), 17.776)).toBeCloseTo(0.975, 12);
    expect(tQuantile(0.025, 7.5)).toBeCloseTo(-tQuantile(0.975, 7.5), 12);
    expect(tQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
    expect(() => tQuantile(1, 5)).toThrow(RangeError);
    expect(() => tQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe("Welch's interval for a difference of means", () => {
  it("reproduces R's t.test(extra ~ group, data = sleep) (Student 1908, Cushny & Peebles)", () => {
    // R: t = -1.8608, df = 17.776, 95 percent confidence interval: -3.3654832  0.2054832
    // (independently: scipy.stats.ttest_ind(..., equal_var=False).confidence_interval())
    const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const w = welchDiffInterval(summarise(g1), summarise(g2))!;
    expect(w.diff).toBeCloseTo(-1.58, 12);
    expect(w.df).toBeCloseTo(17.776473516178488, 9);
    expect(w.diff / w.se).toBeCloseTo(-1.8608134674868526, 9);
    expect(w.ci95[0]).toBeCloseTo(-3.3654832307117104, 7);
    expect(w.ci95[1]).toBeCloseTo(0.20548323071171137, 7);
    expect(coversZero(w.ci95)).toBe(true);
  });
  it("is null with fewer than two in a group, and a point when nobody varies", () => {
    expect(welchDiffInterval(summarise([1]), summarise([1, 2]))).toBeNull();
    expect(welchDiffInterval(summarise([5, 5, 5]), summarise([2, 2]))!.ci95).toEqual([3, 3]);
  });
});

describe("the smallest detectable visit-rate lift (80 % power, 5 % two-sided)", () => {
  it("follows (z.975 + z.8)·√(p(1−p)(1/n1 + 1/n2))", () => {
    // 1000 customers, 10 % held out (900 vs 100), baseline 20 %: 2.8016·√(0.16·(1/900 + 1/100)) = 2.8016·0.04216 = 0.1181
    const d = detectableLift(1000, 10, 0.2);
    expect(d.invited).toBe(900);
    expect(d.holdout).toBe(100);
    expect(d.mde!).toBeCloseTo(0.1181, 4);
    expect(d.warn).toBe(true);
  });
  it("shrinks with a larger hold-out and warns only above the plausible lift", () => {
    const d = detectableLift(3000, 50, 0.2);
    expect(d.mde!).toBeCloseTo(2.801585218 * Math.sqrt(0.16 * (2 / 1500)), 6);
    expect(d.mde!).toBeLessThan(PLAUSIBLE_LIFT);
    expect(d.warn).toBe(false);
  });
  it("cannot detect anything without a hold-out", () => {
    expect(detectableLift(1000, 0, 0.2)).toMatchObject({ holdout: 0, mde: null, warn: true });
  });
});
