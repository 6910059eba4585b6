/**
 * The check-in desk's scan (issue 15, JavaScript only): POST a form `code=<what the camera or a
 * hardware scanner read>`; answers JSON `{ ok: true, answer }` (checked in, already in with when and
 * by whom, not invited, another campaign's guest, refused with the reason), 400 for an empty or
 * over-long code, 404 for another store's campaign. Any other method is a 405.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { CampaignNotFound } from "~/models/campaign.server";
import { ScanInput } from "~/models/checkin-desk.schema";
import { scanCheckIn } from "~/models/checkin-desk.server";
import { getDb } from "~/utils/db.server";
import { parseFormData } from "~/utils/form";
import { IdParam, isStorageFailure, notFound, readForm, storageFailure } from "~/utils/http.server";
import { requireUser } from "~/utils/session.server";

export function loader() {
  return json({ ok: false, error: "method_not_allowed" }, { status: 405, headers: { Allow: "POST" } });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const id = IdParam.safeParse(params.id);
  if (!id.success) notFound();
  const parsed = parseFormData(ScanInput, await readForm(request));
  if (!parsed.ok) return json({ ok: false, errors: parsed.errors }, { status: 400 });
  try {
    const answer = await scanCheckIn(getDb(), {
      storeId: ctx.store.id, campaignId: id.data, actor: { id: ctx.user.id, role: ctx.user.role }, text: parsed.data.code, timeZone: ctx.store.timezone,
    });
    return json({ ok: true, answer }, { headers: { "Cache-Control": "no-store" } });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    if (isStorageFailure(e)) return storageFailure(e, { ok: false as const, errors: {} as Record<string, string> });
    throw e;
  }
}
