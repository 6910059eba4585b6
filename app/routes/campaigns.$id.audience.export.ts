import type { LoaderFunctionArgs } from "@remix-run/node";
import { CampaignNotFound } from "~/models/campaign.server";
import { audienceExport } from "~/models/export-rows.server";
import { getDb } from "~/utils/db.server";
import { exportFormat, exportResponse } from "~/utils/export-http.server";
import { notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { fixedT } from "~/utils/i18n-resources.server";
import { campaignIdParam } from "~/utils/invitation-http.server";
import { requireManager } from "~/utils/session.server";
import { canSeePhones } from "~/models/permissions";

/** GET /campaigns/:id/audience/export?format=xlsx|csv — the campaign's invitations (managers, as the invitations page). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = campaignIdParam(params);
  const format = exportFormat(request);
  try {
    const table = await audienceExport(getDb(), { storeId: ctx.store.id, campaignId, t: fixedT(await getLocale(request)), maskPhones: !canSeePhones(ctx.user) });
    return exportResponse(table, format);
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}
