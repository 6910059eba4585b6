import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { PlanForm } from "~/components/plan/plan-form";
import styles from "~/components/plan/plan.css";
import { loadNewPlan } from "~/models/campaign-pages.server";
import { PlanSchema, type PlanFormValues } from "~/models/campaign.schema";
import { createCampaign } from "~/models/campaign.server";
import { actionFailure, formFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { todayIn } from "~/utils/format";
import { formDataToObject, parseObject } from "~/utils/form";
import { readForm } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { fixedT } from "~/utils/i18n-resources.server";
import { pageTitle } from "~/utils/meta";
import { requireManager } from "~/utils/session.server";
import { useRootData } from "~/root";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

const Query = z.object({ template: z.string().max(60).optional().catch(undefined) });

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const { template } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const t = fixedT(await getLocale(request));
  return json({
    storeId: ctx.store.id,
    ...(await loadNewPlan(getDb(), { storeId: ctx.store.id, actor: { id: ctx.user.id, role: ctx.user.role }, t, templateKey: template ?? null, today: todayIn(ctx.store.timezone) })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const values = formDataToObject(await readForm(request)) as PlanFormValues;
  const parsed = parseObject(PlanSchema, values);
  if (!parsed.ok) return formFailure(400, { errors: parsed.errors, values });
  try {
    const c = await createCampaign(getDb(), { storeId: ctx.store.id, actor: { id: ctx.user.id, role: ctx.user.role }, input: parsed.data });
    return redirect(`/campaigns/${c.id}/plan?saved=new`);
  } catch (e) {
    return actionFailure(e, { values });
  }
}

export const meta = pageTitle("campaigns:newTitle");

export default function NewCampaign() {
  const { t } = useTranslation(["campaigns", "common"]);
  const data = useLoaderData<typeof loader>();
  const { timezone } = useRootData();
  const who = (groups: number[], tiers: string[]) =>
    [...tiers.map((x) => t(`common:tiers.${x}` as "common:tiers.A")), ...groups.map((g) => `${t("common:groupLabel", { n: g })} · ${t(`common:groups.${g}.name` as "common:groups.1.name")}`)].join(", ");
  return (
    <>
      <h1>{t("campaigns:newTitle")}</h1>
      <nav aria-labelledby="tpl-title">
        <h2 id="tpl-title">{t("campaigns:form.templates")}</h2>
        <ul className="template-list">
          <li>
            <Link to="/campaigns/new" aria-current={data.templateKey === null ? "true" : undefined}>
              <strong>{t("campaigns:form.blank")}</strong>
            </Link>
          </li>
          {data.templates.map((tpl) => (
            <li key={tpl.key}>
              <Link to={`/campaigns/new?template=${tpl.key}`} aria-current={data.templateKey === tpl.key ? "true" : undefined} data-testid={`template-${tpl.key}`}>
                <strong>{t(`campaigns:templates.${tpl.key}.name` as "campaigns:title")}</strong>
                <br />
                <span className="muted">{t(`campaigns:templates.${tpl.key}.description` as "campaigns:title")}</span>
                <br />
                <span className="muted">{t("campaigns:form.templateFor", { who: who(tpl.groups, tpl.tiers) })}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <PlanForm key={data.templateKey ?? "blank"} mode="new" storeId={data.storeId} campaignId={null} defaultValues={data.values}
        segments={data.segments} users={data.users} audience={null} timezone={timezone} />
    </>
  );
}
