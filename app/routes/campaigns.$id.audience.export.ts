import type { LoaderFunctionArgs } from "@remix-run/node";
import { audienceExport } from "~/models/export-rows.server";
import { getDb } from "~/utils/db.server";
import { exportDownload } from "~/utils/export-http.server";
import { campaignIdParam } from "~/utils/invitation-http.server";
import { requireManager } from "~/utils/session.server";

/** GET /campaigns/:id/audience/export?format=xlsx|csv — the campaign's invitations (managers, as the invitations page). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = campaignIdParam(params);
  return exportDownload(request, (t) => audienceExport(getDb(), { storeId: ctx.store.id, campaignId, t, viewer: ctx.user }));
}
