import type { LoaderFunctionArgs } from "@remix-run/node";
import { segmentMembersExport } from "~/models/export-rows.server";
import { getDb } from "~/utils/db.server";
import { exportDownload } from "~/utils/export-http.server";
import { idParam } from "~/utils/http.server";
import { requireUser } from "~/utils/session.server";

/** GET /segments/:id/export?format=xlsx|csv — the saved segment's members (staff: masked phones, as the page). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request);
  const segmentId = idParam(params.id);
  return exportDownload(request, (t) => segmentMembersExport(getDb(), { storeId: ctx.store.id, segmentId, t, viewer: ctx.user }));
}
