import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { CampaignNotFound } from "~/models/campaign.server";
import { ReviewQuery } from "~/models/execution.schema";
import { reviewExport } from "~/models/export-rows.server";
import { getReview } from "~/models/review.server";
import { getDb } from "~/utils/db.server";
import { exportFormat, exportResponse } from "~/utils/export-http.server";
import { badRequest, idParam, notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { fixedT } from "~/utils/i18n-resources.server";
import { requireManager } from "~/utils/session.server";

/** GET /campaigns/:id/review/export?format=xlsx|csv[&days=N] — the review's figures (managers). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = idParam(params.id);
  const format = exportFormat(request);
  const query = ReviewQuery.safeParse({ days: new URL(request.url).searchParams.get("days") ?? "" });
  if (!query.success) return badRequest({ error: "execution:errors.attributionDays" });
  try {
    const review = await getReview(getDb(), { storeId: ctx.store.id, campaignId, actor: { id: ctx.user.id, role: ctx.user.role }, days: query.data.days });
    // no review before the event: the review page says so
    if (!review.figures) return redirect(`/campaigns/${campaignId}/review`);
    return exportResponse(reviewExport(review.figures, review.campaign, fixedT(await getLocale(request))), format);
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}
