/**
 * The gateway's inbound replies (issue 13, decision 022): a customer who answers an SMS with
 * "T", "TD" or "退订" is marked do-not-contact — every customer with that mobile number, in every
 * store (the number is the person; a dealership group's stores share the gateway and the sender
 * signature, and an opt-out that only held in one store would be broken by the next) — with a
 * history row (no user) for each, and their queued messages are cancelled.
 */
import { z } from "zod";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import { normalizePhone, toHalfWidth } from "./import-values";
import { appendEvents } from "./invitation.server";

export const InboundSmsSchema = z.object({
  phone: z.string().trim().min(1).max(40),
  text: z.string().max(1000),
});
export type InboundSms = z.output<typeof InboundSmsSchema>;

const OPT_OUT_WORDS = new Set(["T", "TD", "退订"]);

/** Whether a reply's text is an opt-out: T / TD / 退订, in any case or width, spaces and punctuation around ignored. */
export function isOptOutText(text: string): boolean {
  const t = toHalfWidth(text).trim().replace(/^[\s.。!！,，]+|[\s.。!！,，]+$/g, "").toUpperCase();
  return OPT_OUT_WORDS.has(t);
}

export async function handleInboundSms(db: DB, { phone, text, now = new Date() }: InboundSms & { now?: Date }) {
  if (!isOptOutText(text)) return { optOut: false as const, customers: 0, cancelled: 0 };
  const number = normalizePhone(phone);
  if (!number) return { optOut: true as const, customers: 0, cancelled: 0 };
  return db.transaction().execute(async (trx) => {
    const customers = await trx.selectFrom("customers").select(["id", "store_id", "do_not_contact"]).where("phone", "=", number).orderBy("id").execute();
    const at = now.toISOString();
    const fresh = customers.filter((c) => !toInt(c.do_not_contact));
    if (fresh.length) {
      await trx.updateTable("customers").set({ do_not_contact: 1, updated_at: at }).where("id", "in", fresh.map((c) => c.id)).execute();
      await trx.insertInto("customer_changes").values(fresh.map((c) => ({
        store_id: c.store_id, customer_id: c.id, user_id: null, field: "do_not_contact", old_value: "0", new_value: "1", changed_at: at,
      }))).execute();
      // the cards of campaigns still inviting say so in their history, as an opt-out on the invitation page does
      const open = await trx.selectFrom("invitations").innerJoin("campaigns", "campaigns.id", "invitations.campaign_id")
        .select(["invitations.id", "invitations.campaign_id"]).where("invitations.customer_id", "in", fresh.map((c) => c.id))
        .where("campaigns.status", "in", ["inviting", "executing"]).execute();
      if (open.length) {
        await appendEvents(trx, open.map((i) => ({
          invitationId: i.id, campaignId: i.campaign_id, userId: null, kind: "opt_out" as const, field: "do_not_contact", oldValue: 0, newValue: 1,
        })), at);
      }
    }
    let cancelled = 0;
    if (customers.length) {
      const r = await trx.updateTable("outbox").set({ status: "cancelled", provider_answer: "opted out by SMS", claimed_by: null, claimed_until: null })
        .where("customer_id", "in", customers.map((c) => c.id)).where("status", "=", "queued").executeTakeFirst();
      cancelled = Number(r.numUpdatedRows ?? 0);
    }
    return { optOut: true as const, customers: fresh.length, cancelled };
  });
}
