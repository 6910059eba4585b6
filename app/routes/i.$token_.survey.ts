/**
 * The customers' touchpoint survey on the invitation page (issue 15): POST one score 1–5 per
 * touchpoint (no sign-in, no JavaScript needed). Counted against the page's answer limits (per
 * address and per link, 429 beyond them); appended, the latest counts. Accepted: a redirect back
 * to the page, which thanks the guest. Refused: the one failure shape (decision 023) to the
 * page's script (a fetcher), or, to a page without JavaScript (a document post), a redirect back
 * to the page that says what was wrong.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { InviteLinkNotFound, InviteRefused } from "~/models/invitation-link.server";
import { SurveyForm } from "~/models/touchpoint-survey.schema";
import { rateTouchpoints } from "~/models/touchpoint-survey.server";
import { actionFailure, formFailure } from "~/utils/action.server";
import { getDb } from "~/utils/db.server";
import { formDataToObject, parseObject } from "~/utils/form";
import { readForm } from "~/utils/http.server";
import { inviteCheckAddress, inviteCountWrite, inviteMiss, inviteNotFound } from "~/utils/invite-http.server";

export function loader() {
  inviteNotFound();
}

const INTENT = "survey";

/** A form posted by a page without JavaScript asks for a page back (it cannot show JSON). */
const wantsPage = (request: Request) => (request.headers.get("Accept") ?? "").includes("text/html");

/** The page's `?survey=` status for a refusal's message key. */
const statusOf = (key: string | null | undefined) => (["empty", "notYet"].find((k) => key?.endsWith(`.${k}`)) ?? "score");

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = getDb();
  const token = params.token ?? "";
  await inviteCheckAddress(db, request, context);
  const values = formDataToObject(await readForm(request));
  const back = (q: string) => redirect(`/i/${token}?survey=${q}#survey`);
  const parsed = parseObject(SurveyForm, values);
  if (!parsed.ok) {
    if (wantsPage(request)) return back(statusOf(Object.values(parsed.errors)[0]));
    return formFailure(400, { intent: INTENT, errors: parsed.errors, values });
  }
  await inviteCountWrite(db, request, context, token);
  try {
    await rateTouchpoints(db, { token, scores: parsed.data });
    return back("thanks");
  } catch (e) {
    if (e instanceof InviteLinkNotFound) await inviteMiss(db, request, context);
    if (e instanceof InviteRefused && wantsPage(request)) return back(statusOf(e.messageKey));
    return actionFailure(e, { intent: INTENT, values });
  }
}
