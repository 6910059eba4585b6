import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { LifecycleStage } from "~/models/lead.constants";
import { useFormat } from "~/utils/use-format";
import { QuickLeadTags } from "./quick-lead";

type LeadRow = { id: number; kind: string; department: string; status: string; owner_name: string; next_follow_up: string | null; actual_value_fen: number | null; campaign_name: string | null };

/** The customer card's lifecycle stage (潜客 → 意向 → 成交 → 基盘) with the date it changed, the leads and the tags. */
export function CustomerLifecycle({ customerId, name, lifecycle }: { customerId: number; name: string; lifecycle: { stage: LifecycleStage; since: string; closedDays: number; leads: LeadRow[] } }) {
  const { t } = useTranslation("leads");
  const f = useFormat();
  return (
    <section className="panel" aria-labelledby="lifecycle-h" data-testid="customer-lifecycle">
      <h2 id="lifecycle-h">{t("lifecycle.title")}</h2>
      <p>
        <span className="badge" data-testid="lifecycle-stage">{t(`stages.${lifecycle.stage}`)}</span>{" "}
        <span className="muted">{t("lifecycle.since", { date: f.date(lifecycle.since) })}</span>
      </p>
      <p className="muted">{t("lifecycle.hint", { days: lifecycle.closedDays })}</p>
      <h3>{t("lifecycle.leads")}</h3>
      {lifecycle.leads.length ? (
        <ul>
          {lifecycle.leads.map((l) => (
            <li key={l.id}>
              <Link to={`/leads/${l.id}`}>{t(`kinds.${l.kind}` as "kinds.other")}</Link> · {t(`departments.${l.department}` as "departments.sales")} ·{" "}
              {t(`statuses.${l.status}` as "statuses.new")} · {l.owner_name}
              {l.actual_value_fen !== null ? ` · ${f.money(l.actual_value_fen)}` : l.next_follow_up ? ` · ${f.date(l.next_follow_up)}` : ""}
              {l.campaign_name ? <span className="muted"> · {l.campaign_name}</span> : null}
            </li>
          ))}
        </ul>
      ) : <p className="muted">{t("lifecycle.none")}</p>}
      <QuickLeadTags customerId={customerId} source="card" label={t("quick.for", { name })} />
    </section>
  );
}
