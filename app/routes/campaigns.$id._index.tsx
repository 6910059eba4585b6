import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CampaignHistory } from "~/components/history/campaign-history";
import { KpiTargets, PlanSummary, StatusBadge } from "~/components/plan/plan-summary";
import styles from "~/components/plan/plan.css";
import { Field, TextArea } from "~/components/ui/field";
import { sentText, useFormFailure } from "~/components/ui/use-form-failure";
import { loadCampaignPage } from "~/models/campaign-pages.server";
import { CloneSchema, TransitionSchema, type TransitionAction } from "~/models/campaign.schema";
import { cloneCampaign } from "~/models/campaign.server";
import { takeStep } from "~/models/campaign-workflow.server";
import { useRootData } from "~/root";
import { actionFailure, formFailure, loaderFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { parseFormData } from "~/utils/form";
import { notFound, IdParam, readForm, submittedValues } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { useFormat } from "~/utils/use-format";
import { requireManager, requireUser } from "~/utils/session.server";
import { CampaignLinks } from "~/components/plan/campaign-links";
import { canManage } from "~/models/permissions";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const Id = IdParam;
const Intent = z.object({ intent: z.enum(["transition", "clone"]) });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  try {
    return json(await loadCampaignPage(getDb(), { storeId: ctx.store.id, id: id.data, actor: { id: ctx.user.id, role: ctx.user.role } }));
  } catch (e) {
    loaderFailure(e);
  }
}

/** Where each step leads: starting invitations to them, closing (done on the review) to the review. */
const after = (id: number, action: TransitionAction) =>
  action === "start_invitations" ? `/campaigns/${id}/invitations` : action === "close" ? `/campaigns/${id}/review?saved=close` : `/campaigns/${id}`;

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const fd = await readForm(request);
  const values = submittedValues(fd);
  const which = Intent.safeParse(Object.fromEntries(fd));
  if (!which.success) return formFailure(400, { values, formError: "errors.invalid" });
  const intent = which.data.intent;
  const actor = { id: ctx.user.id, role: ctx.user.role };
  try {
    if (intent === "clone") {
      const parsed = parseFormData(CloneSchema, fd);
      if (!parsed.ok) return formFailure(400, { intent, errors: parsed.errors, values });
      const copy = await cloneCampaign(getDb(), { storeId: ctx.store.id, id: id.data, actor, name: parsed.data.name });
      return redirect(`/campaigns/${copy.id}/plan`);
    }
    const parsed = parseFormData(TransitionSchema, fd);
    if (!parsed.ok) return formFailure(400, { intent, errors: parsed.errors, values });
    const { action, version, comment } = parsed.data;
    // closing early (provisional figures) needs its confirmation, as on the review
    await takeStep(getDb(), { storeId: ctx.store.id, id: id.data, actor, action, expectedVersion: version, comment, confirmEarly: fd.get("confirmEarly") === "on" });
    return redirect(after(id.data, action));
  } catch (e) {
    return actionFailure(e, { intent, values });
  }
}

export const meta = pageTitle<{ detail: { campaign: { name: string } } }>("campaigns:homeTitle", (d) => d.detail.campaign.name);

const FIELD_LABEL: Record<string, string> = {
  segmentId: "campaigns:fields.segment",
  invitationStart: "campaigns:fields.invitationStart",
  invitationEnd: "campaigns:fields.invitationEnd",
  eventStart: "campaigns:fields.eventStart",
  eventEnd: "campaigns:fields.eventEnd",
};

export default function CampaignHome() {
  const { t } = useTranslation(["campaigns", "common"]);
  const data = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const navigation = useNavigation();
  const { user } = useRootData();
  const f = useFormat();
  const c = data.detail.campaign;
  const busy = navigation.state !== "idle";
  const tr = (k: string, params?: Record<string, unknown>) => t(k as "campaigns:title", params as {});
  const withComment = (a: TransitionAction) => a === "return" || a === "cancel" || a === "approve";
  /** the refused form of step `a`, if it was that one */
  const failureOf = (a: TransitionAction) => (failure?.intent === "transition" && sentText(failure, "action") === a ? failure : undefined);
  const cloneFailure = failure?.intent === "clone" ? failure : undefined;
  return (
    <>
      <p><Link to="/campaigns">{t("campaigns:title")}</Link></p>
      <h1>{c.name} <StatusBadge status={c.status} /></h1>
      <p className="muted" data-testid="version-line">
        {t("campaigns:home.version", { version: c.version, at: f.dateTime(c.updated_at), name: data.detail.updatedByName ?? "—" })}
        {c.template_key ? <> · {t("campaigns:home.template", { name: tr(`campaigns:templates.${c.template_key}.name`) })}</> : null}
        {c.cloned_from ? <> · <Link to={`/campaigns/${c.cloned_from}`}>{t("campaigns:home.clonedFrom", { id: c.cloned_from })}</Link></> : null}
      </p>

      <section className="plan-section" aria-labelledby="next-step">
        <h2 id="next-step">{t("campaigns:home.nextStep")}</h2>
        <p data-testid="next-step-text">{tr(`campaigns:nextStep.${c.status}`)}</p>
        {failure?.conflict ? (
          <p className="form-error" role="alert">{t("campaigns:form.conflict", { name: failure.conflict.name ?? t("campaigns:form.conflictSomeone"), at: f.dateTime(failure.conflict.at) })}</p>
        ) : failure?.formError ? (
          <p className="form-error" role="alert" data-testid="workflow-error">
            {failure.missing
              ? t("campaigns:errors.incomplete", { fields: failure.missing.map((m) => tr(FIELD_LABEL[m] ?? m)).join(", ") })
              : tr(failure.formError, failure.formParams)}
          </p>
        ) : null}
        <div className="row">
          {data.mode ? <Link className="button" to={`/campaigns/${c.id}/plan`}>{t("campaigns:form.editPlan")}</Link> : <Link className="button secondary" to={`/campaigns/${c.id}/plan`}>{t("campaigns:form.viewPlan")}</Link>}
          <Link className="button secondary" to={`/campaigns/${c.id}/print`}>{t("campaigns:home.print")}</Link>
        </div>
        <CampaignLinks id={c.id} status={c.status} manager={!!user && canManage(user)} />
        {data.actions.length ? (
          <>
            <h3>{t("campaigns:home.workflow")}</h3>
            {data.actions.map((a) => {
              if (a === "close") {
                // closing happens on the review, where the figures and their finality are shown
                return <p key={a} data-testid="workflow-close"><Link className="button" to={`/campaigns/${c.id}/review#workflow-title`}>{t("campaigns:home.closeOnReview")}</Link></p>;
              }
              return (
                <Form method="post" key={a} className="inline-form" data-testid={`workflow-${a}`}>
                  <input type="hidden" name="intent" value="transition" />
                  <input type="hidden" name="action" value={a} />
                  <input type="hidden" name="version" value={c.version} />
                  {withComment(a) ? (
                    <TextArea id={`comment-${a}`} name="comment" rows={2} failure={failureOf(a)}
                      label={a === "return" ? t("campaigns:home.comment") : t("campaigns:home.commentOptional")} />
                  ) : null}
                  <div className="field">
                    <button type="submit" disabled={busy} className={a === "cancel" ? "danger" : a === "return" ? "secondary" : undefined}>{tr(`campaigns:actions.${a}`)}</button>
                  </div>
                </Form>
              );
            })}
          </>
        ) : null}
        {user && canManage(user) ? (
          <Form method="post" className="inline-form" data-testid="clone-form">
            <input type="hidden" name="intent" value="clone" />
            <Field id="clone-name" name="name" label={t("campaigns:home.cloneName")} failure={cloneFailure} maxLength={120}
              defaultValue={t("campaigns:home.copyOf", { name: c.name })} />
            <div className="field"><button type="submit" className="secondary" disabled={busy}>{t("campaigns:home.clone")}</button></div>
          </Form>
        ) : null}
      </section>

      <section className="plan-section" aria-labelledby="kpi-title">
        <h2 id="kpi-title">{t("campaigns:home.kpiTargets")}</h2>
        <KpiTargets c={c} />
      </section>

      <PlanSummary detail={data.detail} audience={data.audience} sections={["why", "who", "what", "when", "where", "howMuch", "howToDo"]} idPrefix="home" />

      <section className="plan-section" aria-labelledby="history-title">
        <h2 id="history-title">{t("campaigns:sections.history")}</h2>
        <CampaignHistory history={data.detail.history} refs={data.historyRefs} />
      </section>
    </>
  );
}
