import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getInviteCalendar, InviteLinkNotFound } from "~/models/invitation-link.server";
import { inviteIcs } from "~/models/invite-calendar.server";
import { getDb } from "~/utils/db.server";
import { getLocale } from "~/utils/i18n.server";
import { inviteCheckAddress, inviteMiss } from "~/utils/invite-http.server";
import { fixedT } from "~/utils/i18n-resources.server";

/** GET /i/:token/calendar — the event as an .ics file, once the customer said yes. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const db = getDb();
  await inviteCheckAddress(db, request, context);
  try {
    const page = await getInviteCalendar(db, { token: params.token ?? "" });
    // not (or no longer) a yes: the page says where the answer stands
    if (!page) return redirect(`/i/${params.token}`);
    const t = fixedT(await getLocale(request));
    const body = inviteIcs(page, { code: t("invite:checkin.code"), offer: t("invite:offer") });
    return new Response(body, {
      headers: {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'attachment; filename="invitation.ics"',
        "Cache-Control": "no-store",
        "X-Robots-Tag": "noindex",
      },
    });
  } catch (e) {
    if (e instanceof InviteLinkNotFound) await inviteMiss(db, request, context);
    throw e;
  }
}
