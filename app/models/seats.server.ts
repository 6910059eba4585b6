/**
 * Capacity and waitlist (issue 15). A campaign may have a capacity (seats). A yes takes a seat
 * while seats are free; beyond them it goes on the waitlist, in the order the yes was recorded
 * (waitlisted_at, then id). When a seated yes turns into anything else (the customer declines,
 * is unsure, or the card is reopened), the seat is freed and the first on the waitlist is
 * promoted to it at once — directly, not offered: they already said yes, so they are expected;
 * the board and their invitation page show the seat from then on, and the day-before reminder
 * the outbox sends to every yes reaches them as to any other guest.
 *
 * Race safety: the caller holds the campaign row locked (`lockCampaignSeats`, FOR UPDATE on
 * PostgreSQL; SQLite transactions begin IMMEDIATE and hold the write lock) from before the
 * count to the commit, so two concurrent yes for the last seat are serialised: one is seated,
 * the other waitlisted.
 *
 * The functions return the seat changes as invitation history rows; the caller appends them
 * (invitation.server's appendEvents) in the same transaction.
 */
import type { DB } from "#db/client";
import { forUpdate, toInt } from "#db/dialect";
import type { Invitation } from "#db/schema";

export type Seat = "seated" | "waitlisted" | null;

export interface SeatEvent {
  invitationId: number;
  campaignId: number;
  userId: number | null;
  kind: "seat";
  field: "seat";
  oldValue: string | null;
  newValue: string | null;
}

/** Locks the campaign's row until the transaction ends and returns its capacity. */
export async function lockCampaignSeats(trx: DB, campaignId: number): Promise<number | null> {
  const row = await forUpdate(trx, trx.selectFrom("campaigns").select("capacity").where("id", "=", campaignId)).executeTakeFirstOrThrow();
  return row.capacity === null ? null : toInt(row.capacity);
}

async function seatedCount(trx: DB, campaignId: number): Promise<number> {
  const row = await trx.selectFrom("invitations").select((eb) => eb.fn.countAll().as("n"))
    .where("campaign_id", "=", campaignId).where("seat", "=", "seated").executeTakeFirstOrThrow();
  return toInt(row.n);
}

const event = (inv: { id: number; campaign_id: number }, userId: number | null, oldValue: Seat, newValue: Seat): SeatEvent =>
  ({ invitationId: inv.id, campaignId: inv.campaign_id, userId, kind: "seat", field: "seat", oldValue, newValue });

/**
 * Promotes the first of the waitlist while seats are free (after a seat was freed or the
 * capacity raised or removed: no capacity seats everyone waiting).
 */
export async function promoteWaitlist(trx: DB, { campaignId, capacity, userId, at }: { campaignId: number; capacity: number | null; userId: number | null; at: string }): Promise<SeatEvent[]> {
  let free = capacity === null ? Number.MAX_SAFE_INTEGER : capacity - (await seatedCount(trx, campaignId));
  if (free <= 0) return [];
  const waiting = await trx.selectFrom("invitations").select(["id", "campaign_id"])
    .where("campaign_id", "=", campaignId).where("seat", "=", "waitlisted")
    .orderBy("waitlisted_at").orderBy("id").limit(Math.min(free, 10_000)).execute();
  const events: SeatEvent[] = [];
  for (const w of waiting) {
    if (free-- <= 0) break;
    await trx.updateTable("invitations").set((eb) => ({ seat: "seated" as const, waitlisted_at: null, version: eb("version", "+", 1), updated_at: at }))
      .where("id", "=", w.id).execute();
    events.push(event(w, userId, "waitlisted", "seated"));
  }
  return events;
}

/**
 * After an invitation's result changed from `before` to `after` (the caller has written the
 * result and holds the campaign lock): seats or waitlists a new yes, frees the seat of a yes
 * that is one no more and promotes the first waiting. No capacity: nothing to do.
 */
export async function applySeatChange(
  trx: DB,
  { invitation, after, capacity, userId, at }: { invitation: Pick<Invitation, "id" | "campaign_id" | "result" | "seat">; after: string; capacity: number | null; userId: number | null; at: string },
): Promise<SeatEvent[]> {
  const was = invitation.seat ?? null;
  if (after === "yes") {
    if (was !== null || capacity === null) return [];
    const seat: Seat = (await seatedCount(trx, invitation.campaign_id)) < capacity ? "seated" : "waitlisted";
    await trx.updateTable("invitations").set({ seat, waitlisted_at: seat === "waitlisted" ? at : null }).where("id", "=", invitation.id).execute();
    return [event(invitation, userId, null, seat)];
  }
  if (was === null) return [];
  await trx.updateTable("invitations").set({ seat: null, waitlisted_at: null }).where("id", "=", invitation.id).execute();
  const events = [event(invitation, userId, was, null)];
  if (was === "seated") events.push(...(await promoteWaitlist(trx, { campaignId: invitation.campaign_id, capacity, userId, at })));
  return events;
}

/** The campaign's seats: capacity, seated, waiting; null without a capacity. */
export async function seatSummary(db: DB, campaignId: number): Promise<{ capacity: number; seated: number; waitlisted: number } | null> {
  const c = await db.selectFrom("campaigns").select("capacity").where("id", "=", campaignId).executeTakeFirst();
  if (!c || c.capacity === null) return null;
  const rows = await db.selectFrom("invitations").select((eb) => ["seat", eb.fn.countAll().as("n")])
    .where("campaign_id", "=", campaignId).where("seat", "is not", null).groupBy("seat").execute();
  const n = (s: string) => toInt(rows.find((r) => r.seat === s)?.n ?? 0);
  return { capacity: toInt(c.capacity), seated: n("seated"), waitlisted: n("waitlisted") };
}

/** Position on the waitlist (1 = next to be seated), or null when not waiting. */
export async function waitlistPosition(db: DB, invitation: Pick<Invitation, "id" | "campaign_id" | "seat" | "waitlisted_at">): Promise<number | null> {
  if (invitation.seat !== "waitlisted" || !invitation.waitlisted_at) return null;
  const ahead = await db.selectFrom("invitations").select((eb) => eb.fn.countAll().as("n"))
    .where("campaign_id", "=", invitation.campaign_id).where("seat", "=", "waitlisted")
    .where((eb) => eb.or([
      eb("waitlisted_at", "<", invitation.waitlisted_at!),
      eb.and([eb("waitlisted_at", "=", invitation.waitlisted_at!), eb("id", "<", invitation.id)]),
    ])).executeTakeFirstOrThrow();
  return toInt(ahead.n) + 1;
}
