import type { LinksFunction, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { StatusBadge } from "~/components/plan/plan-summary";
import styles from "~/components/plan/plan.css";
import { loadCampaignList } from "~/models/campaign-pages.server";
import type { CampaignListRow } from "~/models/campaign.server";
import { BUSINESS_CHAINS, CAMPAIGN_STATUSES, CampaignListQuery } from "~/models/campaign.schema";
import { useRootData } from "~/root";
import { getDb } from "~/utils/db.server";
import { addDays, formatLongDate, formatMonth, todayIn, weekdayNames } from "~/utils/format";
import { pageTitle } from "~/utils/meta";
import { useFormat } from "~/utils/use-format";
import { requireUser } from "~/utils/session.server";
import { canManage } from "~/models/permissions";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const filters = CampaignListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const today = todayIn(ctx.store.timezone);
  const month = filters.month ?? today.slice(0, 7);
  const page = await loadCampaignList(getDb(), { storeId: ctx.store.id, filters, month });
  return json({ filters, month, today, ...page });
}

export const meta = pageTitle("campaigns:title");

const monthShift = (month: string, delta: number) => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return d.toISOString().slice(0, 7);
};

export default function Campaigns() {
  const { t } = useTranslation(["campaigns", "common"]);
  const data = useLoaderData<typeof loader>();
  const { user } = useRootData();
  const { filters } = data;
  const query = (over: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    const all = { status: filters.status, chain: filters.chain, year: filters.year?.toString(), q: filters.q, view: filters.view, month: data.month, ...over };
    for (const [k, v] of Object.entries(all)) if (v) p.set(k, v);
    return `?${p}`;
  };
  const thisYear = Number(data.today.slice(0, 4));
  const years = [thisYear + 1, thisYear, thisYear - 1, thisYear - 2];
  return (
    <>
      <h1>{t("campaigns:title")}</h1>
      {user && canManage(user) ? <p><Link className="button" to="/campaigns/new">{t("campaigns:newCampaign")}</Link></p> : null}
      <nav aria-label={t("campaigns:list.view")} className="row" style={{ marginBottom: ".75rem" }}>
        <Link to={query({ view: "list" })} aria-current={filters.view === "list" ? "page" : undefined}>{t("campaigns:list.viewList")}</Link>
        <Link to={query({ view: "calendar" })} aria-current={filters.view === "calendar" ? "page" : undefined} data-testid="view-calendar">{t("campaigns:list.viewCalendar")}</Link>
      </nav>
      {data.view === "list" ? (
        <>
          <Form method="get" className="row panel" role="search" aria-label={t("campaigns:list.filters")}>
            <div className="field">
              <label htmlFor="f-q">{t("campaigns:list.search")}</label>
              <input id="f-q" name="q" type="search" defaultValue={filters.q ?? ""} maxLength={100} />
            </div>
            <div className="field">
              <label htmlFor="f-status">{t("campaigns:list.status")}</label>
              <select id="f-status" name="status" defaultValue={filters.status ?? ""}>
                <option value="">{t("campaigns:list.any")}</option>
                {CAMPAIGN_STATUSES.map((s) => <option key={s} value={s}>{t(`campaigns:status.${s}`)}</option>)}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-chain">{t("campaigns:list.chain")}</label>
              <select id="f-chain" name="chain" defaultValue={filters.chain ?? ""}>
                <option value="">{t("campaigns:list.any")}</option>
                {BUSINESS_CHAINS.map((c) => <option key={c} value={c}>{t(`campaigns:chains.${c}`)}</option>)}
              </select>
            </div>
            <div className="field">
              <label htmlFor="f-year">{t("campaigns:list.year")}</label>
              <select id="f-year" name="year" defaultValue={filters.year?.toString() ?? ""}>
                <option value="">{t("campaigns:list.any")}</option>
                {years.map((y) => <option key={y} value={y}>{y}</option>)}
              </select>
            </div>
            <div className="field"><button type="submit">{t("campaigns:list.apply")}</button></div>
            <div className="field"><Link to="/campaigns">{t("campaigns:list.reset")}</Link></div>
          </Form>
          <CampaignTable rows={data.rows as Row[]} />
        </>
      ) : (
        <MonthCalendar month={data.month} rows={data.calendar!.rows} prev={query({ month: monthShift(data.month, -1) })} next={query({ month: monthShift(data.month, 1) })} />
      )}
    </>
  );
}

type Row = SerializeFrom<CampaignListRow & { audience: number | null }>;

function CampaignTable({ rows }: { rows: Row[] }) {
  const { t } = useTranslation(["campaigns", "common"]);
  const f = useFormat();
  const dt = f.localDateTime;
  if (!rows.length) return <p className="muted" data-testid="campaign-empty">{t("campaigns:list.empty")}</p>;
  return (
    <>
      <p className="muted">{t("campaigns:list.count", { count: rows.length })}</p>
      <div className="table-wrap">
        <table data-testid="campaign-list">
          <thead>
            <tr>
              <th scope="col">{t("campaigns:list.name")}</th>
              <th scope="col">{t("campaigns:list.status")}</th>
              <th scope="col">{t("campaigns:list.dates")}</th>
              <th scope="col">{t("campaigns:list.chain")}</th>
              <th scope="col">{t("campaigns:list.owner")}</th>
              <th scope="col" className="num">{t("campaigns:list.audience")}</th>
              <th scope="col" className="num">{t("campaigns:list.budget")}</th>
              <th scope="col" className="num">{t("campaigns:list.arrivals")}</th>
              <th scope="col" className="num">{t("campaigns:list.roi")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td><Link to={`/campaigns/${r.id}`}>{r.name}</Link></td>
                <td><StatusBadge status={r.status} /></td>
                <td>
                  {f.date(r.invitation_start)} – {f.date(r.invitation_end)}
                  <br />
                  {dt(r.event_start)}
                </td>
                <td>{r.business_chain ? t(`campaigns:chains.${r.business_chain}` as "campaigns:chains.warranty_repair") : "—"}</td>
                <td>{r.owner_name ?? "—"}</td>
                <td className="num">{r.audience !== null ? f.number(r.audience) : "—"}</td>
                <td className="num">{f.money(r.budget_fen, { whole: true })}</td>
                <td className="num">{r.kpi_arrivals !== null ? <span className="muted">{t("campaigns:list.target", { value: f.number(r.kpi_arrivals) })}</span> : "—"}</td>
                <td className="num">{r.kpi_roi_percent !== null ? <span className="muted">{t("campaigns:list.target", { value: `${f.number(r.kpi_roi_percent)}%` })}</span> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

type CalRow = { id: number; name: string; status: string; invitation_start: string | null; invitation_end: string | null; event_start: string | null; event_end: string | null };

/** One day of the month grid: its number, then the campaigns holding their event and inviting that day. */
function CalendarDay({ day, outside, label, events, invites }: { day: string; outside: boolean; label: string; events: CalRow[]; invites: CalRow[] }) {
  const { t } = useTranslation(["campaigns"]);
  return (
    <td className={outside ? "outside" : undefined} data-date={day}>
      <span className="day-num" aria-label={label}>{Number(day.slice(8, 10))}</span>
      {events.map((r) => <Link key={`e${r.id}`} className="cal-item cal-event" to={`/campaigns/${r.id}`} title={r.name}>{r.name}</Link>)}
      {invites.map((r) => <Link key={`i${r.id}`} className="cal-item cal-invite" to={`/campaigns/${r.id}`} title={r.name}><span className="visually-hidden">{t("campaigns:calendar.invitations")}: </span>{r.name}</Link>)}
    </td>
  );
}

/** A month grid (weeks from Monday); each day lists campaigns inviting and holding their event that day. */
function MonthCalendar({ month, rows, prev, next }: { month: string; rows: CalRow[]; prev: string; next: string }) {
  const { t } = useTranslation(["campaigns"]);
  const { locale } = useFormat();
  const first = `${month}-01`;
  const [y, m] = month.split("-").map(Number) as [number, number];
  const weekday = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7; // Monday = 0
  const start = addDays(first, -weekday);
  const weeks: string[][] = [];
  for (let w = 0; w < 6; w++) {
    const days = Array.from({ length: 7 }, (_, i) => addDays(start, w * 7 + i));
    if (w > 3 && days[0]!.slice(0, 7) !== month) break;
    weeks.push(days);
  }
  const title = formatMonth(month, locale);
  const dayNames = weekdayNames(locale);
  const dayLabel = (d: string) => formatLongDate(d, locale);
  const on = (d: string) => ({
    events: rows.filter((r) => r.event_start && r.event_start.slice(0, 10) <= d && (r.event_end ?? r.event_start).slice(0, 10) >= d),
    invites: rows.filter((r) => r.invitation_start && r.invitation_start <= d && (r.invitation_end ?? r.invitation_start) >= d),
  });
  return (
    <section aria-labelledby="cal-title" data-testid="calendar">
      <div className="row" style={{ alignItems: "center", marginBottom: ".5rem" }}>
        <Link to={prev} aria-label={t("campaigns:calendar.previous")}>←&nbsp;{t("campaigns:calendar.previous")}</Link>
        <h2 id="cal-title" style={{ margin: 0 }}>{title}</h2>
        <Link to={next} aria-label={t("campaigns:calendar.next")}>{t("campaigns:calendar.next")}&nbsp;→</Link>
      </div>
      <p className="row">
        <span className="cal-item cal-invite">{t("campaigns:calendar.invitations")}</span>
        <span className="cal-item cal-event">{t("campaigns:calendar.event")}</span>
      </p>
      {rows.length === 0 ? <p className="muted">{t("campaigns:calendar.nothing")}</p> : null}
      <div className="table-wrap">
        <table className="calendar">
          <caption className="visually-hidden">{title}</caption>
          <thead><tr>{dayNames.map((n) => <th key={n} scope="col">{n}</th>)}</tr></thead>
          <tbody>
            {weeks.map((days) => <tr key={days[0]}>{days.map((d) => <CalendarDay key={d} day={d} outside={d.slice(0, 7) !== month} label={dayLabel(d)} {...on(d)} />)}</tr>)}
          </tbody>
        </table>
      </div>
    </section>
  );
}
