/**
 * The customers' touchpoint survey on the invitation page (issue 15): POST one score 1–5 per
 * touchpoint (a plain form, no sign-in, no JavaScript needed). Counted against the page's answer
 * limits (per address and per link, 429 beyond them); appended, the latest counts. Answers with a
 * redirect back to the page, which thanks the guest or says what was wrong.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { InviteLinkNotFound, InviteRefused } from "~/models/invitation-link.server";
import { SurveyForm } from "~/models/touchpoint-survey.schema";
import { rateTouchpoints } from "~/models/touchpoint-survey.server";
import { getDb } from "~/utils/db.server";
import { parseFormData } from "~/utils/form";
import { readForm } from "~/utils/http.server";
import { inviteCheckAddress, inviteCountWrite, inviteMiss, inviteNotFound } from "~/utils/invite-http.server";

export function loader() {
  inviteNotFound();
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = getDb();
  const token = params.token ?? "";
  await inviteCheckAddress(db, request, context);
  const parsed = parseFormData(SurveyForm, await readForm(request));
  const back = (q: string) => redirect(`/i/${token}?${q}#survey`);
  if (!parsed.ok) return back(`survey=${Object.values(parsed.errors)[0]?.endsWith("empty") ? "empty" : "score"}`);
  await inviteCountWrite(db, request, context, token);
  try {
    await rateTouchpoints(db, { token, scores: parsed.data });
    return back("survey=thanks");
  } catch (e) {
    if (e instanceof InviteLinkNotFound) await inviteMiss(db, request, context);
    if (e instanceof InviteRefused) return back(`survey=${e.messageKey.endsWith("notYet") ? "notYet" : "score"}`);
    throw e;
  }
}
