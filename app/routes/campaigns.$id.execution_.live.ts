/**
 * The check-in desk's live count (issue 15): arrivals against the expected guests (yes + maybe),
 * by staff member and by segment, as JSON for the desk to poll every few seconds. One grouped
 * query over the campaign's invitations; writes nothing.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { CampaignNotFound } from "~/models/campaign.server";
import { deskCounts } from "~/models/checkin-desk.server";
import { getDb } from "~/utils/db.server";
import { IdParam, notFound } from "~/utils/http.server";
import { requireUser } from "~/utils/session.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const id = IdParam.safeParse(params.id);
  if (!id.success) notFound();
  try {
    return json(await deskCounts(getDb(), { storeId: ctx.store.id, campaignId: id.data }), { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    throw e;
  }
}
