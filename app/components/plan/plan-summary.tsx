import type { ReactNode } from "react";
import { HoldoutAdvice } from "./holdout-advice";
import { useTranslation } from "react-i18next";
import { BUDGET_CATEGORIES, PAYERS, TASK_PHASES } from "~/models/campaign.constants";
import type { CampaignDetail, SegmentSummaryView } from "./types";
import { useFormat } from "~/utils/use-format";

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation(["campaigns"]);
  return <span className={`status status-${status}`} data-testid="campaign-status">{t(`campaigns:status.${status}` as "campaigns:status.draft")}</span>;
}

/** "2026-12-12T09:00" → date and time text, in the store's zone (the value is already local). */
export function useLocalDateTime() {
  const f = useFormat();
  return (v: string | null | undefined) => (v ? `${f.date(v.slice(0, 10))} ${v.slice(11, 16)}`.trim() : "—");
}

export type PlanSectionKey = "why" | "kpi" | "who" | "what" | "when" | "where" | "howMuch" | "howToDo";
export const ALL_SECTIONS: PlanSectionKey[] = ["why", "kpi", "who", "what", "when", "where", "howMuch", "howToDo"];

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="plan-section summary" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function KpiTargets({ c }: { c: CampaignDetail["campaign"] }) {
  const { t } = useTranslation(["campaigns"]);
  const f = useFormat();
  const num = (v: number | null) => (v === null ? "—" : f.number(v));
  const pct = (v: number | null) => (v === null ? "—" : `${f.number(v)}%`);
  const money = (v: number | null) => (v === null ? "—" : f.money(v));
  const items: [string, string][] = [
    ["kpiReachRatePercent", pct(c.kpi_reach_rate_percent)],
    ["kpiYesCount", num(c.kpi_yes_count)],
    ["kpiArrivals", num(c.kpi_arrivals)],
    ["kpiConversions", num(c.kpi_conversions)],
    ["kpiRevenue", money(c.kpi_revenue_fen)],
    ["kpiDeposits", money(c.kpi_deposits_fen)],
    ["kpiRoiPercent", pct(c.kpi_roi_percent)],
  ];
  return (
    <dl className="kpi-grid" data-testid="kpi-targets">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{t(`campaigns:fields.${k}` as "campaigns:fields.name")}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AudienceTable({ audience, idPrefix }: { audience: SegmentSummaryView | null; idPrefix: string }) {
  const { t } = useTranslation(["campaigns", "common"]);
  const f = useFormat();
  if (!audience) return <p className="muted">{t("campaigns:who.pickHint")}</p>;
  const groups = Object.entries(audience.byGroup).filter(([, n]) => n > 0);
  return (
    <div data-testid="audience">
      <p><strong data-testid="audience-count">{t("campaigns:who.count", { n: f.number(audience.count) })}</strong></p>
      {audience.doNotContact > 0 ? <p className="muted">{t("campaigns:who.doNotContact", { n: f.number(audience.doNotContact) })}</p> : null}
      <div className="table-wrap" tabIndex={0}>
        <table aria-labelledby={`${idPrefix}-caption`}>
          <caption id={`${idPrefix}-caption`} className="visually-hidden">{t("campaigns:who.count", { n: f.number(audience.count) })}</caption>
          <thead>
            <tr><th scope="col">{t("campaigns:who.group")}</th><th scope="col" className="num">{t("campaigns:who.customers")}</th><th scope="col">{t("campaigns:who.tactic")}</th></tr>
          </thead>
          <tbody>
            {groups.map(([g, n]) => (
              <tr key={g}>
                <td>{t("common:groupLabel", { n: g })} · {t(`common:groups.${g}.name` as "common:groups.1.name")}</td>
                <td className="num">{f.number(n)}</td>
                <td>{t(`common:groups.${g}.tactic` as "common:groups.1.tactic")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function BudgetTotalsTable({ totals, idPrefix }: { totals: CampaignDetail["totals"]; idPrefix: string }) {
  const { t } = useTranslation(["campaigns"]);
  const f = useFormat();
  return (
    <div className="table-wrap" tabIndex={0} data-testid="budget-totals">
      <table aria-labelledby={`${idPrefix}-totals`}>
        <caption id={`${idPrefix}-totals`}>{t("campaigns:totals.title")}</caption>
        <tbody>
          {BUDGET_CATEGORIES.filter((c) => totals.byCategory[c] > 0).map((c) => (
            <tr key={c}><th scope="row">{t(`campaigns:categories.${c}`)}</th><td className="num">{f.money(totals.byCategory[c])}</td></tr>
          ))}
          {PAYERS.map((p) => (
            <tr key={p}><th scope="row">{t("campaigns:totals.byPayer")}: {t(`campaigns:payers.${p}`)}</th><td className="num">{f.money(totals.byPayer[p])}</td></tr>
          ))}
          <tr><th scope="row">{t("campaigns:totals.total")}</th><td className="num" data-testid="budget-total"><strong>{f.money(totals.total)}</strong></td></tr>
          {totals.actual !== null ? <tr><th scope="row">{t("campaigns:totals.actual")}</th><td className="num">{f.money(totals.actual)}</td></tr> : null}
        </tbody>
      </table>
    </div>
  );
}

/** The plan, read-only, section by section (home page, print view, locked parts while amending). */
export function PlanSummary({ detail, audience, sections = ALL_SECTIONS, idPrefix = "sum" }: {
  detail: CampaignDetail; audience: SegmentSummaryView | null; sections?: PlanSectionKey[]; idPrefix?: string;
}) {
  const { t } = useTranslation(["campaigns", "common"]);
  const f = useFormat();
  const dt = useLocalDateTime();
  const c = detail.campaign;
  const show = (s: PlanSectionKey) => sections.includes(s);
  const dash = (v: string | null | undefined) => (v ? v : "—");
  return (
    <>
      {show("why") ? (
        <Section id={`${idPrefix}-why`} title={t("campaigns:sections.why")}>
          <dl>
            <dt>{t("campaigns:fields.background")}</dt><dd>{dash(c.background)}</dd>
            <dt>{t("campaigns:fields.goals")}</dt>
            <dd>
              {detail.goals.length ? (
                <ul>{detail.goals.map((g, i) => <li key={i}>{g.text}: {f.number(g.target, 2)} {g.unit}</li>)}</ul>
              ) : "—"}
            </dd>
            <dt>{t("campaigns:fields.nonQuantifiedGoals")}</dt><dd>{dash(c.non_quantified_goals)}</dd>
          </dl>
        </Section>
      ) : null}
      {show("kpi") ? (
        <Section id={`${idPrefix}-kpi`} title={t("campaigns:sections.kpi")}>
          <KpiTargets c={c} />
        </Section>
      ) : null}
      {show("who") ? (
        <Section id={`${idPrefix}-who`} title={t("campaigns:sections.who")}>
          <dl>
            <dt>{t("campaigns:fields.segment")}</dt><dd data-testid="segment-name">{dash(detail.segmentName)}</dd>
            <dt>{t("campaigns:fields.holdoutPercent")}</dt><dd>{c.holdout_percent}%</dd>
          </dl>
          <AudienceTable audience={audience} idPrefix={`${idPrefix}-aud`} />
          <HoldoutAdvice audience={audience} holdoutPercent={c.holdout_percent} />
        </Section>
      ) : null}
      {show("what") ? (
        <Section id={`${idPrefix}-what`} title={t("campaigns:sections.what")}>
          <dl>
            <dt>{t("campaigns:fields.theme")}</dt><dd>{dash(c.theme)}</dd>
            <dt>{t("campaigns:fields.topicTechnique")}</dt>
            <dd>
              {c.topic_technique ? t(`campaigns:techniques.${c.topic_technique}` as "campaigns:techniques.emotion") : "—"}
              {c.topic_subkind ? ` · ${t(`campaigns:subkinds.${c.topic_subkind}` as "campaigns:subkinds.policy")}` : ""}
            </dd>
            <dt>{t("campaigns:fields.businessChain")}</dt>
            <dd>{c.business_chain ? t(`campaigns:chains.${c.business_chain}` as "campaigns:chains.warranty_repair") : "—"}</dd>
            <dt>{t("campaigns:fields.offer")}</dt><dd>{dash(c.offer)}</dd>
            <dt>{t("campaigns:fields.script")}</dt><dd data-testid="script">{dash(c.script)}</dd>
          </dl>
        </Section>
      ) : null}
      {show("when") ? (
        <Section id={`${idPrefix}-when`} title={t("campaigns:sections.when")}>
          <dl>
            <dt>{t("campaigns:fields.invitationStart")}</dt><dd>{f.date(c.invitation_start)}</dd>
            <dt>{t("campaigns:fields.invitationEnd")}</dt><dd>{f.date(c.invitation_end)}</dd>
            <dt>{t("campaigns:fields.eventStart")}</dt><dd>{dt(c.event_start)}</dd>
            <dt>{t("campaigns:fields.eventEnd")}</dt><dd>{dt(c.event_end)}</dd>
            <dt>{t("campaigns:fields.reviewDate")}</dt><dd>{f.date(c.review_date)}</dd>
          </dl>
        </Section>
      ) : null}
      {show("where") ? (
        <Section id={`${idPrefix}-where`} title={t("campaigns:sections.where")}>
          <dl>
            <dt>{t("campaigns:fields.venue")}</dt><dd>{dash(c.venue)}</dd>
            <dt>{t("campaigns:fields.capacity")}</dt><dd data-testid="plan-capacity">{c.capacity === null ? t("campaigns:fields.noCapacity") : c.capacity}</dd>
            <dt>{t("campaigns:fields.channels")}</dt>
            <dd>
              {detail.channels.length ? (
                <ul>
                  {detail.channels.map((ch) => (
                    <li key={ch.channel}>
                      {t(`campaigns:channels.${ch.channel}` as "campaigns:channels.phone")}
                      {ch.planned_reach !== null ? ` · ${f.number(ch.planned_reach)}` : ""}
                    </li>
                  ))}
                </ul>
              ) : "—"}
            </dd>
          </dl>
        </Section>
      ) : null}
      {show("howMuch") ? (
        <Section id={`${idPrefix}-howmuch`} title={t("campaigns:sections.howMuch")}>
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="budget-lines">
              <thead>
                <tr>
                  <th scope="col">{t("campaigns:fields.category")}</th>
                  <th scope="col">{t("campaigns:fields.description")}</th>
                  <th scope="col" className="num">{t("campaigns:fields.quantity")}</th>
                  <th scope="col" className="num">{t("campaigns:fields.unitCost")}</th>
                  <th scope="col" className="num">{t("campaigns:fields.amount")}</th>
                  <th scope="col">{t("campaigns:fields.payer")}</th>
                  <th scope="col" className="num">{t("campaigns:fields.actual")}</th>
                </tr>
              </thead>
              <tbody>
                {detail.budget.map((l) => (
                  <tr key={l.id}>
                    <td>{t(`campaigns:categories.${l.category}` as "campaigns:categories.other")}</td>
                    <td>{l.description}</td>
                    <td className="num">{f.number(l.quantity)}</td>
                    <td className="num">{f.money(l.unit_cost_fen)}</td>
                    <td className="num">{f.money(l.amount_fen)}</td>
                    <td>{t(`campaigns:payers.${l.payer}`)}</td>
                    <td className="num">{l.actual_fen !== null ? f.money(l.actual_fen) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <BudgetTotalsTable totals={detail.totals} idPrefix={idPrefix} />
        </Section>
      ) : null}
      {show("howToDo") ? (
        <Section id={`${idPrefix}-howtodo`} title={t("campaigns:sections.howToDo")}>
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="task-list">
              <thead>
                <tr>
                  <th scope="col">{t("campaigns:fields.phase")}</th>
                  <th scope="col">{t("campaigns:fields.taskTitle")}</th>
                  <th scope="col">{t("campaigns:fields.taskOwner")}</th>
                  <th scope="col">{t("campaigns:fields.dueDate")}</th>
                  <th scope="col">{t("campaigns:fields.taskStatus")}</th>
                </tr>
              </thead>
              <tbody>
                {TASK_PHASES.flatMap((phase) => detail.tasks.filter((task) => task.phase === phase)).map((task) => (
                  <tr key={task.id}>
                    <td>{t(`campaigns:phases.${task.phase}`)}</td>
                    <td>{task.title}</td>
                    <td>{dash(task.owner_name)}</td>
                    <td>
                      {f.date(task.due_date)}
                      {task.relative_days !== null ? <span className="muted"> (T{task.relative_days >= 0 ? "+" : "−"}{Math.abs(task.relative_days)})</span> : null}
                    </td>
                    <td>{t(`campaigns:taskStatuses.${task.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      ) : null}
    </>
  );
}
