import type { LoaderFunctionArgs } from "@remix-run/node";
import { segmentMembersExport } from "~/models/export-rows.server";
import { SegmentNotFound } from "~/models/segment.server";
import { getDb } from "~/utils/db.server";
import { exportFormat, exportResponse } from "~/utils/export-http.server";
import { idParam, notFound } from "~/utils/http.server";
import { getLocale } from "~/utils/i18n.server";
import { fixedT } from "~/utils/i18n-resources.server";
import { requireUser } from "~/utils/session.server";
import { canSeePhones } from "~/models/permissions";

/** GET /segments/:id/export?format=xlsx|csv — the saved segment's members (staff: masked phones, as the page). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const segmentId = idParam(params.id);
  const format = exportFormat(request);
  try {
    const table = await segmentMembersExport(getDb(), { storeId: ctx.store.id, segmentId, t: fixedT(await getLocale(request)), maskPhones: !canSeePhones(ctx.user) });
    return exportResponse(table, format);
  } catch (e) {
    if (e instanceof SegmentNotFound) notFound();
    throw e;
  }
}
