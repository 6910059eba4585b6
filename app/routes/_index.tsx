import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Chart } from "~/components/charts/chart";
import styles from "~/components/charts/execution.css";
import { getManagerDashboard, getStaffDashboard, getStoresSideBySide } from "~/models/dashboard.server";
import { getStoreCounts } from "~/models/store.server";
import { getDb } from "~/utils/db.server";
import { pageTitle } from "~/utils/meta";
import { requireUser } from "~/utils/session.server";
import { useFormat } from "~/utils/use-format";
import { canManage, canSeeAllStores } from "~/models/permissions";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const db = getDb();
  const actor = { id: ctx.user.id, role: ctx.user.role };
  const timeZone = ctx.store.timezone;
  const counts = await getStoreCounts(db, { storeId: ctx.store.id });
  const staff = !canManage(ctx.user);
  const [manager, mine, group] = await Promise.all([
    staff ? null : getManagerDashboard(db, { storeId: ctx.store.id, timeZone }),
    staff ? getStaffDashboard(db, { storeId: ctx.store.id, actor, timeZone }) : null,
    canSeeAllStores(ctx.user) && ctx.stores.length > 1 ? getStoresSideBySide(db, { stores: ctx.stores, timeZone }) : null,
  ]);
  return json({ user: ctx.user.displayName, store: ctx.store.name, counts, manager, mine, group });
}

export const meta = pageTitle("common:dashboard.title");

export default function Dashboard() {
  const { t } = useTranslation(["execution", "common"]);
  const { number } = useFormat();
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{t("common:dashboard.title")}</h1>
      <p>{t("common:dashboard.welcome", { name: data.user })}</p>
      <p className="panel" data-testid="store-summary">
        {t("common:dashboard.storeSummary", {
          store: data.store, customers: number(data.counts.customers), vehicles: number(data.counts.vehicles), visits: number(data.counts.visits),
        })}
      </p>
      {data.manager ? <ManagerView d={data.manager} /> : null}
      {data.mine ? <StaffView d={data.mine} /> : null}
      {data.group ? <GroupView d={data.group} /> : null}
    </>
  );
}

type ManagerData = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["manager"]>;
type StaffData = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["mine"]>;
type GroupData = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["group"]>;

/** The dashboard's words (execution namespace) and formats. */
function useDashboardText() {
  const { t } = useTranslation(["execution", "common"]);
  return { t, f: useFormat() };
}

/** A dashboard section: its heading, then its content — or, when `empty` is given, that line instead. */
function Section({ id, testId, title, empty = null, children }: { id: string; testId: string; title: string; empty?: string | null; children?: ReactNode }) {
  return (
    <section className="ex-section" aria-labelledby={`${id}-title`} data-testid={testId}>
      <h2 id={`${id}-title`}>{title}</h2>
      {empty === null ? children : <p className="muted">{empty}</p>}
    </section>
  );
}

function nextLink(c: { id: number; status: string }) {
  if (c.status === "inviting") return `/campaigns/${c.id}/board`;
  if (c.status === "executing") return `/campaigns/${c.id}/execution`;
  if (c.status === "reviewing") return `/campaigns/${c.id}/review`;
  if (c.status === "draft") return `/campaigns/${c.id}/plan`;
  return `/campaigns/${c.id}`;
}

function ManagerView({ d }: { d: ManagerData }) {
  const { t, f } = useDashboardText();
  const chains = [...new Set(d.byChain.map((r) => r.chain))];
  const months = [...new Set(d.byChain.map((r) => r.month))];
  const chainLabel = (c: string) => (c === "none" ? t("dashboard.noChain") : t(`campaigns:chains.${c}` as "title"));
  return (
    <>
      <Section id="totals" testId="year-totals" title={t("dashboard.yearTotals", { year: d.year })}>
        <dl className="stat-grid">
          <div><dt>{t("dashboard.campaigns")}</dt><dd data-testid="total-campaigns">{f.number(d.totals.campaigns)}</dd></div>
          <div><dt>{t("dashboard.arrivals")}</dt><dd data-testid="total-arrivals">{f.number(d.totals.arrivals)}</dd></div>
          <div><dt>{t("dashboard.revenue")}</dt><dd data-testid="total-revenue">{f.money(d.totals.revenueFen, { whole: true })}</dd></div>
          <div><dt>{t("dashboard.cost")}</dt><dd data-testid="total-cost">{f.money(d.totals.costFen, { whole: true })}</dd></div>
          <div><dt>{t("dashboard.roi")}</dt><dd data-testid="total-roi">{f.percent(d.totals.roi)}</dd></div>
          <div><dt>{t("dashboard.costPerArrival")}</dt><dd>{d.totals.costPerArrivalFen === null ? "—" : f.money(d.totals.costPerArrivalFen)}</dd></div>
        </dl>
      </Section>

      <Section id="open" testId="open-campaigns" title={t("dashboard.byStatus")}>
        <p className="muted">{d.byStatus.map((s) => `${t(`campaigns:status.${s.status}` as "title")} ${s.count}`).join(" · ") || t("dashboard.noCampaigns")}</p>
        {d.open.length ? (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead><tr><th>{t("dashboard.campaign")}</th><th>{t("dashboard.status")}</th><th>{t("dashboard.event")}</th><th>{t("dashboard.nextStep")}</th></tr></thead>
              <tbody>{d.open.map((c) => (
                <tr key={c.id}>
                  <td><Link to={`/campaigns/${c.id}`}>{c.name}</Link></td>
                  <td><span className={`status status-${c.status}`}>{t(`campaigns:status.${c.status}` as "title")}</span></td>
                  <td>{f.date(c.eventStart?.slice(0, 10))}</td>
                  <td><Link to={nextLink(c)}>{t(`campaigns:nextStep.${c.status}` as "title")}</Link></td>
                </tr>
              ))}</tbody>
            </table>
          </div>
        ) : <p className="muted">{t("dashboard.noOpen")}</p>}
      </Section>

      <Section id="by-campaign" testId="by-campaign" title={t("dashboard.byCampaign")} empty={d.byCampaign.length ? null : t("dashboard.noResults")}>
        <Chart labels={d.byCampaign.map((c) => c.name)} series={[{ label: t("dashboard.roi"), values: d.byCampaign.map((c) => c.roi) }]} percent height={220} />
        <Chart labels={d.byCampaign.map((c) => c.name)} series={[{ label: t("dashboard.costPerArrivalYuan"), values: d.byCampaign.map((c) => (c.costPerArrivalFen === null ? null : c.costPerArrivalFen / 100)) }]} height={200} />
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead><tr><th>{t("dashboard.campaign")}</th><th>{t("dashboard.chain")}</th><th>{t("dashboard.month")}</th><th className="num">{t("dashboard.arrivals")}</th><th className="num">{t("dashboard.revenue")}</th><th className="num">{t("dashboard.cost")}</th><th className="num">{t("dashboard.roi")}</th><th className="num">{t("dashboard.costPerArrival")}</th></tr></thead>
            <tbody>{d.byCampaign.map((c) => (
              <tr key={c.id}>
                <td><Link to={`/campaigns/${c.id}/review`}>{c.name}</Link></td>
                <td>{c.chain ? chainLabel(c.chain) : "—"}</td>
                <td>{c.month ?? "—"}</td>
                <td className="num">{f.number(c.arrivals)}</td>
                <td className="num">{f.money(c.revenueFen, { whole: true })}</td>
                <td className="num">{f.money(c.costFen, { whole: true })}</td>
                <td className="num">{f.percent(c.roi)}</td>
                <td className="num">{c.costPerArrivalFen === null ? "—" : f.money(c.costPerArrivalFen)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      </Section>

      <Section id="by-chain" testId="by-chain" title={t("dashboard.byChain")} empty={d.byChain.length ? null : t("dashboard.noResults")}>
        <Chart kind="line" labels={months} percent height={220}
          series={chains.map((ch) => ({ label: chainLabel(ch), values: months.map((m) => d.byChain.find((r) => r.chain === ch && r.month === m)?.roi ?? null) }))} />
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead><tr><th>{t("dashboard.month")}</th><th>{t("dashboard.chain")}</th><th className="num">{t("dashboard.campaigns")}</th><th className="num">{t("dashboard.revenue")}</th><th className="num">{t("dashboard.cost")}</th><th className="num">{t("dashboard.roi")}</th><th className="num">{t("dashboard.costPerArrival")}</th></tr></thead>
            <tbody>{d.byChain.map((r) => (
              <tr key={`${r.chain}-${r.month}`}>
                <td>{r.month}</td><td>{chainLabel(r.chain)}</td><td className="num">{r.campaigns}</td>
                <td className="num">{f.money(r.revenueFen, { whole: true })}</td><td className="num">{f.money(r.costFen, { whole: true })}</td>
                <td className="num">{f.percent(r.roi)}</td><td className="num">{r.costPerArrivalFen === null ? "—" : f.money(r.costPerArrivalFen)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      </Section>

      <div className="card-grid">
        <Section id="short" testId="short-of-three" title={t("dashboard.shortOfThree")} empty={d.shortOfThree.length ? null : t("dashboard.noneShort")}>
          <ul>{d.shortOfThree.map((s) => (
            <li key={s.campaignId}><Link to={`/campaigns/${s.campaignId}/board?flag=short`}>{s.name}</Link>: {t("dashboard.shortCount", { count: s.count })}</li>
          ))}</ul>
        </Section>
        <Section id="callbacks" testId="callbacks-today" title={t("dashboard.callbacksToday")} empty={d.callbacks.length ? null : t("dashboard.noCallbacks")}>
          <ul>{d.callbacks.map((c) => (
            <li key={c.id}>
              {f.localDateTime(c.at)} · <Link to={`/campaigns/${c.campaignId}/board?flag=callback_today`}>{c.name}</Link> · {c.campaignName} · {c.assignee ?? t("dashboard.unassigned")}
              {c.overdue ? <> <span className="tag tag-overdue">{t("dashboard.overdue")}</span></> : null}
            </li>
          ))}</ul>
        </Section>
      </div>
    </>
  );
}

function StaffView({ d }: { d: StaffData }) {
  const { t, f } = useDashboardText();
  return (
    <>
      <Section id="due" testId="my-due" title={t("dashboard.myDue")} empty={d.due.length ? null : t("dashboard.nothingDue")}>
        <ul>{d.due.map((c) => (
          <li key={c.id}>
            <Link to={`/campaigns/${c.campaignId}/calls`}>{c.name}</Link> · {c.campaignName} · {c.callbackAt ? t("dashboard.callbackAt", { time: f.localDateTime(c.callbackAt) }) : t("dashboard.followUpOn", { date: f.date(c.nextFollowUp) })}
            {" · "}{t("dashboard.attempts", { count: c.attempts })}
          </li>
        ))}</ul>
      </Section>
      <Section id="results" testId="my-results" title={t("dashboard.myResults")} empty={d.results.length ? null : t("dashboard.noAssignments")}>
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead><tr><th>{t("dashboard.campaign")}</th><th className="num">{t("dashboard.assigned")}</th><th className="num">{t("dashboard.reached")}</th><th className="num">{t("dashboard.yes")}</th><th className="num">{t("dashboard.maybe")}</th><th className="num">{t("dashboard.no")}</th><th className="num">{t("dashboard.arrivals")}</th><th className="num">{t("dashboard.short")}</th></tr></thead>
            <tbody>{d.results.map((r) => (
              <tr key={r.campaignId}>
                <td><Link to={`/campaigns/${r.campaignId}/board`}>{r.name}</Link></td>
                <td className="num">{r.assigned}</td><td className="num">{r.reached}</td><td className="num">{r.yes}</td><td className="num">{r.maybe}</td><td className="num">{r.no}</td><td className="num">{r.arrived}</td><td className="num">{r.shortOfThree}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      </Section>
    </>
  );
}

function GroupView({ d }: { d: GroupData }) {
  const { t, f } = useDashboardText();
  return (
    <Section id="stores" testId="stores-side-by-side" title={t("dashboard.storesTitle", { year: d.year })}>
      <Chart labels={d.stores.map((s) => s.name)} series={[{ label: t("dashboard.roi"), values: d.stores.map((s) => s.roi) }]} percent height={180} />
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead><tr><th>{t("dashboard.store")}</th><th className="num">{t("dashboard.openCampaigns")}</th><th className="num">{t("dashboard.campaigns")}</th><th className="num">{t("dashboard.arrivals")}</th><th className="num">{t("dashboard.revenue")}</th><th className="num">{t("dashboard.cost")}</th><th className="num">{t("dashboard.roi")}</th><th className="num">{t("dashboard.costPerArrival")}</th></tr></thead>
          <tbody>{d.stores.map((s) => (
            <tr key={s.storeId}>
              <th scope="row">{s.name}</th><td className="num">{s.open}</td><td className="num">{s.campaigns}</td><td className="num">{f.number(s.arrivals)}</td>
              <td className="num">{f.money(s.revenueFen, { whole: true })}</td><td className="num">{f.money(s.costFen, { whole: true })}</td>
              <td className="num">{f.percent(s.roi)}</td><td className="num">{s.costPerArrivalFen === null ? "—" : f.money(s.costPerArrivalFen)}</td>
            </tr>
          ))}</tbody>
        </table>
      </div>
    </Section>
  );
}
