import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ExportLinks } from "~/components/ui/export-links";
import { Chart } from "~/components/charts/chart";
import styles from "~/components/charts/execution.css";
import { StatusBadge } from "~/components/plan/plan-summary";
import planStyles from "~/components/plan/plan.css";
import { ErrorText } from "~/components/ui/field";
import { CampaignNotFound } from "~/models/campaign.server";
import { ExecutionRefused } from "~/models/execution-errors";
import { ReviewAction, ReviewQuery } from "~/models/execution.schema";
import type { BreakdownRow, KpiStatus, ReviewFigures, RoundRow } from "~/models/review-math";
import { MIN_TRUSTED_HOLDOUT } from "~/models/review-math";
import { closeCampaign, CloseNeedsConfirmation, finaliseReview, getReview, reopenCampaign, saveLessons, startReview, type ReviewPage } from "~/models/review.server";
import { getDb } from "~/utils/db.server";
import { parseFormData, type FieldErrors } from "~/utils/form";
import { notFound, IdParam, storageFailure, readForm } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { requireManager } from "~/utils/session.server";
import { useFormat } from "~/utils/use-format";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: planStyles }, { rel: "stylesheet", href: styles }];

const Id = IdParam;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const url = new URL(request.url);
  const query = ReviewQuery.safeParse({ days: url.searchParams.get("days") ?? "" });
  try {
    const review = await getReview(getDb(), {
      storeId: ctx.store.id, campaignId: id.data, actor: { id: ctx.user.id, role: ctx.user.role }, days: query.success ? query.data.days : null,
    });
    const daysError = query.success ? null : "execution:errors.attributionDays";
    return json({ review, daysError, daysValue: url.searchParams.get("days") ?? "" }, { status: daysError ? 400 : 200 });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}

type ActionData = { intent: string; errors?: FieldErrors; formError?: string; values?: Record<string, unknown> };

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const fd = await readForm(request);
  const intent = String(fd.get("intent") ?? "");
  const parsed = parseFormData(ReviewAction, fd);
  if (!parsed.ok) return json<ActionData>({ intent, errors: parsed.errors, values: parsed.values }, { status: 400 });
  const input = parsed.data;
  const base = { storeId: ctx.store.id, campaignId: id.data, actor: { id: ctx.user.id, role: ctx.user.role } };
  const db = getDb();
  try {
    if (input.intent === "lessons") await saveLessons(db, { ...base, input });
    else if (input.intent === "start_review") await startReview(db, { ...base, comment: input.comment });
    else if (input.intent === "close") await closeCampaign(db, { ...base, comment: input.comment, confirmEarly: input.confirmEarly });
    else if (input.intent === "finalise") await finaliseReview(db, base);
    else await reopenCampaign(db, { ...base, comment: input.comment });
    return redirect(`/campaigns/${id.data}/review?saved=${input.intent}`);
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    if (e instanceof CloseNeedsConfirmation) return json<ActionData>({ intent, errors: e.errors, values: Object.fromEntries(fd) }, { status: 400 });
    if (e instanceof ExecutionRefused) {
      if (e.status === 403) throw json({ error: "forbidden" }, { status: 403 });
      return json<ActionData>({ intent, formError: e.messageKey, values: Object.fromEntries(fd) }, { status: e.status === 404 ? 400 : e.status });
    }
    return storageFailure(e, { intent, values: Object.fromEntries(fd) } satisfies ActionData);
  }
}

export const meta = pageTitle<{ review: ReviewPage }>("execution:review.title", (d) => d.review.campaign.name);

function Status({ status }: { status: KpiStatus }) {
  const { t } = useTranslation(["execution"]);
  if (!status) return <span className="muted">—</span>;
  return <span className={status === "met" ? "kpi-met" : "kpi-missed"} data-status={status}>{status === "met" ? `✓ ${t("review.met")}` : `✗ ${t("review.missed")}`}</span>;
}

function Section({ id, title, children, testId }: { id: string; title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="ex-section" aria-labelledby={id} data-testid={testId}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export default function ReviewRoute() {
  const { t } = useTranslation(["execution", "common"]);
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state === "submitting";
  const f = useFormat();
  const r = data.review as unknown as ReviewPage;
  const c = r.campaign;
  const fig = r.figures;
  const workflow = ([
    ["start_review", r.actions.startReview], ["close", r.actions.close], ["finalise", r.actions.finalise], ["reopen", r.actions.reopen],
  ] as const).filter(([, ok]) => ok);
  const fin = r.finality;
  const early = !r.frozen && !!fin?.provisional;
  return (
    <>
      <p className="no-print"><Link to={`/campaigns/${c.id}`}>{t("nav.campaign")}</Link> · <Link to={`/campaigns/${c.id}/execution`}>{t("title")}</Link></p>
      <h1>{t("review.title")}: {c.name} <StatusBadge status={c.status} /></h1>
      {r.notStarted ? (
        <p className="notice" role="status" data-testid="review-not-started">{t("review.notStartedPage", { status: t(`campaigns:status.${c.status}` as "title") })}</p>
      ) : null}
      {r.frozen ? (
        <p className="notice" role="status" data-testid="review-frozen">{t("review.frozen", { time: f.dateTime(r.frozen.at), by: r.frozen.byName ?? "—" })}</p>
      ) : null}
      {fin?.finalOn ? (
        <p className={fin.provisional ? "warn" : "muted"} role="note" data-testid="review-finality" data-provisional={fin.provisional ? "true" : "false"}>
          {!fin.provisional
            ? t("review.finality.final", { through: f.date(fin.through) })
            : r.frozen
              ? t(fin.reached ? "review.finality.frozenProvisionalDue" : "review.finality.frozenProvisional", { finalOn: f.date(fin.finalOn), through: f.date(fin.through) })
              : t("review.finality.provisional", { finalOn: f.date(fin.finalOn), through: f.date(fin.through) })}
        </p>
      ) : null}
      {actionData?.formError ? <p className="form-error" role="alert" data-testid="review-error">{t(actionData.formError as "title")}</p> : null}
      <div className="row no-print">
        {fig ? <PrintButton /> : null}
      </div>
      {fig ? <ExportLinks href={`/campaigns/${c.id}/review/export`} label={t("common:exports.review")} params={data.daysValue && !data.daysError ? { days: data.daysValue } : {}} testId="review-export" /> : null}
      {workflow.length ? (
        <section className="ex-section no-print" aria-labelledby="workflow-title">
          <h2 id="workflow-title">{t("review.workflow")}</h2>
          {workflow.map(([intent]) => {
            const mine = actionData?.intent === intent ? actionData : undefined;
            const closeEarly = intent === "close" && early;
            const commentError = mine?.errors?.comment;
            const confirmError = mine?.errors?.confirmEarly;
            return (
              <Form method="post" key={intent} className={closeEarly ? "close-early" : "inline-form"} data-testid={`review-${intent}`}>
                <input type="hidden" name="intent" value={intent} />
                {closeEarly ? <p className="warn" id="close-early-warning">{t("review.closeEarly.warning", { finalOn: f.date(fin!.finalOn), through: f.date(fin!.through) })}</p> : null}
                {intent !== "finalise" ? (
                  <div className="field">
                    <label htmlFor={`comment-${intent}`}>{closeEarly ? t("review.closeEarly.reason") : t("review.commentOptional")}</label>
                    <input id={`comment-${intent}`} name="comment" maxLength={1000} required={closeEarly || undefined} defaultValue={mine?.values?.comment as string | undefined}
                      aria-invalid={commentError ? true : undefined} aria-describedby={commentError ? `comment-${intent}-error` : undefined} />
                    <ErrorText id={`comment-${intent}-error`} message={commentError} />
                  </div>
                ) : <p className="muted">{t("review.finalise.hint")}</p>}
                {closeEarly ? (
                  <div className="field">
                    <label className="check">
                      <input type="checkbox" name="confirmEarly" value="on" required defaultChecked={mine?.values?.confirmEarly === "on"}
                        aria-invalid={confirmError ? true : undefined} aria-describedby={confirmError ? "confirmEarly-error" : "close-early-warning"} />
                      {" "}{t("review.closeEarly.confirm", { finalOn: f.date(fin!.finalOn) })}
                    </label>
                    <ErrorText id="confirmEarly-error" message={confirmError} />
                  </div>
                ) : null}
                <div className="field">
                  <button type="submit" disabled={busy} className={intent === "reopen" ? "secondary" : undefined}>
                    {t(closeEarly ? "review.closeEarly.submit" : `review.actions.${intent}`)}
                  </button>
                </div>
              </Form>
            );
          })}
        </section>
      ) : null}
      {fig ? (
        <>
          {!r.frozen ? (
            <Form method="get" className="inline-form no-print" data-testid="attribution-form">
              <div className="field">
                <label htmlFor="days">{t("review.attributionDays")}</label>
                <input id="days" name="days" inputMode="numeric" size={5} defaultValue={data.daysValue || String(fig.attribution?.days ?? r.storeAttributionDays)}
                  aria-invalid={data.daysError ? true : undefined} aria-describedby={data.daysError ? "days-error" : "days-hint"} />
                <span className="muted" id="days-hint">{t("review.attributionHint", { days: r.storeAttributionDays })}</span>
                <ErrorText id="days-error" message={data.daysError} />
              </div>
              <div className="field"><button type="submit" className="secondary">{t("review.apply")}</button></div>
            </Form>
          ) : null}
          <Figures fig={fig} />
        </>
      ) : null}
      {!r.notStarted ? <Lessons r={r} actionData={actionData?.intent === "lessons" ? actionData : undefined} busy={busy} /> : null}
    </>
  );
}

function PrintButton() {
  const { t } = useTranslation(["execution"]);
  return <button type="button" className="secondary" onClick={() => window.print()}>{t("review.print")}</button>;
}

function Figures({ fig }: { fig: ReviewFigures }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const m = fig.money;
  const money = (v: number | null) => (v === null ? "—" : f.money(v));
  const pct = (v: number | null) => f.percent(v);
  const funnelChart = fig.funnel.filter((s) => ["audience", "reached", "yes", "maybe", "no", "arrived", "converted"].includes(s.key));
  return (
    <>
      <p className="muted" data-testid="attribution-line">
        {fig.attribution
          ? t("review.attribution", { after: f.date(fig.attribution.after), through: f.date(fig.attribution.through), days: fig.attribution.days })
          : t("review.noEventDates")}
      </p>
      <Section id="money-title" title={t("review.moneyTitle")} testId="review-money">
        <dl className="stat-grid">
          <div><dt>{t("review.revenue")}</dt><dd data-testid="money-revenue">{f.money(m.revenueFen)}</dd></div>
          <div><dt>{t("review.actualCost")}</dt><dd data-testid="money-cost">{f.money(m.actualCostFen)}</dd></div>
          <div><dt>{t("review.roi")}</dt><dd data-testid="money-roi">{pct(m.roi)}</dd></div>
          <div><dt>{t("review.deposits")}</dt><dd data-testid="money-deposits">{f.money(m.depositsFen)}</dd></div>
          <div><dt>{t("review.costPerReached")}</dt><dd data-testid="money-cost-reached">{money(m.costPerReachedFen)}</dd></div>
          <div><dt>{t("review.costPerArrival")}</dt><dd data-testid="money-cost-arrival">{money(m.costPerArrivalFen)}</dd></div>
          <div><dt>{t("review.costPerConversion")}</dt><dd data-testid="money-cost-conversion">{money(m.costPerConversionFen)}</dd></div>
        </dl>
        {m.missingActuals ? <p className="bad" data-testid="missing-actuals">{t("review.missingActuals", { count: m.missingActuals })}</p> : null}
        <div className="table-wrap" tabIndex={0}>
          <table>
            <caption className="visually-hidden">{t("review.kpiMoney")}</caption>
            <thead><tr><th>{t("review.measure")}</th><th className="num">{t("review.actual")}</th><th className="num">{t("review.target")}</th><th>{t("review.status")}</th></tr></thead>
            <tbody>
              <tr><th scope="row">{t("review.revenue")}</th><td className="num">{f.money(m.revenueFen)}</td><td className="num">{money(m.kpi.revenue.target)}</td><td><Status status={m.kpi.revenue.status} /></td></tr>
              <tr><th scope="row">{t("review.deposits")}</th><td className="num">{f.money(m.depositsFen)}</td><td className="num">{money(m.kpi.deposits.target)}</td><td><Status status={m.kpi.deposits.status} /></td></tr>
              <tr><th scope="row">{t("review.roi")}</th><td className="num">{pct(m.roi)}</td><td className="num">{m.kpi.roi.target === null ? "—" : `${f.number(m.kpi.roi.target)}%`}</td><td><Status status={m.kpi.roi.status} /></td></tr>
            </tbody>
          </table>
        </div>
        <h3>{t("review.revenueTitle")}</h3>
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="revenue-table">
            <tbody>
              <tr><th scope="row">{t("review.ordersLabel")} ({m.ordersCount})</th><td className="num" data-testid="money-orders">{f.money(m.ordersFen)}</td></tr>
              {m.ordersByLine.map((l) => <tr key={l.line}><td>· {t(`common:lines.${l.line}` as "title")} ({l.count})</td><td className="num">{f.money(l.amountFen)}</td></tr>)}
              {m.ordersByKind.map((k) => <tr key={k.kind}><td>· {t(`conversion.kinds.${k.kind}`)} ({k.count})</td><td className="num">{f.money(k.amountFen)}</td></tr>)}
              <tr><th scope="row">{t("review.visitsLabel")} ({m.visitsCount})</th><td className="num" data-testid="money-visits">{f.money(m.visitsFen)}</td></tr>
              <tr><th scope="row">{t("review.revenue")}</th><td className="num">{f.money(m.revenueFen)}</td></tr>
              <tr><th scope="row">{t("review.advanceDeposits")}</th><td className="num">{f.money(m.advanceDepositsFen)}</td></tr>
              <tr><th scope="row">{t("review.dayDeposits")}</th><td className="num">{f.money(m.dayDepositsFen)}</td></tr>
            </tbody>
          </table>
        </div>
        <h3 id="budget-title">{t("review.budgetTitle")}</h3>
        <Chart labels={m.byCategory.map((l) => t(`campaigns:categories.${l.key}` as "title"))}
          series={[{ label: t("review.planned"), values: m.byCategory.map((l) => l.plannedFen / 100) }, { label: t("review.actual"), values: m.byCategory.map((l) => l.actualFen / 100) }]} />
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="budget-table" aria-labelledby="budget-title">
            <thead><tr><th>{t("review.category")}</th><th className="num">{t("review.planned")}</th><th className="num">{t("review.actual")}</th><th className="num">{t("review.missing")}</th></tr></thead>
            <tbody>
              {m.byCategory.map((l) => <tr key={l.key}><td>{t(`campaigns:categories.${l.key}` as "title")}</td><td className="num">{f.money(l.plannedFen)}</td><td className="num">{f.money(l.actualFen)}</td><td className="num">{l.missing || "—"}</td></tr>)}
              {m.byPayer.map((l) => <tr key={l.key}><td>{t("review.payer", { payer: t(`campaigns:payers.${l.key}` as "title") })}</td><td className="num">{f.money(l.plannedFen)}</td><td className="num">{f.money(l.actualFen)}</td><td className="num">{l.missing || "—"}</td></tr>)}
              <tr><th scope="row">{t("review.total")}</th><td className="num">{f.money(m.plannedFen)}</td><td className="num">{f.money(m.actualCostFen)}</td><td className="num">{m.missingActuals || "—"}</td></tr>
            </tbody>
          </table>
        </div>
      </Section>

      <Section id="funnel-title" title={t("review.funnelTitle")} testId="review-funnel">
        <Chart labels={funnelChart.map((s) => t(`review.stages.${s.key}`))} series={[{ label: t("review.count"), values: funnelChart.map((s) => s.count) }]} horizontal height={240} />
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="funnel-table">
            <thead><tr><th>{t("review.stage")}</th><th className="num">{t("review.count")}</th><th className="num">{t("review.rate")}</th><th className="num">{t("review.target")}</th><th>{t("review.status")}</th></tr></thead>
            <tbody>
              {fig.funnel.map((s) => (
                <tr key={s.key} data-testid={`funnel-${s.key}`}>
                  <th scope="row">{t(`review.stages.${s.key}`)}</th>
                  <td className="num" data-testid={`funnel-${s.key}-count`}>{f.number(s.count)}</td>
                  <td className="num">{s.key === "audience" ? "—" : pct(s.rate)}</td>
                  <td className="num">{s.targetRate !== null ? pct(s.targetRate) : s.target !== null ? f.number(s.target) : "—"}</td>
                  <td><Status status={s.status} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">{t("review.funnelNote")}</p>
      </Section>

      <Section id="lift-title" title={t("review.liftTitle")} testId="review-lift">
        {!fig.lift ? <p className="muted" data-testid="lift-none">{t("review.noHoldout")}</p> : (
          <>
            {fig.lift.tooSmall ? <p className="warn" role="note" data-testid="lift-too-small">{t("review.holdoutTooSmall", { size: fig.lift.holdout.size, min: MIN_TRUSTED_HOLDOUT })}</p> : null}
            <div className="table-wrap" tabIndex={0}>
              <table data-testid="lift-table">
                <thead><tr><th>{t("review.group")}</th><th className="num">{t("review.size")}</th><th className="num">{t("review.visitors")}</th><th className="num">{t("review.visitRate")}</th><th className="num">{t("review.groupRevenue")}</th><th className="num">{t("review.revenuePerCustomer")}</th></tr></thead>
                <tbody>
                  {(["invited", "holdout"] as const).map((g) => {
                    const x = fig.lift![g];
                    return (
                      <tr key={g}>
                        <th scope="row">{t(`review.groups.${g}`)}</th>
                        <td className="num" data-testid={`lift-${g}-size`}>{f.number(x.size)}</td>
                        <td className="num">{f.number(x.visitors)}</td>
                        <td className="num" data-testid={`lift-${g}-rate`}>{pct(x.visitRate)}</td>
                        <td className="num">{f.money(x.revenueFen)}</td>
                        <td className="num">{x.revenuePerCustomerFen === null ? "—" : f.money(Math.round(x.revenuePerCustomerFen))}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <dl className="stat-grid">
              <div><dt>{t("review.visitRateDiff")}</dt><dd>{fig.lift.visitRateDiff === null ? "—" : `${fig.lift.visitRateDiff >= 0 ? "+" : ""}${pct(fig.lift.visitRateDiff)}`}</dd></div>
              <div><dt>{t("review.incrementalRevenue")}</dt><dd data-testid="lift-incremental">{money(fig.lift.incrementalRevenueFen)}</dd></div>
              <div><dt>{t("review.incrementalRoi")}</dt><dd data-testid="lift-incremental-roi">{pct(fig.lift.incrementalRoi)}</dd></div>
            </dl>
            <p className="muted">{t("review.liftNote")}</p>
          </>
        )}
      </Section>

      <Section id="breakdown-title" title={t("review.breakdownTitle")} testId="review-breakdowns">
        <h3 id="by-staff">{t("review.byStaff")}</h3>
        {fig.byStaff.length ? (
          <div className="table-wrap" tabIndex={0}>
            <table aria-labelledby="by-staff" data-testid="by-staff">
              <thead><tr><th>{t("review.staff")}</th><th className="num">{t("review.assigned")}</th><th className="num">{t("review.reachRate")}</th><th className="num">{t("review.yesRate")}</th><th className="num">{t("review.arrivalRate")}</th><th className="num">{t("review.conversions")}</th><th className="num">{t("review.groupRevenue")}</th></tr></thead>
              <tbody>
                {fig.byStaff.map((s) => (
                  <tr key={s.key}><th scope="row">{s.name ?? "—"}</th><td className="num">{s.assigned}</td><td className="num">{pct(s.assigned ? s.reached / s.assigned : null)}</td><td className="num">{pct(s.assigned ? s.yes / s.assigned : null)}</td><td className="num">{pct(s.assigned ? s.arrived / s.assigned : null)}</td><td className="num">{s.converted}</td><td className="num">{f.money(s.revenueFen)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : <p className="muted">{t("review.none")}</p>}
        <h3 id="by-group">{t("review.byGroup")}</h3>
        <Chart labels={fig.byGroup.map((g) => groupLabel(t, g.key))} series={[{ label: t("review.invitedCount"), values: fig.byGroup.map((g) => g.invited) }, { label: t("review.arrived"), values: fig.byGroup.map((g) => g.arrived) }, { label: t("review.conversions"), values: fig.byGroup.map((g) => g.converted) }]} />
        <BreakdownTable rows={fig.byGroup} label={(k) => groupLabel(t, k)} labelledBy="by-group" testId="by-group" />
        <h3 id="by-tier">{t("review.byTier")}</h3>
        <BreakdownTable rows={fig.byTier} label={(k) => (k === "unknown" ? t("review.unknown") : t(`common:tiers.${k}` as "title"))} labelledBy="by-tier" testId="by-tier" />
        <h3 id="by-round">{t("review.byRound")}</h3>
        <RoundTable rows={fig.byRound} />
        <h3 id="by-channel">{t("review.byChannel")}</h3>
        {fig.byChannel.length ? (
          <div className="table-wrap" tabIndex={0}>
            <table aria-labelledby="by-channel" data-testid="by-channel">
              <thead><tr><th>{t("review.channel")}</th><th className="num">{t("review.attempts")}</th><th className="num">{t("review.reached")}</th><th className="num">{t("review.yes")}</th></tr></thead>
              <tbody>{fig.byChannel.map((ch) => <tr key={ch.channel}><th scope="row">{t(`invitations:channels.${ch.channel}` as "title")}</th><td className="num">{ch.attempts}</td><td className="num">{ch.reached}</td><td className="num">{ch.yes}</td></tr>)}</tbody>
            </table>
          </div>
        ) : <p className="muted">{t("review.none")}</p>}
        <h3 id="loss-title">{t("review.lossReasons")}</h3>
        {fig.lossReasons.length ? (
          <>
            <Chart labels={fig.lossReasons.map((l) => lossLabel(t, l.reason))} series={[{ label: t("review.count"), values: fig.lossReasons.map((l) => l.count) }]} horizontal height={Math.max(120, 40 * fig.lossReasons.length)} />
            <div className="table-wrap" tabIndex={0}>
              <table aria-labelledby="loss-title" data-testid="loss-reasons">
                <thead><tr><th>{t("review.reason")}</th><th className="num">{t("review.count")}</th></tr></thead>
                <tbody>{fig.lossReasons.map((l) => <tr key={l.reason}><th scope="row">{lossLabel(t, l.reason)}</th><td className="num">{l.count}</td></tr>)}</tbody>
              </table>
            </div>
          </>
        ) : <p className="muted">{t("review.none")}</p>}
      </Section>

      <Section id="touchpoints-title" title={t("review.touchpointsTitle")} testId="review-touchpoints">
        {fig.touchpoints.length ? (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead><tr><th>{t("review.touchpoint")}</th><th className="num">{t("scores.score")}</th><th>{t("scores.indicators")}</th><th>{t("scores.notes")}</th></tr></thead>
              <tbody>{fig.touchpoints.map((s) => (
                <tr key={s.touchpoint}><th scope="row">{t(`scores.touchpoints.${s.touchpoint}` as "title")}</th><td className="num">{s.score} / 5</td><td>{s.indicators.map((i) => t(`scores.indicator.${i}` as "title")).join("、") || "—"}</td><td className="lessons-text">{s.notes ?? "—"}</td></tr>
              ))}</tbody>
            </table>
          </div>
        ) : <p className="muted">{t("review.noScores")}</p>}
      </Section>
    </>
  );
}

type T = ReturnType<typeof useTranslation>["t"];
const groupLabel = (t: T, k: string) => (k === "unknown" ? t("execution:review.unknown") : t("common:groupLabel", { n: k }));
const lossLabel = (t: T, r: string) => (r === "unrecorded" ? t("execution:review.unrecorded") : t(`invitations:lossReasons.${r}` as "title"));

function BreakdownTable({ rows, label, labelledBy, testId }: { rows: BreakdownRow[]; label: (key: string) => string; labelledBy: string; testId: string }) {
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

function RoundTable({ rows }: { rows: AnyRoundRow[] }) {
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

function Lessons({ r, actionData, busy }: { r: ReviewPage; actionData?: ActionData; busy: boolean }) {
  const { t } = useTranslation(["execution", "common"]);
  const f = useFormat();
  const l = r.lessons;
  const fields = [["whatWorked", l.whatWorked], ["whatToChange", l.whatToChange], ["decisions", l.decisions]] as const;
  return (
    <Section id="lessons-title" title={t("review.lessonsTitle")} testId="review-lessons">
      {l.updatedAt ? <p className="muted">{t("review.lessonsSaved", { by: l.updatedByName ?? "—", time: f.dateTime(l.updatedAt) })}</p> : null}
      {r.mayEditLessons ? (
        <Form method="post" data-testid="lessons-form">
          <input type="hidden" name="intent" value="lessons" />
          <input type="hidden" name="version" value={l.version} />
          {fields.map(([k, v]) => (
            <div className="field" key={k}>
              <label htmlFor={`lessons-${k}`}>{t(`review.lessons.${k}`)}</label>
              <textarea id={`lessons-${k}`} name={k} rows={3} maxLength={4000} defaultValue={(actionData?.values?.[k] as string) ?? v ?? ""}
                aria-invalid={actionData?.errors?.[k] ? true : undefined} aria-describedby={actionData?.errors?.[k] ? `lessons-${k}-error` : undefined} />
              <ErrorText id={`lessons-${k}-error`} message={actionData?.errors?.[k]} />
            </div>
          ))}
          <button type="submit" disabled={busy}>{t("review.saveLessons")}</button>
        </Form>
      ) : (
        <dl className="summary">
          {fields.map(([k, v]) => (
            <div key={k}><dt>{t(`review.lessons.${k}`)}</dt><dd className="lessons-text">{v ?? "—"}</dd></div>
          ))}
        </dl>
      )}
    </Section>
  );
}
