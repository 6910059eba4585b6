import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { ExportFormat } from "~/models/export.constants";
import { ReviewQuery } from "~/models/execution.schema";
import { reviewExport } from "~/models/export-rows.server";
import { getReview } from "~/models/review.server";
import { getDb } from "~/utils/db.server";
import { exportDownload } from "~/utils/export-http.server";
import { badRequest, idParam } from "~/utils/http.server";
import { requireManager } from "~/utils/session.server";

/** The review's download in a format (the `?format=` one, or CSV for /review/csv). */
export async function reviewDownload({ request, params }: Pick<LoaderFunctionArgs, "request" | "params">, format?: ExportFormat) {
  const ctx = await requireManager(request);
  const campaignId = idParam(params.id);
  const query = ReviewQuery.safeParse({ days: new URL(request.url).searchParams.get("days") ?? "" });
  return exportDownload(request, async (t) => {
    if (!query.success) return badRequest({ error: "execution:errors.attributionDays" });
    const review = await getReview(getDb(), { storeId: ctx.store.id, campaignId, actor: { id: ctx.user.id, role: ctx.user.role }, days: query.data.days });
    // no review before the event: the review page says so
    if (!review.figures) return redirect(`/campaigns/${campaignId}/review`);
    return reviewExport(review.figures, review.campaign, t);
  }, format);
}

/** GET /campaigns/:id/review/export?format=xlsx|csv[&days=N] — the review's figures (managers). */
export const loader = (args: LoaderFunctionArgs) => reviewDownload(args);
