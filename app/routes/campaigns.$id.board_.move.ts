/**
 * The board's drag-and-drop move (JSON, JavaScript only): one attempt with the target
 * column's follow-up. Answers { ok, card } — or the refusal with 400/403/404/409; a stale
 * version (409) carries the card's current state. GET (or any method but POST) is a 405.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { getCard } from "~/models/invitation-board.server";
import { InvitationNotFound, recordAttempt, StaleInvitation } from "~/models/invitation.server";
import { CampaignNotFound } from "~/models/campaign.server";
import { getDb } from "~/utils/db.server";
import { parseObject } from "~/utils/form";
import { isStorageFailure, readJson, storageFailure } from "~/utils/http.server";
import { actorOf, attemptContext, campaignIdParam, failure, moveSchema, refusalResponse } from "~/utils/invitation-http.server";
import { requireUser } from "~/utils/session.server";

/** Only POST moves a card: any other method is a 405 (before, a GET ended in Remix's "no loader" error and a logged stack trace). */
const methodNotAllowed = () =>
  json({ ok: false, error: "method_not_allowed", formError: "common:errors.request405" }, { status: 405, headers: { Allow: "POST" } });

export function loader() {
  return methodNotAllowed();
}

export async function action({ request, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request);
  const campaignId = campaignIdParam(params);
  if (request.method !== "POST") return methodNotAllowed();
  // application/json only (415), within the size limit (413); not JSON, or nested too deep: null → 400 below
  const body = await readJson(request);
  const parsed = parseObject(moveSchema(attemptContext(ctx)), body);
  const values = (body ?? {}) as Record<string, unknown>;
  const invitationId = Number(values.invitationId) || null;
  if (!parsed.ok) return failure(400, { formError: Object.values(parsed.errors)[0] ?? "invitations:errors.required", errors: parsed.errors, values, invitationId });
  const db = getDb();
  const args = { storeId: ctx.store.id, campaignId, actor: actorOf(ctx) };
  try {
    const { invitation } = await recordAttempt(db, { ...args, input: parsed.data });
    return json({ ok: true, card: await getCard(db, { ...args, invitationId: invitation.id }) });
  } catch (e) {
    if (e instanceof CampaignNotFound || e instanceof InvitationNotFound) return failure(404, { formError: "invitations:errors.id", errors: {}, values, invitationId });
    if (e instanceof StaleInvitation) {
      return json({ ok: false, stale: true, formError: "invitations:errors.stale", errors: {}, values, invitationId, card: await getCard(db, { ...args, invitationId: e.current.id }) }, { status: 409 });
    }
    // JSON too: the board puts the card back and shows the reason.
    if (isStorageFailure(e)) return storageFailure(e, { ok: false as const, errors: {} as Record<string, string>, values, invitationId });
    return refusalResponse(e, values, invitationId);
  }
}
