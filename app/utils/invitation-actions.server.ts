/**
 * The actions the board and the call workbench share (issue 18), so that both pages judge a
 * card the same way:
 *
 * - `cardFormAction`: the card forms that post the page (no JavaScript on the board, always on
 *   the workbench) — confirm the script, log an attempt, verify a loss or a yes's intent. A
 *   failure is the one form shape `{ intent, errors, values, formError }` (decision 023) with the
 *   card it was about (`invitationId`), so the board shows it on that card; what was saved is
 *   returned for the route's own redirect.
 * - `cardJsonAction`: the board's JSON endpoints (a drag-and-drop move, a card's own form with
 *   JavaScript; "not forms" in decision 023): `{ ok: true, card }`, or the same failure shape with
 *   `ok: false` — a stale card (409) also carries the card's current state (`card`).
 */
import { json } from "@remix-run/node";
import { getCard, type Card } from "~/models/invitation-board.server";
import { CampaignNotFound, InvitationNotFound, StaleInvitation } from "~/models/errors";
import { confirmScript, recordAttempt, verifyIntent, verifyLoss } from "~/models/invitation.server";
import { attemptSchema, boardFormSchema, moveSchema, type BoardFormInput } from "~/models/invitation.schema";
import { actionFailure, formFailure } from "./action.server";
import { getDb } from "./db.server";
import { formDataToObject, parseObject, type FieldErrors } from "./form";
import { parseId } from "./id";
import { readForm, readJson } from "./http.server";
import { actorOf, attemptContext, campaignIdParam } from "./invitation-http.server";
import { requireUser } from "./session.server";

type Args = { request: Request; params: { id?: string } };

/** A refused form's first field error: the message above a card's form (each field shows its own). */
const firstError = (errors: FieldErrors) => Object.values(errors)[0] ?? "invitations:errors.required";

/** The card a form was about (none: confirming the script). */
function cardOf(input: BoardFormInput): number | null {
  if (input.intent === "confirm_script") return null;
  return input.intent === "attempt" ? input.attempt.invitationId : input.invitationId;
}

/** A card form of the board or the workbench: its failure answer, or the campaign and card saved. */
export async function cardFormAction({ request, params }: Args): Promise<Response | { campaignId: number; invitationId: number | null }> {
  const ctx = await requireUser(request);
  const campaignId = campaignIdParam(params);
  const values = formDataToObject(await readForm(request));
  const intent = String(values.intent ?? "");
  const parsed = parseObject(boardFormSchema(attemptContext(ctx)), values);
  const invitationId = parsed.ok ? cardOf(parsed.data) : parseId(values.invitationId);
  if (!parsed.ok) return formFailure(400, { intent, errors: parsed.errors, values, formError: firstError(parsed.errors), invitationId });
  const db = getDb();
  const args = { storeId: ctx.store.id, campaignId, actor: actorOf(ctx) };
  try {
    const input = parsed.data;
    if (input.intent === "confirm_script") await confirmScript(db, args);
    else if (input.intent === "attempt") await recordAttempt(db, { ...args, input: input.attempt });
    else if (input.intent === "verify_intent") await verifyIntent(db, { ...args, invitationId: input.invitationId, version: input.version });
    else await verifyLoss(db, { ...args, invitationId: input.invitationId, version: input.version });
  } catch (e) {
    return actionFailure(e, { intent, values, invitationId });
  }
  return { campaignId, invitationId };
}

/** Only POST saves a card: any other method is a 405 (a GET would end in Remix's "no loader" error). */
export const methodNotAllowed = () =>
  json({ ok: false, error: "method_not_allowed", formError: "common:errors.request405" }, { status: 405, headers: { Allow: "POST" } });

/**
 * One attempt posted as JSON: `move` (a drop on a column, with its follow-up) or `attempt` (a
 * card's own form). application/json only (415), within the size limit (413); a body that is
 * not JSON, or nested too deep, is refused with 400 as a bad value.
 */
export async function cardJsonAction({ request, params }: Args, kind: "move" | "attempt") {
  const ctx = await requireUser(request);
  const campaignId = campaignIdParam(params);
  if (request.method !== "POST") return methodNotAllowed();
  const body = await readJson(request);
  const values = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const invitationId = parseId(values.invitationId);
  const refused = (status: number, extra: { errors?: FieldErrors; formError: string; stale?: boolean; card?: Card }) =>
    json({ ok: false as const, intent: kind, errors: {}, values, invitationId, ...extra }, { status });
  const parsed = parseObject((kind === "move" ? moveSchema : attemptSchema)(attemptContext(ctx)), body);
  if (!parsed.ok) return refused(400, { errors: parsed.errors, formError: kind === "move" ? firstError(parsed.errors) : "invitations:errors.required" });
  const db = getDb();
  const args = { storeId: ctx.store.id, campaignId, actor: actorOf(ctx) };
  try {
    const { invitation } = await recordAttempt(db, { ...args, input: parsed.data });
    return json({ ok: true as const, card: await getCard(db, { ...args, invitationId: invitation.id }) });
  } catch (e) {
    // JSON for the client code that called: a 404 page would not say which card
    if (e instanceof CampaignNotFound || e instanceof InvitationNotFound) return refused(404, { formError: "invitations:errors.id" });
    if (e instanceof StaleInvitation) return refused(409, { stale: true, formError: "invitations:errors.stale", card: await getCard(db, { ...args, invitationId: e.current.id }) });
    // a refusal, a storage failure (503): the board puts the card back and shows the reason
    return actionFailure(e, { intent: kind, values, invitationId });
  }
}
