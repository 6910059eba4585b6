/**
 * Invitation messages (issue 13): one message per contactable invitation (not held out, not
 * do-not-contact) with its own invitation page link, for an SMS platform's batch upload or a
 * WeCom broadcast. The texts are the zh-CN catalog's templates (customers are written to in
 * Chinese whatever language the manager reads), with {称呼} {门店} {活动} {时间} {链接} filled in.
 * The same rows feed `cli messages` and the invitations page's CSV download.
 */
import type { DB } from "#db/client";
import { getCampaignRow } from "./campaign.server";
import { ensureInvitationLinks, greetingOf, inviteUrl, PAGE_STATUSES } from "./invitation-link.server";
import { InvitationRefused } from "./invitation.server";
import { csvDocument, csvLine } from "~/utils/csv";
import type { ExportTable } from "./export-table";
import { formatLocalDateTime } from "~/utils/format";
import { fixedT } from "~/utils/i18n-resources.server";

export const MESSAGE_CHANNELS = ["sms", "wecom"] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];
export const MESSAGES_CSV_HEADER = ["customer_code", "name", "phone", "channel", "message", "link"] as const;

/** Fills {name} variables; unknown variables stay as written (a template's typo shows). */
export function renderMessage(template: string, vars: Record<string, string>): string {
  return template.replace(/\{([^{}]{1,10})\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name]! : whole));
}

/** 王先生 / 李女士 from the gender, else the full name (as the invitation page greets). */
export function salutation(name: string, gender: "M" | "F" | null): string {
  const g = greetingOf(name, gender);
  const t = fixedT("zh-CN");
  return g.kind === "title" ? t(`invite:messages.title${g.title}`, { surname: g.surname }) : g.name;
}

/** The event time as a message says it: 2026/12/12 09:00. */
export function messageTime(local: string | null): string {
  return local ? formatLocalDateTime(local, "zh-CN") : "";
}

export interface MessageRow {
  customer_code: string;
  name: string;
  phone: string | null;
  channel: MessageChannel;
  message: string;
  link: string;
}

export async function listInvitationMessages(
  db: DB,
  { storeId, campaignId, baseUrl, channel = "sms", now = new Date() }: { storeId: number; campaignId: number; baseUrl: string; channel?: MessageChannel; now?: Date },
): Promise<MessageRow[]> {
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  if (!PAGE_STATUSES.includes(campaign.status) || campaign.status === "reviewing") throw new InvitationRefused("invitations:errors.notInviting", 409);
  const store = await db.selectFrom("stores").select("name").where("id", "=", storeId).executeTakeFirstOrThrow();
  const links = await ensureInvitationLinks(db, { storeId, campaignId, now });
  const rows = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
    .select(["invitations.id", "customers.customer_code", "customers.name", "customers.phone", "customers.gender"])
    .where("invitations.campaign_id", "=", campaignId).where("invitations.store_id", "=", storeId)
    .where("invitations.holdout", "=", 0).where("customers.do_not_contact", "=", 0)
    .orderBy("customers.customer_code").execute();
  const template = fixedT("zh-CN")(`invite:messages.${channel}`);
  const shared = { 门店: store.name, 活动: campaign.theme || campaign.name, 时间: messageTime(campaign.event_start) };
  return rows.flatMap((r) => {
    const token = links.get(r.id);
    if (!token) return [];
    const link = inviteUrl(baseUrl, token);
    return [{
      customer_code: r.customer_code, name: r.name, phone: r.phone, channel,
      message: renderMessage(template, { ...shared, 称呼: salutation(r.name, r.gender), 链接: link }), link,
    }];
  });
}

/** CSV lines (header first), formula-safe cells (the review CSV's writer). */
export function messagesCsvLines(rows: MessageRow[]): string[] {
  return [csvLine([...MESSAGES_CSV_HEADER]), ...rows.map((r) => csvLine(MESSAGES_CSV_HEADER.map((k) => r[k])))];
}

const messageCells = (rows: MessageRow[]) => rows.map((r) => MESSAGES_CSV_HEADER.map((k) => r[k]));

/** The download: UTF-8 with a BOM (Excel on Chinese Windows reads it as UTF-8), CRLF lines. */
export function messagesCsv(rows: MessageRow[]): string {
  return csvDocument([[...MESSAGES_CSV_HEADER], ...messageCells(rows)]);
}

/** The messages as an export table (the page's CSV download, written by the shared writer). */
export function messagesExport(rows: MessageRow[], { campaignId, channel }: { campaignId: number; channel: MessageChannel }): ExportTable {
  return {
    sheetName: "messages", fileStem: `messages-${campaignId}-${channel}`,
    columns: MESSAGES_CSV_HEADER.map((header) => ({ header, text: header === "phone" || header === "customer_code" })), rows: messageCells(rows),
  };
}
