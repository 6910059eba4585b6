import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { CampaignNotFound } from "~/models/campaign.server";
import { ReviewQuery } from "~/models/execution.schema";
import { reviewCsv } from "~/models/review-csv";
import { getReview } from "~/models/review.server";
import { getDb } from "~/utils/db.server";
import { badRequest, notFound, IdParam } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { fixedT } from "~/utils/i18n-resources.server";
import { requireManager } from "~/utils/session.server";

const Id = IdParam;

/** GET /campaigns/:id/review/csv — the review's figures as CSV (managers). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const id = Id.safeParse(params.id);
  if (!id.success) notFound();
  const query = ReviewQuery.safeParse({ days: new URL(request.url).searchParams.get("days") ?? "" });
  if (!query.success) return badRequest({ error: "execution:errors.attributionDays" });
  try {
    const review = await getReview(getDb(), { storeId: ctx.store.id, campaignId: id.data, actor: { id: ctx.user.id, role: ctx.user.role }, days: query.data.days });
    // no review before the event: the review page says so
    if (!review.figures) return redirect(`/campaigns/${id.data}/review`);
    const t = fixedT(await getLocale(request));
    const body = reviewCsv(review.figures, review.campaign.name, t);
    const file = `review-${review.campaign.id}.csv`;
    return new Response(body, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${file}"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}
