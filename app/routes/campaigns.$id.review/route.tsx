import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ExportLinks } from "~/components/ui/export-links";
import styles from "~/components/charts/execution.css";
import { StatusBadge } from "~/components/plan/plan-summary";
import planStyles from "~/components/plan/plan.css";
import { ErrorText } from "~/components/ui/field";
import { useFormFailure } from "~/components/ui/use-form-failure";
import { CampaignNotFound } from "~/models/campaign.server";
import { ReviewAction, ReviewQuery } from "~/models/execution.schema";
import { closeCampaign, finaliseReview, getReview, reopenCampaign, saveLessons, startReview, type ReviewPage } from "~/models/review.server";
import { actionFailure, formFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { parseFormData } from "~/utils/form";
import { notFound, IdParam, readForm, submittedValues } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { requireManager } from "~/utils/session.server";
import { useFormat } from "~/utils/use-format";
import { Figures } from "./figures";
import { ReviewLeadsPanel } from "~/components/review/leads-panel";
import { campaignLeadFigures } from "~/models/lead.server";
import { Lessons } from "./lessons";

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
    const leads = await campaignLeadFigures(getDb(), { campaignId: id.data, through: review.figures?.attribution?.through ?? null });
    return json({ review, leads, daysError, daysValue: url.searchParams.get("days") ?? "" }, { status: daysError ? 400 : 200 });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const fd = await readForm(request);
  const intent = String(fd.get("intent") ?? "");
  const parsed = parseFormData(ReviewAction, fd);
  if (!parsed.ok) return formFailure(400, { intent, errors: parsed.errors, values: parsed.values });
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
    return actionFailure(e, { intent, values: submittedValues(fd) });
  }
}

export const meta = pageTitle<{ review: ReviewPage }>("execution:review.title", (d) => d.review.campaign.name);

export default function ReviewRoute() {
  const { t } = useTranslation(["execution", "common"]);
  const data = useLoaderData<typeof loader>();
  const actionData = useFormFailure();
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
          <ReviewLeadsPanel leads={data.leads} revenueFen={fig.money.revenueFen} costFen={fig.money.actualCostFen} through={fig.attribution?.through ?? null} />
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
