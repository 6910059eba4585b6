/**
 * The review as rows (browser-safe, pure) for its CSV and .xlsx downloads, written by the
 * shared writers (~/utils/csv, export-xlsx.server). Money cells are fen (yuan in the files).
 */
import type { TFunction } from "i18next";
import { csvDocument, day, money as moneyCell, type Cell } from "~/utils/csv";
import type { BreakdownRow, ReviewFigures } from "./review-math";
import { liftUncertainty } from "./review-report";

export { csvCell, csvLine, parseCsv } from "~/utils/csv";

const yuan = (fen: number | null) => moneyCell(fen);
const ratio = (r: number | null) => (r === null ? null : Math.round(r * 10000) / 10000);

/** A row of the by-round table as frozen before decision 016 (members' current results). */
type LegacyRoundRow = { key: string; invited?: number; cards?: number | null; reached: number; yes: number; maybe?: number; no?: number; arrived: number; converted: number; revenueFen: number };

/**
 * Section, measure, value rows, then the breakdown tables, each table under its own header
 * row; every label and word in the reader's language (no English key leaks into a Chinese file).
 */
export function reviewRows(fig: ReviewFigures, campaignName: string, t: TFunction): Cell[][] {
  const L: Cell[][] = [];
  const T = (k: string, o?: Record<string, unknown>) => t(k as never, o as never) as unknown as string;
  const status = (s: string | null) => (s === "met" ? T("execution:review.met") : s === "missed" ? T("execution:review.missed") : null);
  L.push([T("execution:csv.campaign"), campaignName]);
  L.push([T("execution:csv.computedAt"), fig.computedAt]);
  if (fig.attribution) L.push([T("execution:csv.attribution"), `${fig.attribution.after} < d <= ${fig.attribution.through}`, fig.attribution.days]);
  if (fig.finalOn) L.push([T("execution:csv.finalOn"), day(fig.finalOn), fig.provisional ? T("execution:csv.provisional") : T("execution:csv.final")]);
  L.push([]);
  L.push([T("execution:csv.section"), T("execution:review.stage"), T("execution:review.count"), T("execution:review.rate"), T("execution:review.target"), T("execution:review.status")]);
  for (const s of fig.funnel) L.push([T("execution:review.funnelTitle"), T(`execution:review.stages.${s.key}`), s.count, ratio(s.rate), s.targetRate ?? s.target, status(s.status)]);
  L.push([]);
  const m = fig.money;
  L.push([T("execution:csv.section"), T("execution:review.measure"), T("execution:csv.valueYuan")]);
  const money: [string, number | null][] = [
    ["execution:review.revenue", m.revenueFen], ["execution:review.ordersLabel", m.ordersFen], ["execution:review.visitsLabel", m.visitsFen],
    ["execution:review.actualCost", m.actualCostFen], ["execution:review.planned", m.plannedFen],
    ["execution:review.advanceDeposits", m.advanceDepositsFen], ["execution:review.dayDeposits", m.dayDepositsFen], ["execution:review.deposits", m.depositsFen],
    ["execution:review.costPerReached", m.costPerReachedFen], ["execution:review.costPerArrival", m.costPerArrivalFen], ["execution:review.costPerConversion", m.costPerConversionFen],
  ];
  for (const [k, v] of money) L.push([T("execution:review.moneyTitle"), T(k), yuan(v)]);
  L.push([T("execution:review.moneyTitle"), T("execution:review.roi"), ratio(m.roi)]);
  L.push([]);
  const budget = T("execution:review.budgetTitle");
  L.push([budget, T("execution:review.category"), T("execution:csv.plannedYuan"), T("execution:csv.actualYuan"), T("execution:review.missing")]);
  for (const l of m.byCategory) L.push([budget, T(`campaigns:categories.${l.key}`), yuan(l.plannedFen), yuan(l.actualFen), l.missing]);
  for (const l of m.byPayer) L.push([budget, T("execution:review.payer", { payer: T(`campaigns:payers.${l.key}`) }), yuan(l.plannedFen), yuan(l.actualFen), l.missing]);
  L.push([budget, T("execution:review.total"), yuan(m.plannedFen), yuan(m.actualCostFen), m.missingActuals]);
  L.push([]);
  if (fig.lift) {
    L.push([T("execution:review.liftTitle"), T("execution:review.group"), T("execution:review.size"), T("execution:review.visitors"), T("execution:review.visitRate"), T("execution:csv.revenueYuan")]);
    for (const g of ["invited", "holdout"] as const) {
      const x = fig.lift[g];
      L.push([T("execution:review.liftTitle"), T(`execution:review.groups.${g}`), x.size, x.visitors, ratio(x.visitRate), yuan(x.revenueFen)]);
    }
    L.push([T("execution:review.liftTitle"), T("execution:review.incrementalRevenue"), yuan(fig.lift.incrementalRevenueFen)]);
    L.push([T("execution:review.liftTitle"), T("execution:review.incrementalRoi"), ratio(fig.lift.incrementalRoi)]);
    // issue 15: the differences with their 95 % intervals (the same figures as the page and `cli review`)
    const u = liftUncertainty(fig.lift);
    const ci = (c: [number, number] | null, f: (v: number) => Cell) => (c ? [f(c[0]), f(c[1])] : [null, null]);
    const dist = (x: boolean | null) => (x === null ? null : x ? T("reviewLift:csv.notDistinguishable") : T("reviewLift:csv.distinguishable"));
    L.push([T("execution:review.liftTitle"), T("reviewLift:csv.measure"), T("reviewLift:csv.value"), T("reviewLift:csv.low"), T("reviewLift:csv.high"), T("reviewLift:csv.verdict")]);
    const vr = u.visitRateDiff;
    L.push([T("execution:review.liftTitle"), T("reviewLift:csv.visitRateDiff"), ratio(vr.value), ...ci(vr.ci95, (v) => ratio(v)), dist(vr.coversZero)]);
    const rv = u.revenuePerCustomerDiffFen;
    const yuanF = (v: number) => yuan(Math.round(v));
    L.push([T("execution:review.liftTitle"), T("reviewLift:csv.revenueDiff"), rv.value === null ? null : yuanF(rv.value), ...ci(rv.ci95, yuanF), dist(rv.coversZero)]);
    L.push([]);
  }
  const breakdown = (title: string, keyHeader: string, rows: BreakdownRow[], label: (r: BreakdownRow) => string) => {
    if (!rows.length) return;
    L.push([title, keyHeader, T("execution:review.invitedCount"), T("execution:review.reached"), T("execution:review.yes"), T("execution:review.arrived"), T("execution:review.conversions"), T("execution:csv.revenueYuan")]);
    for (const r of rows) L.push([title, label(r), r.invited, r.reached, r.yes, r.arrived, r.converted, yuan(r.revenueFen)]);
    L.push([]);
  };
  const unknown = T("execution:review.unknown");
  breakdown(T("execution:review.byStaff"), T("execution:review.staff"), fig.byStaff, (r) => r.name ?? r.key);
  breakdown(T("execution:review.byGroup"), T("execution:review.key"), fig.byGroup, (r) => (r.key === "unknown" ? unknown : T("common:groupLabel", { n: r.key })));
  breakdown(T("execution:review.byTier"), T("execution:review.tier"), fig.byTier, (r) => (r.key === "unknown" ? unknown : T(`common:tiers.${r.key}`)));
  const rounds = fig.byRound as LegacyRoundRow[];
  if (rounds.length) {
    const title = T("execution:review.byRound");
    L.push([title, T("execution:review.round"), T("execution:review.cards"), T("execution:review.reached"), T("execution:review.yes"), T("execution:review.maybe"), T("execution:review.no"), T("execution:review.arrived"), T("execution:review.conversions"), T("execution:csv.revenueYuan")]);
    for (const r of rounds) {
      L.push([title, r.key === "none" ? T("execution:review.roundNone") : T("execution:review.roundN", { n: r.key }), r.cards ?? r.invited ?? null, r.reached, r.yes, r.maybe ?? null, r.no ?? null, r.arrived, r.converted, yuan(r.revenueFen)]);
    }
    L.push([]);
  }
  if (fig.byChannel.length) {
    const title = T("execution:review.byChannel");
    L.push([title, T("execution:review.channel"), T("execution:review.attempts"), T("execution:review.reached"), T("execution:review.yes")]);
    for (const c of fig.byChannel) L.push([title, T(`invitations:channels.${c.channel}`), c.attempts, c.reached, c.yes]);
    L.push([]);
  }
  if (fig.lossReasons.length) {
    const title = T("execution:review.lossReasons");
    L.push([title, T("execution:review.reason"), T("execution:review.count")]);
    for (const l of fig.lossReasons) L.push([title, l.reason === "unrecorded" ? T("execution:review.unrecorded") : T(`invitations:lossReasons.${l.reason}`), l.count]);
    L.push([]);
  }
  if (fig.touchpoints.length) {
    const title = T("execution:review.touchpointsTitle");
    L.push([title, T("execution:review.touchpoint"), T("execution:scores.score"), T("execution:scores.indicators"), T("execution:scores.notes")]);
    for (const s of fig.touchpoints) {
      L.push([title, T(`execution:scores.touchpoints.${s.touchpoint}`), s.score, s.indicators.map((i) => T(`execution:scores.indicator.${i}`)).join(T("execution:csv.listSeparator")), s.notes]);
    }
  }
  return L;
}

/** The review as a CSV download (BOM, CRLF). */
export function reviewCsv(fig: ReviewFigures, campaignName: string, t: TFunction): string {
  return csvDocument(reviewRows(fig, campaignName, t));
}
