import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { listInvitationMessages, MESSAGE_CHANNELS, messagesExport, type MessageChannel } from "~/models/invitation-messages.server";
import { InvitationRefused } from "~/models/invitation.server";
import { getDb } from "~/utils/db.server";
import { exportDownload } from "~/utils/export-http.server";
import { campaignIdParam } from "~/utils/invitation-http.server";
import { publicBaseUrl } from "~/utils/invite-http.server";
import { requireManager } from "~/utils/session.server";

/** GET /campaigns/:id/messages/csv[?channel=sms|wecom] — the invitation messages with their links (managers). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ctx = await requireManager(request);
  const campaignId = campaignIdParam(params);
  const raw = new URL(request.url).searchParams.get("channel") ?? "sms";
  const channel: MessageChannel = (MESSAGE_CHANNELS as readonly string[]).includes(raw) ? (raw as MessageChannel) : "sms";
  return exportDownload(request, async () => {
    try {
      const rows = await listInvitationMessages(getDb(), { storeId: ctx.store.id, campaignId, baseUrl: publicBaseUrl(request), channel });
      return messagesExport(rows, { campaignId, channel });
    } catch (e) {
      // before invitations start or after the event: no messages to send; the invitations page says where the campaign stands
      if (e instanceof InvitationRefused) return redirect(`/campaigns/${campaignId}/invitations`);
      throw e;
    }
  }, "csv");
}
