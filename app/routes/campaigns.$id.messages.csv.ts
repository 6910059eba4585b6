import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { CampaignNotFound } from "~/models/campaign.server";
import { listInvitationMessages, MESSAGE_CHANNELS, messagesCsv, type MessageChannel } from "~/models/invitation-messages.server";
import { InvitationRefused } from "~/models/invitation.server";
import { getDb } from "~/utils/db.server";
import { notFound } from "~/utils/http.server";
import { campaignIdParam } from "~/utils/invitation-http.server";
import { publicBaseUrl } from "~/utils/invite-http.server";
import { requireManager } from "~/utils/session.server";

/** GET /campaigns/:id/messages/csv[?channel=sms|wecom] — the invitation messages with their links (managers). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = campaignIdParam(params);
  const raw = new URL(request.url).searchParams.get("channel") ?? "sms";
  const channel: MessageChannel = (MESSAGE_CHANNELS as readonly string[]).includes(raw) ? (raw as MessageChannel) : "sms";
  try {
    const rows = await listInvitationMessages(getDb(), { storeId: ctx.store.id, campaignId, baseUrl: publicBaseUrl(request), channel });
    return new Response(messagesCsv(rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="messages-${campaignId}-${channel}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  } catch (e) {
    if (e instanceof CampaignNotFound) notFound();
    // before invitations start or after the event: no messages to send; the invitations page says where the campaign stands
    if (e instanceof InvitationRefused) return redirect(`/campaigns/${campaignId}/invitations`);
    throw e;
  }
}
