import type { ActionFunctionArgs, LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LeadRuleForm } from "~/components/leads/lead-rule-form";
import { ReviewLeadsPanel } from "~/components/review/leads-panel";
import { LeadRuleSchema } from "~/models/lead.schema";
import { applyLeadRule, getCampaignLeadsPage, requireLeadCampaign } from "~/models/lead.server";
import { ErrorPage } from "~/root";
import { formFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { idParam, isStorageFailure, readForm, storageFailure } from "~/utils/http.server";
import { leadActorOf, leadRefusal } from "~/utils/lead-http.server";
import { pageTitle } from "~/utils/meta";
import { requireManager } from "~/utils/session.server";

/** The close of the event day (managers): leads by rule with a preview, and the campaign's leads so far. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = idParam(params.id);
  const url = new URL(request.url);
  const values = Object.fromEntries(url.searchParams);
  const parsed = url.searchParams.has("kind") ? parseObject(LeadRuleSchema, values) : null;
  try {
    const page = await getCampaignLeadsPage(getDb(), { storeId: ctx.store.id, campaignId, rule: parsed?.ok ? parsed.data : null });
    return json({ ...page, values, errors: parsed && !parsed.ok ? parsed.errors : null });
  } catch (e) {
    return leadRefusal(e, {}) as never;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = idParam(params.id);
  await requireLeadCampaign(getDb(), { storeId: ctx.store.id, campaignId }).catch((e) => leadRefusal(e, {}));
  const values = formDataToObject(await readForm(request));
  const parsed = parseObject(LeadRuleSchema, values);
  const expected = /^\d{1,7}$/.test(String(values.expected ?? "")) ? Number(values.expected) : undefined;
  if (!parsed.ok || expected === undefined) return formFailure(400, { formError: "leads:errors.previewFirst", errors: parsed.ok ? {} : parsed.errors, values });
  try {
    const r = await applyLeadRule(getDb(), { storeId: ctx.store.id, campaignId, actor: leadActorOf(ctx), rule: parsed.data, expected });
    return redirect(`/campaigns/${campaignId}/leads?created=${r.created}`);
  } catch (e) {
    if (isStorageFailure(e)) return storageFailure(e, { intent: "", errors: {}, values });
    return leadRefusal(e, values);
  }
}

export const meta = pageTitle<SerializeFrom<typeof loader>>("leads:rule.pageTitle", (d) => d?.campaign?.name);

export default function CampaignLeadsPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("leads");
  const [params] = useSearchParams();
  const created = params.get("created");
  return (
    <>
      <h1>{t("rule.heading", { name: data.campaign.name })}</h1>
      <p><Link to={`/campaigns/${data.campaign.id}`}>{t("rule.back")}</Link></p>
      {created !== null ? <p className="notice" role="status" data-testid="rule-created">{t("rule.created", { count: Number(created) })}</p> : null}
      <LeadRuleForm values={data.values} errors={data.errors} preview={data.preview} />
      <ReviewLeadsPanel leads={data.figures} revenueFen={0} costFen={0} through={data.through} withMoney={false} />
    </>
  );
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
