import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { CampaignHistory } from "~/components/history/campaign-history";
import { PlanForm } from "~/components/plan/plan-form";
import { PlanSummary, StatusBadge } from "~/components/plan/plan-summary";
import styles from "~/components/plan/plan.css";
import { loadCampaignPage } from "~/models/campaign-pages.server";
import { AmendSchema, PlanSchema, type PlanFormValues } from "~/models/campaign.schema";
import { amendPlan, CampaignNotFound, InvalidReferences, planFormValues, PlanNotEditable, StaleVersion, updatePlan } from "~/models/campaign.server";
import { useRootData } from "~/root";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject, type FieldErrors } from "~/utils/form";
import { forbidden, notFound, IdParam, storageFailure, readForm } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { requireManager, requireUser } from "~/utils/session.server";
import { canManage } from "~/models/permissions";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const Id = IdParam;
const Post = z.object({ intent: z.enum(["save", "autosave"]).catch("save"), mode: z.enum(["edit", "amend"]).catch("edit") });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  try {
    const page = await loadCampaignPage(getDb(), { storeId: ctx.store.id, id: id.data, actor: { id: ctx.user.id, role: ctx.user.role }, withOptions: true });
    return json({ ...page, storeId: ctx.store.id, values: planFormValues(page.detail) });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}

type ActionData = { errors?: FieldErrors; values?: PlanFormValues; conflict?: { name: string | null; at: string }; formError?: string; ok?: boolean; version?: number; savedAt?: string; budgetIds?: number[]; taskIds?: number[] };

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const values = formDataToObject(await readForm(request)) as PlanFormValues & { intent?: string; mode?: string };
  const { intent, mode } = Post.parse(values);
  const actor = { id: ctx.user.id, role: ctx.user.role };
  const reply = (data: ActionData, status: number) => json<ActionData>(data, { status });
  try {
    let saved: { version: number; updatedAt: string; budgetIds: number[]; taskIds: number[] };
    if (mode === "amend") {
      const parsed = parseObject(AmendSchema, values);
      if (!parsed.ok) return reply({ errors: parsed.errors, values }, 400);
      saved = await amendPlan(getDb(), { storeId: ctx.store.id, id: id.data, actor, input: parsed.data });
    } else {
      const parsed = parseObject(PlanSchema, values);
      if (!parsed.ok) return reply({ errors: parsed.errors, values }, 400);
      saved = await updatePlan(getDb(), { storeId: ctx.store.id, id: id.data, actor, input: parsed.data });
    }
    if (intent === "autosave") return reply({ ok: true, version: saved.version, savedAt: saved.updatedAt, budgetIds: saved.budgetIds, taskIds: saved.taskIds }, 200);
    return redirect(`/campaigns/${id.data}/plan?saved=1`);
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    if (e instanceof StaleVersion) return reply({ conflict: { name: e.current.updatedByName, at: e.current.updatedAt }, values }, 409);
    if (e instanceof InvalidReferences) return reply({ errors: e.errors, values }, 400);
    if (e instanceof PlanNotEditable) forbidden();
    return storageFailure(e, { values } satisfies ActionData);
  }
}

export const meta = pageTitle<{ detail: { campaign: { name: string } } }>("campaigns:planTitle", (d) => d.detail.campaign.name);

export default function CampaignPlan() {
  const { t } = useTranslation(["campaigns", "common"]);
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
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
          defaultValues={actionData?.values ?? data.values}
          serverErrors={actionData?.errors}
          conflict={actionData?.conflict ?? null}
          formError={actionData?.formError}
          segments={data.segments}
          users={data.users}
          audience={data.audience}
          justSaved={params.has("saved") && !actionData}
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
