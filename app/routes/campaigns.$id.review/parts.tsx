import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { BreakdownRow, KpiStatus, RoundRow } from "~/models/review-math";
import { useFormat } from "~/utils/use-format";

export function Status({ status }: { status: KpiStatus }) {
  const { t } = useTranslation(["execution"]);
  if (!status) return <span className="muted">—</span>;
  return <span className={status === "met" ? "kpi-met" : "kpi-missed"} data-status={status}>{status === "met" ? `✓ ${t("review.met")}` : `✗ ${t("review.missed")}`}</span>;
}

export function Section({ id, title, children, testId }: { id: string; title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="ex-section" aria-labelledby={id} data-testid={testId}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export type T = ReturnType<typeof useTranslation>["t"];
export const groupLabel = (t: T, k: string) => (k === "unknown" ? t("execution:review.unknown") : t("common:groupLabel", { n: k }));
export const lossLabel = (t: T, r: string) => (r === "unrecorded" ? t("execution:review.unrecorded") : t(`invitations:lossReasons.${r}` as "title"));

export function BreakdownTable({ rows, label, labelledBy, testId }: { rows: BreakdownRow[]; label: (key: string) => string; labelledBy: string; testId: string }) {
  const { t } = useTranslation(["execution"]);
  const f = useFormat();
  if (!rows.length) return <p className="muted">{t("review.none")}</p>;
  return (
    <div className="table-wrap" tabIndex={0}>
      <table aria-labelledby={labelledBy} data-testid={testId}>
        <thead><tr><th>{t("review.key")}</th><th className="num">{t("review.invitedCount")}</th><th className="num">{t("review.reached")}</th><th className="num">{t("review.yes")}</th><th className="num">{t("review.arrived")}</th><th className="num">{t("review.conversions")}</th><th className="num">{t("review.groupRevenue")}</th></tr></thead>
        <tbody>{rows.map((r) => (
          <tr key={r.key}><th scope="row">{label(r.key)}</th><td className="num">{r.invited}</td><td className="num">{r.reached}</td><td className="num">{r.yes}</td><td className="num">{r.arrived}</td><td className="num">{r.converted}</td><td className="num">{f.money(r.revenueFen)}</td></tr>
        ))}</tbody>
      </table>
    </div>
  );
}

/** Rows frozen before decision 016 have `invited` (the round's members) and no maybe/no. */
type AnyRoundRow = RoundRow & { invited?: number };

export function RoundTable({ rows }: { rows: AnyRoundRow[] }) {
  const { t } = useTranslation(["execution"]);
  const f = useFormat();
  if (!rows.length) return <p className="muted">{t("review.none")}</p>;
  const n = (v: number | null | undefined) => (typeof v === "number" ? f.number(v) : "—");
  const legacy = rows.some((r) => r.maybe === undefined);
  const sum = (k: "reached" | "yes" | "maybe" | "no" | "arrived" | "converted" | "revenueFen") =>
    rows.reduce<number | null>((s, r) => (s === null || typeof r[k] !== "number" ? null : s + r[k]), 0);
  const cols = ["reached", "yes", "maybe", "no", "arrived", "converted"] as const;
  return (
    <>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="by-round">
        <table aria-labelledby="by-round" data-testid="by-round">
          <thead><tr>
            <th>{t("review.round")}</th><th className="num">{t("review.cards")}</th>
            {cols.map((k) => <th key={k} className="num">{t(k === "converted" ? "review.conversions" : `review.${k}`)}</th>)}
            <th className="num">{t("review.groupRevenue")}</th>
          </tr></thead>
          <tbody>{rows.map((r) => (
            <tr key={r.key} data-testid={`by-round-${r.key}`}>
              <th scope="row">{r.key === "none" ? t("review.roundNone") : t("review.roundN", { n: r.key })}</th>
              <td className="num">{n(r.cards ?? r.invited)}</td>
              {cols.map((k) => <td key={k} className="num" data-testid={`by-round-${r.key}-${k}`}>{n(r[k])}</td>)}
              <td className="num">{f.money(r.revenueFen)}</td>
            </tr>
          ))}</tbody>
          {!legacy ? (
            <tfoot><tr data-testid="by-round-total">
              <th scope="row">{t("review.total")}</th><td className="num">—</td>
              {cols.map((k) => <td key={k} className="num" data-testid={`by-round-total-${k}`}>{n(sum(k))}</td>)}
              <td className="num">{f.money(sum("revenueFen") ?? 0)}</td>
            </tr></tfoot>
          ) : null}
        </table>
      </div>
      <p className="muted">{t(legacy ? "review.roundNoteLegacy" : "review.roundNote")}</p>
    </>
  );
}

