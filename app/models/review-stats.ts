/**
 * The review's uncertainty (issue 15), pure and browser-safe: 95 % intervals for the lift over
 * the hold-out and, at plan time, the smallest visit-rate lift a hold-out of a given size can
 * detect. No database, no dependencies.
 *
 * - Visit-rate difference: Newcombe's hybrid score interval (method 10 of Newcombe RG, "Interval
 *   estimation for the difference between independent proportions: comparison of eleven
 *   methods", Statistics in Medicine 1998;17:873–890), built from the two groups' Wilson score
 *   intervals (no continuity correction).
 * - Revenue per customer difference: Welch's interval — the two groups' own variances, the
 *   Welch–Satterthwaite degrees of freedom and the t distribution's 97.5 % quantile
 *   (computed here from the regularised incomplete beta function, see `tQuantile`).
 * - Detectable lift: the normal approximation for two proportions with unequal groups,
 *   80 % power, 5 % two-sided.
 */

/** Φ⁻¹(0.975): the two-sided 95 % normal quantile. */
export const Z_975 = 1.959963984540054;
/** Φ⁻¹(0.80): 80 % power. */
export const Z_80 = 0.8416212335729143;

export type Interval = [number, number];

/** Wilson's score interval for x successes out of n (n > 0). */
export function wilsonInterval(x: number, n: number, z = Z_975): Interval {
  if (!(n > 0) || x < 0 || x > n) throw new RangeError(`wilsonInterval: need 0 ≤ x ≤ n, n > 0 (x=${x}, n=${n})`);
  const p = x / n;
  const z2 = z * z;
  const centre = (2 * n * p + z2) / (2 * (n + z2));
  const half = (z * Math.sqrt(z2 + 4 * n * p * (1 - p))) / (2 * (n + z2));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval (method 10) for p1 − p2 = x1/n1 − x2/n2:
 * L = d − √((p1 − l1)² + (u2 − p2)²), U = d + √((u1 − p1)² + (p2 − l2)²),
 * with (l, u) each group's Wilson interval. Null when a group is empty.
 */
export function newcombeDiffInterval(x1: number, n1: number, x2: number, n2: number, z = Z_975): Interval | null {
  if (!(n1 > 0) || !(n2 > 0)) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilsonInterval(x1, n1, z);
  const [l2, u2] = wilsonInterval(x2, n2, z);
  const d = p1 - p2;
  const low = d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2);
  const high = d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2);
  return [Math.max(-1, low), Math.min(1, high)];
}

// ── the t distribution ──

/** ln Γ(x), x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with df > 0 degrees of freedom (df need not be whole). */
export function tCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`tCdf: df must be > 0, got ${df}`);
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The t distribution's p-quantile (0 < p < 1, df > 0): the root of tCdf(t) = p, bracketed
 * and found by bisection refined with Newton steps on the density, to about 1e-12.
 */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`tQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`tQuantile: df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e12) return Infinity;
  }
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  const density = (t: number) => Math.exp(logC - ((df + 1) / 2) * Math.log(1 + (t * t) / df));
  let t = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = tCdf(t, df) - p;
    if (f > 0) hi = t;
    else lo = t;
    const newton = t - f / density(t);
    const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-13 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}

// ── means: Welch ──

export interface SampleSummary {
  n: number;
  mean: number;
  /** the sample standard deviation (n − 1 in the denominator) */
  sd: number;
}

/** n, mean and sample standard deviation of some numbers (two passes; sd 0 for n < 2). */
export function summarise(values: readonly number[]): SampleSummary {
  const n = values.length;
  if (n === 0) return { n: 0, mean: 0, sd: 0 };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

export interface WelchResult {
  diff: number;
  se: number;
  /** Welch–Satterthwaite degrees of freedom */
  df: number;
  ci95: Interval;
}

/**
 * Welch's 95 % interval for mean1 − mean2 with unequal variances. Null when either group has
 * fewer than 2 members; when both groups have no spread (se 0) the interval is the point.
 */
export function welchDiffInterval(a: SampleSummary, b: SampleSummary): WelchResult | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = (a.sd * a.sd) / a.n;
  const vb = (b.sd * b.sd) / b.n;
  const diff = a.mean - b.mean;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { diff, se: 0, df: a.n + b.n - 2, ci95: [diff, diff] };
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const q = tQuantile(0.975, df);
  return { diff, se, df, ci95: [diff - q * se, diff + q * se] };
}

/** Whether an interval includes 0: "not distinguishable from no effect". */
export function coversZero(ci: Interval | null): boolean | null {
  return ci === null ? null : ci[0] <= 0 && ci[1] >= 0;
}

// ── plan time: the smallest detectable visit-rate lift ──

/**
 * The visit-rate lift above which we warn at plan time: 5 percentage points. Invitation
 * campaigns to a dealer's own customers move the share who come in within a month by a few
 * points; a design that can only see lifts above 5 points will almost always end "not
 * distinguishable from no effect", so the manager should enlarge the hold-out or the audience.
 */
export const PLAUSIBLE_LIFT = 0.05;
/** The baseline visit rate used when the store's history is too thin (fewer than 100 customers). */
export const DEFAULT_BASELINE_VISIT_RATE = 0.15;
export const MIN_BASELINE_CUSTOMERS = 100;

export interface DetectableLift {
  invited: number;
  holdout: number;
  baseline: number;
  /** the smallest visit-rate lift (absolute, 0.05 = 5 points) detectable; null when a group is empty */
  mde: number | null;
  /** the lift is larger than PLAUSIBLE_LIFT (or nothing is detectable) */
  warn: boolean;
}

/**
 * For an audience of `audience` customers and a hold-out share of `holdoutPercent` (the hold-out
 * is the share rounded to the nearest customer, as holdoutSize draws it at the snapshot), the smallest lift in visit rate the
 * comparison detects with 80 % power at 5 % two-sided:
 * (z₀.₉₇₅ + z₀.₈) · √(p(1 − p)(1/n_invited + 1/n_holdout)), p the baseline visit rate.
 */
export function detectableLift(audience: number, holdoutPercent: number, baseline: number): DetectableLift {
  const holdout = Math.round((audience * holdoutPercent) / 100);
  const invited = audience - holdout;
  const p = Math.min(Math.max(baseline, 0.001), 0.999);
  const mde = invited > 0 && holdout > 0 ? (Z_975 + Z_80) * Math.sqrt(p * (1 - p) * (1 / invited + 1 / holdout)) : null;
  return { invited, holdout, baseline: p, mde, warn: mde === null || mde > PLAUSIBLE_LIFT };
}
