import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CampaignHistory } from "~/components/history/campaign-history";
import { KpiTargets, PlanSummary, StatusBadge } from "~/components/plan/plan-summary";
import styles from "~/components/plan/plan.css";
import { ErrorText } from "~/components/ui/field";
import { loadCampaignPage } from "~/models/campaign-pages.server";
import { CloneSchema, TransitionSchema, type TransitionAction } from "~/models/campaign.schema";
import { CampaignNotFound, cloneCampaign, PlanIncomplete, StaleVersion, transition, TransitionNotAllowed } from "~/models/campaign.server";
import { useRootData } from "~/root";
import { getDb } from "~/utils/db.server";
import { parseFormData, type FieldErrors } from "~/utils/form";
import { notFound, IdParam, storageFailure, readForm } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { useFormat } from "~/utils/use-format";
import { requireManager, requireUser } from "~/utils/session.server";
import { CampaignLinks } from "~/components/plan/campaign-links";
import { InvitationRefused, startInvitations } from "~/models/invitation.server";
import { ExecutionRefused } from "~/models/execution-errors";
import { closeCampaign } from "~/models/review.server";
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
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}

type ActionData = { for: string; errors?: FieldErrors; formError?: string; missing?: string[]; conflict?: { name: string | null; at: string }; comment?: string; name?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const fd = await readForm(request);
  const intent = Intent.safeParse(Object.fromEntries(fd));
  if (!intent.success) return json<ActionData>({ for: "", formError: "errors.invalid" }, { status: 400 });
  const actor = { id: ctx.user.id, role: ctx.user.role };
  const db = getDb();
  try {
    if (intent.data.intent === "clone") {
      const parsed = parseFormData(CloneSchema, fd);
      if (!parsed.ok) return json<ActionData>({ for: "clone", errors: parsed.errors, name: String(fd.get("name") ?? "") }, { status: 400 });
      const copy = await cloneCampaign(db, { storeId: ctx.store.id, id: id.data, actor, name: parsed.data.name });
      return redirect(`/campaigns/${copy.id}/plan`);
    }
    const parsed = parseFormData(TransitionSchema, fd);
    const which = String(fd.get("action") ?? "");
    if (!parsed.ok) return json<ActionData>({ for: which, errors: parsed.errors, comment: String(fd.get("comment") ?? "") }, { status: 400 });
    if (parsed.data.action === "start_invitations") {
      // Starting invitations also snapshots the audience (and draws the hold-out).
      await startInvitations(db, { storeId: ctx.store.id, campaignId: id.data, actor, expectedVersion: parsed.data.version });
      return redirect(`/campaigns/${id.data}/invitations`);
    }
    if (parsed.data.action === "close") {
      // one way to close: the review's, which freezes the figures (and asks for a reason while they are provisional)
      await closeCampaign(db, { storeId: ctx.store.id, campaignId: id.data, actor, comment: parsed.data.comment, confirmEarly: fd.get("confirmEarly") === "on" });
      return redirect(`/campaigns/${id.data}/review?saved=close`);
    }
    await transition(db, { storeId: ctx.store.id, id: id.data, actor, action: parsed.data.action, comment: parsed.data.comment, expectedVersion: parsed.data.version });
    return redirect(`/campaigns/${id.data}`);
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    // one Refused class now (errors.ts): a refusal of starting invitations answers that form, as before
    if (e instanceof InvitationRefused && String(fd.get("action") ?? "") === "start_invitations") {
      return json<ActionData>({ for: "start_invitations", formError: e.messageKey }, { status: e.status === 404 ? 400 : e.status });
    }
    if (e instanceof ExecutionRefused) {
      if (e.status === 403) throw json({ error: "forbidden" }, { status: 403 });
      return json<ActionData>({ for: "close", formError: e.messageKey, comment: String(fd.get("comment") ?? "") }, { status: e.status === 404 ? 400 : e.status });
    }
    if (e instanceof TransitionNotAllowed) throw json({ error: `transition_${e.reason}` }, { status: 403 });
    if (e instanceof PlanIncomplete) return json<ActionData>({ for: "submit", formError: "campaigns:errors.incomplete", missing: e.missing }, { status: 400 });
    if (e instanceof StaleVersion) return json<ActionData>({ for: String(fd.get("action") ?? ""), conflict: { name: e.current.updatedByName, at: e.current.updatedAt } }, { status: 409 });
    const clone = intent.data.intent === "clone";
    return storageFailure(e, (clone ? { for: "clone", name: String(fd.get("name") ?? "") } : { for: String(fd.get("action") ?? ""), comment: String(fd.get("comment") ?? "") }) satisfies ActionData);
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
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const navigation = useNavigation();
  const { user } = useRootData();
  const f = useFormat();
  const c = data.detail.campaign;
  const busy = navigation.state !== "idle";
  const tr = (k: string) => t(k as "campaigns:title");
  const withComment = (a: TransitionAction) => a === "return" || a === "cancel" || a === "approve";
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
        {actionData?.conflict ? (
          <p className="form-error" role="alert">{t("campaigns:form.conflict", { name: actionData.conflict.name ?? t("campaigns:form.conflictSomeone"), at: f.dateTime(actionData.conflict.at) })}</p>
        ) : null}
        {actionData?.formError ? (
          <p className="form-error" role="alert" data-testid="workflow-error">
            {actionData.missing
              ? t("campaigns:errors.incomplete", { fields: actionData.missing.map((m) => tr(FIELD_LABEL[m] ?? m)).join(", ") })
              : tr(actionData.formError)}
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
              const commentId = `comment-${a}`;
              const err = actionData?.for === a ? actionData.errors?.comment : undefined;
              return (
                <Form method="post" key={a} className="inline-form" data-testid={`workflow-${a}`}>
                  <input type="hidden" name="intent" value="transition" />
                  <input type="hidden" name="action" value={a} />
                  <input type="hidden" name="version" value={c.version} />
                  {withComment(a) ? (
                    <div className="field">
                      <label htmlFor={commentId}>{a === "return" ? t("campaigns:home.comment") : t("campaigns:home.commentOptional")}</label>
                      <textarea id={commentId} name="comment" rows={2} aria-invalid={err ? true : undefined} aria-describedby={err ? `${commentId}-error` : undefined}
                        defaultValue={actionData?.for === a ? actionData.comment : undefined} />
                      <ErrorText id={`${commentId}-error`} message={err} />
                    </div>
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
            <div className="field">
              <label htmlFor="clone-name">{t("campaigns:home.cloneName")}</label>
              <input id="clone-name" name="name" defaultValue={actionData?.for === "clone" && actionData.name !== undefined ? actionData.name : t("campaigns:home.copyOf", { name: c.name })} maxLength={120}
                aria-invalid={actionData?.for === "clone" && actionData.errors?.name ? true : undefined} aria-describedby={actionData?.for === "clone" ? "clone-name-error" : undefined} />
              <ErrorText id="clone-name-error" message={actionData?.for === "clone" ? actionData.errors?.name : undefined} />
            </div>
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
