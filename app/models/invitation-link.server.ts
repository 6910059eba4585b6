/**
 * The invitation page (邀请函, issue 13, decision 017): each contactable invitation (not held
 * out, customer not do-not-contact) gets an unguessable token, created lazily (when its link is
 * first needed: the messages export, the page's tests). `/i/<token>` shows the customer the
 * campaign and lets them answer yes / maybe / no until the event starts: every answer is an
 * attempt with channel `self` and no staff user, through the same recordAttempt as the board.
 * An unknown token, a held-out card, a closed or cancelled campaign all look the same: not found.
 */
import { waitlistPosition } from "./seats.server";
import crypto from "node:crypto";
import type { DB } from "#db/client";
import { constraintViolation, inChunks, toInt } from "#db/dialect";
import type { CampaignStatus } from "./campaign.schema";
import { localNow, todayIn } from "~/utils/format";
import { invitationCode } from "./invitation-code";
import type { AttemptInput } from "./invitation.schema";
import { appendEvents, InvitationRefused, recordAttemptIn, SELF, StaleInvitation } from "./invitation.server";
import type { InviteAnswer } from "./invite.schema";
import { InviteLinkNotFound, InviteRefused } from "./errors";
export { InviteLinkNotFound, InviteRefused };

/** 18 random bytes: 144 bits, 24 characters of base64url. */
export const TOKEN_BYTES = 18;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{24}$/;

export function newLinkToken(): string {
  return crypto.randomBytes(TOKEN_BYTES).toString("base64url");
}

/** Statuses in which the page opens (it shows the answer until the review closes). */
export const PAGE_STATUSES: readonly CampaignStatus[] = ["inviting", "executing", "reviewing"];
/** Statuses in which the customer may still answer (and only before the event starts). */
export const ANSWER_STATUSES: readonly CampaignStatus[] = ["inviting", "executing"];

/** Who may get a link and a message: not held out, not do-not-contact. */
export function isContactable(row: { holdout: number; do_not_contact: number }): boolean {
  return !toInt(row.holdout) && !toInt(row.do_not_contact);
}

/** `PUBLIC_URL/i/<token>` (a trailing slash of the base is dropped). */
export function inviteUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, "")}/i/${token}`;
}

/**
 * The link token of every contactable invitation of a campaign, creating the missing ones.
 * Returns invitation id → token (held-out and do-not-contact invitations have none listed).
 */
export async function ensureInvitationLinks(db: DB, { storeId, campaignId, now = new Date() }: { storeId: number; campaignId: number; now?: Date }) {
  const rows = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
    .leftJoin("invitation_links", "invitation_links.invitation_id", "invitations.id")
    .select(["invitations.id", "invitations.holdout", "customers.do_not_contact", "invitation_links.token"])
    .where("invitations.campaign_id", "=", campaignId).where("invitations.store_id", "=", storeId)
    .orderBy("invitations.id").execute();
  const out = new Map<number, string>();
  const missing: number[] = [];
  for (const r of rows) {
    if (!isContactable(r)) continue;
    if (r.token) out.set(r.id, r.token);
    else missing.push(r.id);
  }
  if (missing.length) {
    const at = now.toISOString();
    for (let i = 0; i < missing.length; i += 400) {
      const chunk = missing.slice(i, i + 400);
      // another process may make the same links at the same time: the first one's tokens stay
      await db.insertInto("invitation_links").values(chunk.map((id) => ({ invitation_id: id, token: newLinkToken(), created_at: at })))
        .onConflict((oc) => oc.column("invitation_id").doNothing()).execute();
    }
    const made = await inChunks(missing, (chunk) => db.selectFrom("invitation_links").select(["invitation_id", "token"]).where("invitation_id", "in", chunk).execute());
    for (const m of made) out.set(m.invitation_id, m.token);
  }
  return out;
}

/** The token of one invitation (made when missing), or null when it may not be contacted. */
export async function linkTokenFor(db: DB, { storeId, campaignId, invitationId }: { storeId: number; campaignId: number; invitationId: number }) {
  return (await ensureInvitationLinks(db, { storeId, campaignId })).get(invitationId) ?? null;
}

// ── the page ──

const COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯", "端木", "西门", "南宫"];

/**
 * How the page greets the customer: a Chinese name with a known gender → surname + title
 * (王先生 / 李女士); anything else → the full name.
 */
export function greetingOf(name: string, gender: "M" | "F" | null): { kind: "title"; surname: string; title: "M" | "F" } | { kind: "name"; name: string } {
  const n = name.trim();
  if ((gender === "M" || gender === "F") && /^[\u3400-\u9fff]{2,4}$/.test(n)) {
    const surname = COMPOUND_SURNAMES.find((s) => n.startsWith(s) && n.length > s.length) ?? n[0]!;
    return { kind: "title", surname, title: gender };
  }
  return { kind: "name", name: n };
}

/** A plate with its middle hidden: 豫A12345 → 豫A***45. */
export function maskPlate(plate: string | null | undefined): string | null {
  if (!plate) return null;
  const p = [...plate.trim()];
  if (p.length <= 4) return `${p[0] ?? ""}***`;
  return `${p.slice(0, 2).join("")}${"*".repeat(p.length - 4)}${p.slice(-2).join("")}`;
}


export async function loadLink(db: DB, token: string) {
  if (!TOKEN_SHAPE.test(token)) throw new InviteLinkNotFound();
  const row = await db.selectFrom("invitation_links")
    .innerJoin("invitations", "invitations.id", "invitation_links.invitation_id")
    .innerJoin("customers", "customers.id", "invitations.customer_id")
    .innerJoin("campaigns", "campaigns.id", "invitations.campaign_id")
    .innerJoin("stores", "stores.id", "invitations.store_id")
    .select([
      "invitation_links.invitation_id", "invitation_links.token", "invitation_links.companions", "invitation_links.responded_at", "invitation_links.opted_out_at",
      "invitations.store_id", "invitations.campaign_id", "invitations.customer_id", "invitations.holdout", "invitations.result", "invitations.version",
      "invitations.loss_reason",
      "customers.name as customer_name", "customers.gender", "customers.do_not_contact",
      "campaigns.name as campaign_name", "campaigns.theme", "campaigns.offer", "campaigns.venue", "campaigns.event_start", "campaigns.event_end", "campaigns.status",
      "stores.name as store_name", "stores.timezone",
    ])
    .where("invitation_links.token", "=", token).executeTakeFirst();
  if (!row || toInt(row.holdout) || !PAGE_STATUSES.includes(row.status)) throw new InviteLinkNotFound();
  // marked do-not-contact by staff: the link is gone; opted out on the page: it says so
  if (toInt(row.do_not_contact) && !row.opted_out_at) throw new InviteLinkNotFound();
  return row;
}
type LinkRow = Awaited<ReturnType<typeof loadLink>>;

/** Why the customer may not answer now, or null: the campaign moved on, the event started, they opted out. */
function answerRefusal(row: LinkRow, now: Date): string | null {
  if (row.opted_out_at) return "invite:errors.optedOut";
  if (!ANSWER_STATUSES.includes(row.status)) return "invite:errors.closed";
  if (row.event_start && localNow(row.timezone, now) >= row.event_start.slice(0, 16)) return "invite:errors.started";
  return null;
}

/** What the invitation page shows: nothing about the customer but the greeting and a masked plate. */
export async function getInvitePage(db: DB, { token, now = new Date() }: { token: string; now?: Date }) {
  const row = await loadLink(db, token);
  const vehicle = await db.selectFrom("vehicles").select("plate").where("customer_id", "=", row.customer_id).where("plate", "is not", null)
    .orderBy("purchase_date", "desc").orderBy("id").limit(1).executeTakeFirst();
  const refusal = answerRefusal(row, now);
  // issue 15: a yes beyond the capacity waits for a seat (no check-in code until seated)
  const seatRow = await db.selectFrom("invitations").select(["id", "campaign_id", "seat", "waitlisted_at"]).where("id", "=", row.invitation_id).executeTakeFirstOrThrow();
  const waitlist = row.result === "yes" ? await waitlistPosition(db, seatRow) : null;
  return {
    token: row.token,
    waitlist,
    store: row.store_name,
    timezone: row.timezone,
    campaign: {
      theme: row.theme || row.campaign_name, offer: row.offer, venue: row.venue, eventStart: row.event_start, eventEnd: row.event_end,
    },
    greeting: greetingOf(row.customer_name, row.gender),
    plate: maskPlate(vehicle?.plate),
    result: row.result,
    lossReason: row.loss_reason,
    companions: row.companions === null ? null : toInt(row.companions),
    answered: !!row.responded_at,
    optedOut: !!row.opted_out_at,
    canAnswer: refusal === null,
    refusal,
    /** the door's check-in code, only once the answer is yes */
    code: row.result === "yes" && waitlist === null ? invitationCode(row.invitation_id) : null,
  };
}
export type InvitePage = Awaited<ReturnType<typeof getInvitePage>>;

/**
 * The customer's answer: an attempt with channel `self` (no staff user) through recordAttemptIn,
 * so the card moves, the history and the review see it. A yes still waits for a staff member's
 * intent verification; a maybe asks for a follow-up today; a no carries the reason if one was
 * given. Companions are kept on the link (and in the history when they change).
 */
export async function respondToInvitation(db: DB, { token, answer, now = new Date() }: { token: string; answer: Omit<InviteAnswer, "intent">; now?: Date }) {
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await loadLink(trx, token);
      const refusal = answerRefusal(row, now);
      if (refusal) throw new InviteRefused(refusal, 409);
      const base = { invitationId: row.invitation_id, version: toInt(row.version), channel: "phone" as const, note: answer.note };
      const input: AttemptInput = answer.response === "yes"
        ? { ...base, outcome: "yes", intentVerified: false, deposit: null, depositReceipt: null }
        : answer.response === "maybe"
          ? { ...base, outcome: "maybe", nextFollowUp: todayIn(row.timezone, now), managerJoins: false }
          : { ...base, outcome: "no", lossReason: answer.lossReason as NonNullable<typeof answer.lossReason>, lossNote: null };
      const { invitation, attemptId } = await recordAttemptIn(trx, { storeId: row.store_id, campaignId: row.campaign_id, actor: SELF, input, now });
      const at = now.toISOString();
      await trx.updateTable("invitation_links").set({ companions: answer.companions, responded_at: at }).where("invitation_id", "=", row.invitation_id).execute();
      if ((row.companions ?? null) !== (answer.companions ?? null)) {
        await appendEvents(trx, [{
          invitationId: row.invitation_id, campaignId: row.campaign_id, userId: null, kind: "follow_up", field: "companions",
          oldValue: row.companions, newValue: answer.companions, attemptId,
        }], at);
      }
      return { result: invitation.result, attemptId };
    });
  } catch (e) {
    // two answers at once: the second one is told to look again
    if (e instanceof StaleInvitation) throw new InviteRefused("invite:errors.again", 409);
    if (e instanceof InvitationRefused) throw new InviteRefused("invite:errors.closed", 409);
    if (constraintViolation(e)) throw new InviteRefused("invite:errors.again", 409);
    throw e;
  }
}

/**
 * The customer opts out on the page (回T退订 on the web): the customer becomes do-not-contact,
 * written to the customer's change history (no user) and the invitation's history.
 */
export async function optOutFromInvitation(db: DB, { token, now = new Date() }: { token: string; now?: Date }) {
  return db.transaction().execute(async (trx) => {
    const row = await loadLink(trx, token);
    if (row.opted_out_at) return;
    const at = now.toISOString();
    await trx.updateTable("customers").set({ do_not_contact: 1, updated_at: at }).where("id", "=", row.customer_id).execute();
    if (!toInt(row.do_not_contact)) {
      await trx.insertInto("customer_changes").values({
        store_id: row.store_id, customer_id: row.customer_id, user_id: null, field: "do_not_contact", old_value: "0", new_value: "1", changed_at: at,
      }).execute();
    }
    await trx.updateTable("invitation_links").set({ opted_out_at: at }).where("invitation_id", "=", row.invitation_id).execute();
    // messages and reminders still queued for the customer never go out (decision 022)
    await trx.updateTable("outbox").set({ status: "cancelled", provider_answer: "opted out on the invitation page", claimed_by: null, claimed_until: null })
      .where("customer_id", "=", row.customer_id).where("status", "=", "queued").execute();
    await appendEvents(trx, [{ invitationId: row.invitation_id, campaignId: row.campaign_id, userId: null, kind: "opt_out", field: "do_not_contact", oldValue: 0, newValue: 1 }], at);
  });
}

/**
 * The calendar entry's facts (the route makes the .ics with the `ics` package), or null while the
 * answer is not yes (or the event has no time).
 */
export async function getInviteCalendar(db: DB, { token, now = new Date() }: { token: string; now?: Date }) {
  const page = await getInvitePage(db, { token, now });
  if (page.result !== "yes" || !page.campaign.eventStart || page.optedOut) return null;
  return page;
}
