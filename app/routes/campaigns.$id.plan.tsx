import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CampaignHistory } from "~/components/history/campaign-history";
import { PlanForm, type AutosaveAnswer } from "~/components/plan/plan-form";
import { PlanSummary, StatusBadge } from "~/components/plan/plan-summary";
import styles from "~/components/plan/plan.css";
import { useFormFailure } from "~/components/ui/use-form-failure";
import { loadCampaignPage } from "~/models/campaign-pages.server";
import { AmendSchema, PlanSchema } from "~/models/campaign.schema";
import { amendPlan, planFormValues, updatePlan } from "~/models/campaign.server";
import { useRootData } from "~/root";
import { actionFailure, formFailure, loaderFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { notFound, IdParam, readForm } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { requireManager, requireUser } from "~/utils/session.server";
import { canManage } from "~/models/permissions";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const Id = IdParam;
/** "save" (the form) or "autosave" (its fetcher); "amend" after approval (KPI, budget, tasks only). */
const Post = z.object({ intent: z.enum(["save", "autosave"]).catch("save"), mode: z.enum(["edit", "amend"]).catch("edit") });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  try {
    const page = await loadCampaignPage(getDb(), { storeId: ctx.store.id, id: id.data, actor: { id: ctx.user.id, role: ctx.user.role }, withOptions: true });
    return json({ ...page, storeId: ctx.store.id, values: planFormValues(page.detail) });
  } catch (e) {
    loaderFailure(e);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const values = formDataToObject(await readForm(request));
  const { intent, mode } = Post.parse(values);
  const target = { storeId: ctx.store.id, id: id.data, actor: { id: ctx.user.id, role: ctx.user.role } };
  const parsed = mode === "amend" ? { amend: true as const, ...parseObject(AmendSchema, values) } : { amend: false as const, ...parseObject(PlanSchema, values) };
  if (!parsed.ok) return formFailure(400, { intent, errors: parsed.errors, values });
  try {
    const saved = parsed.amend
      ? await amendPlan(getDb(), { ...target, input: parsed.data })
      : await updatePlan(getDb(), { ...target, input: parsed.data });
    if (intent === "autosave") return json<AutosaveAnswer>({ ok: true, version: saved.version, savedAt: saved.updatedAt, budgetIds: saved.budgetIds, taskIds: saved.taskIds });
    return redirect(`/campaigns/${id.data}/plan?saved=1`);
  } catch (e) {
    return actionFailure(e, { intent, values });
  }
}

export const meta = pageTitle<{ detail: { campaign: { name: string } } }>("campaigns:planTitle", (d) => d.detail.campaign.name);

export default function CampaignPlan() {
  const { t } = useTranslation(["campaigns", "common"]);
  const data = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const [params] = useSearchParams();
  const { timezone, user } = useRootData();
  const c = data.detail.campaign;
  return (
    <>
      <p><Link to={`/campaigns/${c.id}`}>{c.name}</Link></p>
      <h1>{t("campaigns:planTitle")}: {c.name} <StatusBadge status={c.status} /></h1>
      {data.mode === null ? (
        <>
          <p className="notice">{user && !canManage(user) ? t("campaigns:form.readOnly") : t("campaigns:form.notEditable")}</p>
          <PlanSummary detail={data.detail} audience={data.audience} />
        </>
      ) : (
        <PlanForm
          key={c.id}
          mode={data.mode}
          storeId={data.storeId}
          campaignId={c.id}
          defaultValues={data.values}
          segments={data.segments}
          users={data.users}
          audience={data.audience}
          justSaved={params.has("saved") && !failure}
          savedAt={c.updated_at}
          timezone={timezone}
          locked={data.mode === "amend" ? <PlanSummary detail={data.detail} audience={data.audience} sections={["why", "who", "what", "when", "where"]} idPrefix="locked" /> : null}
        />
      )}
      <section className="plan-section" aria-labelledby="plan-history">
        <h2 id="plan-history">{t("campaigns:sections.history")}</h2>
        <CampaignHistory history={data.detail.history} refs={data.historyRefs} />
      </section>
    </>
  );
}
