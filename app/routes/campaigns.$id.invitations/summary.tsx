import { useTranslation } from "react-i18next";
import { useFormat } from "~/utils/use-format";
import type { Data } from "./route";
import { LOSS_REASONS } from "~/models/invitation.constants";
import type { SummaryLine } from "~/models/invitation-board.server";

/** The campaign's progress against its targets, and per round and inviter. */
export function Summary({ data }: { data: Data }) {
  const { t } = useTranslation(["invitations", "common"]);
  const f = useFormat();
  const s = data.summary;
  const kpiRows: [string, string, string][] = [
    [t("admin.summary.invited"), f.number(s.progress.invited), "—"],
    [t("admin.summary.reached"), f.number(s.progress.reached), "—"],
    [t("admin.summary.reachRate"), f.percent(s.progress.reachRate), `${s.campaign.kpiReachRatePercent ?? 100}%`],
    [t("admin.summary.yes"), f.number(s.progress.yes), s.campaign.kpiYesCount !== null ? f.number(s.campaign.kpiYesCount) : "—"],
    [t("admin.summary.maybe"), f.number(s.progress.maybe), "—"],
    [t("admin.summary.no"), f.number(s.progress.no), "—"],
    [t("admin.summary.deposits"), f.number(s.progress.deposits), "—"],
    [t("admin.summary.depositAmount"), f.money(s.progress.depositFen), s.campaign.kpiDepositsFen !== null ? f.money(s.campaign.kpiDepositsFen) : "—"],
    [t("admin.summary.short"), f.number(s.progress.shortOfThree), "0"],
    [t("admin.summary.unassigned"), f.number(s.progress.unassigned), "0"],
  ];
  return (
    <section className="panel" aria-labelledby="summary-title">
      <h2 id="summary-title">{t("admin.summary.campaign")}</h2>
      {/* focusable: on a phone the table scrolls sideways, by keyboard too */}
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="summary-title">
        <table data-testid="kpi-table">
          <thead><tr><th scope="col">{t("admin.summary.measure")}</th><th scope="col">{t("admin.summary.actual")}</th><th scope="col">{t("admin.summary.target")}</th></tr></thead>
          <tbody>{kpiRows.map(([label, actual, target]) => <tr key={label}><th scope="row">{label}</th><td>{actual}</td><td>{target}</td></tr>)}</tbody>
        </table>
      </div>
      <h3>{t("admin.summary.lossReasons")}</h3>
      <ul className="inv-nav">
        {LOSS_REASONS.map((r) => <li key={r}>{t(`lossReasons.${r}`)}: {s.progress.lossReasons[r]}</li>)}
      </ul>
      <h2>{t("admin.summary.title")}</h2>
      {s.perRound.length ? s.perRound.map(({ round, staff, total }) => (
        <div key={round.id} className="table-wrap" tabIndex={0} role="region" aria-labelledby={`round-${round.number}-caption`}>
          <table data-testid={`round-${round.number}`}>
            <caption id={`round-${round.number}-caption`}>{t("admin.summary.roundTitle", { n: round.number })} · {round.channels.map((ch) => t(`channels.${ch as "phone"}`)).join(", ")} · {f.date(round.start_date)} – {f.date(round.end_date)}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.summary.staff")}</th><th scope="col">{t("admin.summary.assigned")}</th><th scope="col">{t("admin.summary.reached")}</th>
                <th scope="col">{t("admin.summary.reachRate")} ({t("admin.summary.reachTarget", { target: s.campaign.kpiReachRatePercent ?? 100 })})</th>
                <th scope="col">{t("admin.summary.yes")}</th><th scope="col">{t("admin.summary.maybe")}</th><th scope="col">{t("admin.summary.no")}</th>
                <th scope="col">{t("admin.summary.deposits")}</th><th scope="col">{t("admin.summary.short")}</th>
              </tr>
            </thead>
            <tbody>
              {[...staff, { ...total, name: t("admin.summary.total") } as SummaryLine].map((l, i) => (
                <tr key={i} data-staff={l.name ?? ""}>
                  <th scope="row">{l.name ?? t("admin.summary.unassigned")}</th>
                  <td>{l.assigned}</td><td>{l.reached}</td><td>{f.percent(l.assigned ? l.reached / l.assigned : null)}</td>
                  <td>{l.yes}</td><td>{l.maybe}</td><td>{l.no}</td>
                  <td>{l.deposits}{l.depositFen ? ` · ${f.money(l.depositFen)}` : ""}</td><td>{l.shortOfThree}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )) : <p className="muted">{t("admin.summary.noRounds")}</p>}
    </section>
  );
}
