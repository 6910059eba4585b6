import { useTranslation } from "react-i18next";
import { useFormat } from "~/utils/use-format";
import type { CampaignDetail } from "./types";

type Line = { category: string; description: string; quantity: number; unitCostFen: number; amountFen: number; payer: string };

/** The plan's history: status changes, comments, and post-approval KPI/budget changes (old → new). */
export function HistoryList({ history }: { history: CampaignDetail["history"] }) {
  const { t } = useTranslation(["campaigns"]);
  const f = useFormat();
  if (!history.length) return <p className="muted">{t("campaigns:history.empty")}</p>;
  const money = (v: string | null) => (v === null ? "—" : f.money(Number(v)));
  const line = (v: string | null) => {
    if (v === null) return "—";
    try {
      const l = JSON.parse(v) as Line;
      return `${t(`campaigns:categories.${l.category}` as "campaigns:categories.other")} ${l.description} · ${f.number(l.quantity)} × ${f.money(l.unitCostFen)} = ${f.money(l.amountFen)} (${t(`campaigns:payers.${l.payer}` as "campaigns:payers.dealer")})`;
    } catch {
      return v;
    }
  };
  const value = (field: string | null, v: string | null) => {
    if (field === "budget_line") return line(v);
    if (field === "budget_total" || field?.endsWith("_fen")) return money(v);
    return v === null ? "—" : f.number(Number(v));
  };
  return (
    <ol className="history-list" data-testid="history">
      {history.map((h) => (
        <li key={h.id}>
          <span className="muted">{f.dateTime(h.at)} · {h.user_name ?? "—"}</span>
          <br />
          {h.kind === "status"
            ? h.old_value === null
              ? t("campaigns:history.created")
              : t("campaigns:history.status", { from: t(`campaigns:status.${h.old_value}` as "campaigns:status.draft"), to: t(`campaigns:status.${h.new_value}` as "campaigns:status.draft") })
            : h.kind === "field"
              ? t("campaigns:history.field", { field: t(`campaigns:history.fields.${h.field}` as "campaigns:history.fields.budget_line"), from: value(h.field, h.old_value), to: value(h.field, h.new_value) })
              : t("campaigns:history.comment")}
          {h.comment ? <><br /><q>{h.comment}</q></> : null}
        </li>
      ))}
    </ol>
  );
}
