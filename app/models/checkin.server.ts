/**
 * Check-in at the door (到店签到), built like a ticket scanner: one search (last 4 phone
 * digits, plate, name or invitation code) and one tap. Answers: checked in; already
 * checked in (when, by whom); no exact match → the nearest invited guests first (a code,
 * phone, name or plate one keystroke off), then register a walk-in / associated customer;
 * hold-out → checked in and marked; outside the event window → refused unless a manager
 * overrides. A (campaign, invitation) pair has at most one arrival: the unique constraint
 * decides between two tablets tapping at once, and the loser is told who won.
 */
import crypto from "node:crypto";
import type { DB } from "#db/client";
import { constraintViolation, toInt } from "#db/dialect";
import type { Campaign } from "#db/schema";
import { localNow } from "~/utils/format";
import { getStoreSettings } from "./settings.server";
import { getCampaignRow, type Actor } from "./campaign.server";
import type { CampaignStatus } from "./campaign.schema";
import { AlreadyCheckedIn, ExecutionRefused } from "./execution-errors";
import { normalizePhone } from "./import-csv.server";
import { CODE_ALPHABET, decodeInvitationCode, invitationCode } from "./invitation-code";
import { eventLastDay } from "./review-math";
import { canManage, phoneFor } from "./permissions";
import { CustomerExists } from "./errors";
export { CustomerExists };


/** Statuses in which the door is open during the event days. */
export const CHECKIN_STATUSES: readonly CampaignStatus[] = ["inviting", "executing"];
/** Statuses in which a manager may still record an arrival after the fact (override). */
export const OVERRIDE_STATUSES: readonly CampaignStatus[] = ["inviting", "executing", "reviewing"];

/** One collator (creating one per comparison costs milliseconds). */
const byName = new Intl.Collator("zh-CN");

/** Where today (in the store's time zone) lies against the event days. */
export function eventWindowState(campaign: Pick<Campaign, "event_start" | "event_end">, today: string): "before" | "during" | "after" | "unknown" {
  const first = campaign.event_start?.slice(0, 10) ?? null;
  const last = eventLastDay(campaign.event_start, campaign.event_end);
  if (!first || !last) return "unknown";
  if (today < first) return "before";
  if (today > last) return "after";
  return "during";
}

/** The desk's clock: the store's local time now ("YYYY-MM-DDTHH:MM") and how early the desk opens. */
export interface DeskClock {
  localNow: string;
  opensMinutes: number;
}

/** The store's clock for the desk (one read of the store's settings). */
export async function deskClock(db: DB, { storeId, timeZone, now = new Date() }: { storeId: number; timeZone: string; now?: Date }): Promise<DeskClock> {
  const settings = await getStoreSettings(db, { storeId });
  return { localNow: localNow(timeZone, now), opensMinutes: settings.checkinOpensMinutes };
}

/** "YYYY-MM-DDTHH:MM" minus `minutes`, as local wall-clock text (no time zone involved). */
export function minutesBefore(local: string, minutes: number): string {
  const [d, t = "00:00"] = local.split("T");
  const [y, m, day] = d!.split("-").map(Number);
  const [h, min] = t.slice(0, 5).split(":").map(Number);
  return new Date(Date.UTC(y!, m! - 1, day!, h!, min! - minutes)).toISOString().slice(0, 16);
}

/**
 * When the desk opens (local time): the event's start less the store's `checkinOpensMinutes`, so
 * guests who come early are welcomed; it stays open to the end of the event's last day. An event
 * given as a bare date starts at 00:00. Null without an event date.
 */
export function deskOpensAt(campaign: Pick<Campaign, "event_start">, opensMinutes: number): string | null {
  if (!campaign.event_start) return null;
  const start = campaign.event_start.length >= 16 ? campaign.event_start.slice(0, 16) : `${campaign.event_start.slice(0, 10)}T00:00`;
  return minutesBefore(start, opensMinutes);
}

/** Where now lies against the desk's hours: before it opens, open, after the event's last day. */
export function deskState(campaign: Pick<Campaign, "event_start" | "event_end">, clock: DeskClock): "before" | "open" | "after" | "unknown" {
  const opens = deskOpensAt(campaign, clock.opensMinutes);
  const last = eventLastDay(campaign.event_start, campaign.event_end);
  if (!opens || !last) return "unknown";
  if (clock.localNow < opens) return "before";
  if (clock.localNow.slice(0, 10) > last) return "after";
  return "open";
}

/**
 * Whether an arrival may be recorded now: null when allowed, or the refusal. The desk opens
 * `opensMinutes` before the event's start and closes after its last day; outside those hours
 * (or after the event moved to review) a manager may override; staff may not. Before the desk
 * opens the refusal says when it opens.
 */
export function checkinRefusal(campaign: Pick<Campaign, "status" | "event_start" | "event_end">, clock: DeskClock, actor: Actor, override: boolean): ExecutionRefused | null {
  if (!OVERRIDE_STATUSES.includes(campaign.status)) return new ExecutionRefused("execution:checkin.campaignNotOpen", 409);
  const state = deskState(campaign, clock);
  const inWindow = CHECKIN_STATUSES.includes(campaign.status) && state === "open";
  if (inWindow) return null;
  if (override && canManage(actor)) return null;
  if (state === "before" && CHECKIN_STATUSES.includes(campaign.status)) {
    const opens = deskOpensAt(campaign, clock.opensMinutes)!;
    return new ExecutionRefused(canManage(actor) ? "execution:checkin.opensAtManager" : "execution:checkin.opensAt", 409, "_form", { date: opens.slice(0, 10), time: opens.slice(11, 16) });
  }
  return new ExecutionRefused(canManage(actor) ? "execution:checkin.outsideWindowManager" : "execution:checkin.outsideWindow", 409);
}

export interface CheckinMatch {
  invitationId: number;
  code: string;
  name: string;
  phone: string | null;
  plates: string[];
  kind: "audience" | "associated";
  holdout: boolean;
  result: string;
  assigneeName: string | null;
  arrival: { id: number; arrivedAt: string; byName: string | null; walkIn: boolean } | null;
}

/**
 * The ids of the campaign's invitations matching a search term, at most `limit`. Each kind
 * of term is its own query driven by the campaign's invitations (never by a scan of the
 * store's customers or vehicles): an invitation code is an exact id, 4 digits the phone's
 * end, anything else a name or plate fragment.
 */
async function matchingInvitationIds(db: DB, storeId: number, campaignId: number, term: string, limit: number): Promise<number[]> {
  // the campaign is the store's (checked once here); the queries below go by campaign only, so
  // SQLite drives them from the campaign's invitations rather than from every row of the store
  await getCampaignRow(db, { storeId, id: campaignId });
  const codeId = decodeInvitationCode(term);
  const inCampaign = () => db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
    .select("invitations.id").where("invitations.campaign_id", "=", campaignId);
  if (codeId !== null) {
    const hit = await inCampaign().where("invitations.id", "=", codeId).execute();
    if (hit.length) return hit.map((r) => r.id);
  }
  if (/^\d{4}$/.test(term)) return (await inCampaign().where("customers.phone", "like", `%${term}`).limit(limit).execute()).map((r) => r.id);
  if (/^\+?\d{5,20}$/.test(term)) return (await inCampaign().where("customers.phone", "=", term).limit(limit).execute()).map((r) => r.id);
  const [byName, byPlate] = await Promise.all([
    inCampaign().where("customers.name", "like", `%${term}%`).limit(limit).execute(),
    db.selectFrom("invitations").innerJoin("vehicles", "vehicles.customer_id", "invitations.customer_id")
      .select("invitations.id").where("invitations.campaign_id", "=", campaignId)
      .where("vehicles.plate", "like", `%${term.toUpperCase()}%`).limit(limit).execute(),
  ]);
  return [...new Set([...byName, ...byPlate].map((r) => r.id))].slice(0, limit);
}

/** Invitations of the campaign matching the search (at most 20), arrived state included. */
export async function searchGuests(
  db: DB,
  { storeId, campaignId, q, actor }: { storeId: number; campaignId: number; q: string; actor: Actor },
): Promise<CheckinMatch[]> {
  const term = q.trim();
  if (!term) return [];
  const ids = await matchingInvitationIds(db, storeId, campaignId, term, 20);
  const guests = await guestsByIds(db, campaignId, ids, actor);
  return guests.sort((a, b) => byName.compare(a.name, b.name) || a.invitationId - b.invitationId);
}

// ── the nearest invited guests, for a search that matched nobody exactly ──

/** Damerau–Levenshtein distance (adjacent swaps count one), stopping early above `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const x = [...a];
  const y = [...b];
  let prev2: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[y.length]!;
}

/** Every string one keystroke away from `s` over `alphabet`: a wrong, missing, extra or swapped character. */
export function oneEditAway(s: string, alphabet: string): Set<string> {
  const out = new Set<string>();
  const chars = [...alphabet];
  for (let i = 0; i < s.length; i++) {
    for (const c of chars) if (c !== s[i]) out.add(s.slice(0, i) + c + s.slice(i + 1));
    out.add(s.slice(0, i) + s.slice(i + 1));
    if (i + 1 < s.length && s[i] !== s[i + 1]) out.add(s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2));
  }
  for (let i = 0; i <= s.length; i++) for (const c of chars) out.add(s.slice(0, i) + c + s.slice(i));
  out.delete(s);
  return out;
}

const NEAR_LIMIT = 5;

/**
 * Invited guests one keystroke away from a search that found nobody: an invitation code with
 * a wrong, missing, extra or swapped character (the check character makes each candidate
 * exact), a phone number or its last four digits one digit off, a name or plate one character
 * off. Closest first; at most five. Staff then check the name and phone before checking in.
 */
export async function nearestGuests(
  db: DB,
  { storeId, campaignId, q, actor }: { storeId: number; campaignId: number; q: string; actor: Actor },
): Promise<CheckinMatch[]> {
  const term = q.trim();
  if (!term) return [];
  await getCampaignRow(db, { storeId, id: campaignId });
  const scored = new Map<number, number>();
  const consider = (id: number, d: number) => scored.set(id, Math.min(d, scored.get(id) ?? Infinity));
  const inCampaign = () => db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id").where("invitations.campaign_id", "=", campaignId);

  // an invitation code: decode every one-keystroke variant; only valid codes of this campaign count
  const code = term.toUpperCase().replace(/[\s-]/g, "");
  if (/^[A-Z0-9]{6,8}$/.test(code)) {
    const ids = new Set<number>();
    for (const v of oneEditAway(code, CODE_ALPHABET)) {
      const id = decodeInvitationCode(v);
      if (id !== null) ids.add(id);
    }
    for (let i = 0; i < ids.size; i += 400) {
      const rows = await inCampaign().select("invitations.id").where("invitations.id", "in", [...ids].slice(i, i + 400)).execute();
      for (const r of rows) consider(r.id, 1);
    }
  }
  const digits = term.replace(/[\s-]/g, "").replace(/^\+?86(?=1\d{10}$)/, "");
  if (/^\d{4}$/.test(digits)) {
    // the last four digits, one off: compare against the ends of the campaign's phones
    const rows = await inCampaign().select(["invitations.id", "customers.phone"]).where("customers.phone", "is not", null).execute();
    for (const r of rows) if (editDistance(r.phone!.slice(-4), digits, 1) <= 1) consider(r.id, 1);
  } else if (/^\d{5,20}$/.test(digits)) {
    const variants = [...oneEditAway(digits, "0123456789")];
    for (let i = 0; i < variants.length; i += 400) {
      const rows = await inCampaign().select("invitations.id").where("customers.phone", "in", variants.slice(i, i + 400)).execute();
      for (const r of rows) consider(r.id, 1);
    }
  } else {
    // a name or a plate fragment, one character off (names of two characters or more)
    const upper = term.toUpperCase();
    const [names, plates] = await Promise.all([
      inCampaign().select(["invitations.id", "customers.name"]).execute(),
      db.selectFrom("invitations").innerJoin("vehicles", "vehicles.customer_id", "invitations.customer_id")
        .select(["invitations.id", "vehicles.plate"]).where("invitations.campaign_id", "=", campaignId).where("vehicles.plate", "is not", null).execute(),
    ]);
    if ([...term].length >= 2) {
      for (const r of names) {
        const d = editDistance(r.name, term, 1);
        if (d <= 1) consider(r.id, d);
      }
    }
    if (upper.length >= 3) {
      for (const r of plates) {
        const plate = r.plate!.toUpperCase();
        // the typed fragment against the plate's end of the same length (plates are searched by fragment)
        const end = [...plate].slice(-[...upper].length).join("");
        const d = Math.min(editDistance(end, upper, 1), editDistance(plate, upper, 1));
        if (d <= 1) consider(r.id, d);
      }
    }
  }
  if (!scored.size) return [];
  const guests = await guestsByIds(db, campaignId, [...scored.keys()], actor);
  return guests
    .sort((a, b) => scored.get(a.invitationId)! - scored.get(b.invitationId)! || byName.compare(a.name, b.name) || a.invitationId - b.invitationId)
    .slice(0, NEAR_LIMIT);
}

async function guestsByIds(db: DB, campaignId: number, ids: number[], actor: Actor): Promise<CheckinMatch[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom("invitations")
    .innerJoin("customers", "customers.id", "invitations.customer_id")
    .leftJoin("users as assignee", "assignee.id", "invitations.assignee_id")
    .leftJoin("arrivals", (j) => j.onRef("arrivals.invitation_id", "=", "invitations.id").on("arrivals.campaign_id", "=", campaignId))
    .leftJoin("users as checker", "checker.id", "arrivals.checked_in_by")
    .select([
      "invitations.id", "invitations.kind", "invitations.holdout", "invitations.result", "invitations.customer_id",
      "customers.name", "customers.phone", "assignee.display_name as assignee_name",
      "arrivals.id as arrival_id", "arrivals.arrived_at", "arrivals.walk_in", "checker.display_name as checker_name",
    ])
    .where("invitations.id", "in", ids).where("invitations.campaign_id", "=", campaignId)
    .execute();
  const customerIds = [...new Set(rows.map((r) => r.customer_id))];
  const plates = customerIds.length
    ? (await db.selectFrom("vehicles").select(["id", "customer_id", "plate"]).where("customer_id", "in", customerIds).execute())
      // the customers are the campaign's (its store's); no store_id or ORDER BY here, either of
      // which makes SQLite walk the store's whole vehicle table instead of the customer index
      .sort((a, b) => a.id - b.id)
    : [];
  const platesOf = new Map<number, string[]>();
  for (const p of plates) if (p.plate) platesOf.set(p.customer_id, [...(platesOf.get(p.customer_id) ?? []), p.plate]);
  return rows.map((r) => ({
    invitationId: r.id,
    code: invitationCode(r.id),
    name: r.name,
    phone: phoneFor(actor, r.phone),
    plates: platesOf.get(r.customer_id) ?? [],
    kind: r.kind,
    holdout: !!r.holdout,
    result: r.result,
    assigneeName: r.assignee_name ?? null,
    arrival: r.arrival_id ? { id: toInt(r.arrival_id), arrivedAt: r.arrived_at!, byName: r.checker_name ?? null, walkIn: !!r.walk_in } : null,
  }));
}

/** Customers of the store not invited to the campaign, for registering a walk-in (at most 10). */
export async function searchCustomersForWalkIn(db: DB, { storeId, campaignId, q, actor }: { storeId: number; campaignId: number; q: string; actor: Actor }) {
  const term = q.trim();
  if (term.length < 2) return [];
  const rows = await db.selectFrom("customers")
    .select(["customers.id", "customers.name", "customers.phone", "customers.customer_code"])
    .where("customers.store_id", "=", storeId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("invitations").select("invitations.id")
      .whereRef("invitations.customer_id", "=", "customers.id").where("invitations.campaign_id", "=", campaignId))))
    .where((eb) => eb.or([
      /^\d{4}$/.test(term) ? eb("customers.phone", "like", `%${term}`) : eb("customers.phone", "=", term),
      eb("customers.name", "like", `%${term}%`),
      eb("customers.customer_code", "=", term),
      eb.exists(eb.selectFrom("vehicles").select("vehicles.id").whereRef("vehicles.customer_id", "=", "customers.id")
        .where("vehicles.store_id", "=", storeId).where("vehicles.plate", "like", `%${term.toUpperCase()}%`)),
    ]))
    .orderBy("customers.name").orderBy("customers.id").limit(10).execute();
  return rows.map((r) => ({ id: r.id, name: r.name, code: r.customer_code, phone: phoneFor(actor, r.phone) }));
}

async function existingArrival(db: DB, campaignId: number, invitationId: number) {
  return db.selectFrom("arrivals")
    .innerJoin("customers", "customers.id", "arrivals.customer_id")
    .leftJoin("users", "users.id", "arrivals.checked_in_by")
    .select(["arrivals.id", "arrivals.arrived_at", "users.display_name", "customers.name"])
    .where("arrivals.campaign_id", "=", campaignId).where("arrivals.invitation_id", "=", invitationId)
    .executeTakeFirst();
}

async function alreadyCheckedIn(db: DB, campaignId: number, invitationId: number): Promise<AlreadyCheckedIn | null> {
  const a = await existingArrival(db, campaignId, invitationId);
  return a ? new AlreadyCheckedIn({ id: a.id, arrivedAt: a.arrived_at, byName: a.display_name ?? null, name: a.name }) : null;
}

export interface CheckinResult {
  outcome: "checked_in" | "holdout_checked_in" | "walk_in_checked_in";
  arrivalId: number;
  invitationId: number;
  name: string;
  arrivedAt: string;
}

async function insertArrival(
  trx: DB,
  values: { campaignId: number; storeId: number; invitationId: number; customerId: number; actor: Actor; walkIn: boolean; holdout: boolean; override: boolean; at: string },
) {
  const row = await trx.insertInto("arrivals").values({
    campaign_id: values.campaignId, store_id: values.storeId, invitation_id: values.invitationId, customer_id: values.customerId,
    arrived_at: values.at, checked_in_by: values.actor.id, walk_in: values.walkIn ? 1 : 0, holdout: values.holdout ? 1 : 0,
    override_by: values.override ? values.actor.id : null,
  }).returning("id").executeTakeFirstOrThrow();
  await trx.insertInto("invitation_events").values({
    invitation_id: values.invitationId, campaign_id: values.campaignId, user_id: values.actor.id, at: values.at,
    kind: "arrival", field: "arrived_at", old_value: null, new_value: values.at, attempt_id: null,
  }).execute();
  return toInt(row.id);
}

/** Marks an invited guest as arrived. Throws AlreadyCheckedIn or ExecutionRefused. */
export async function checkIn(
  db: DB,
  { storeId, campaignId, actor, invitationId, override = false, timeZone, now = new Date() }: {
    storeId: number; campaignId: number; actor: Actor; invitationId: number; override?: boolean; timeZone: string; now?: Date;
  },
): Promise<CheckinResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
      const inv = await trx.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
        .select(["invitations.id", "invitations.customer_id", "invitations.holdout", "customers.name"])
        .where("invitations.id", "=", invitationId).where("invitations.campaign_id", "=", campaignId).where("invitations.store_id", "=", storeId)
        .executeTakeFirst();
      if (!inv) throw new ExecutionRefused("execution:checkin.notInvited", 404);
      const already = await alreadyCheckedIn(trx, campaignId, invitationId);
      if (already) throw already;
      const clock = await deskClock(trx, { storeId, timeZone, now });
      const refusal = checkinRefusal(campaign, clock, actor, override);
      if (refusal) throw refusal;
      const at = now.toISOString();
      const outsideWindow = checkinRefusal(campaign, clock, actor, false) !== null;
      const arrivalId = await insertArrival(trx, {
        campaignId, storeId, invitationId, customerId: inv.customer_id, actor, walkIn: false, holdout: !!inv.holdout, override: outsideWindow, at,
      });
      return { outcome: inv.holdout ? "holdout_checked_in" : "checked_in", arrivalId, invitationId, name: inv.name, arrivedAt: at } as const;
    });
  } catch (e) {
    // Two tablets at once: the other insert won the unique (campaign, invitation) constraint.
    if (constraintViolation(e) === "unique") {
      const already = await alreadyCheckedIn(db, campaignId, invitationId);
      if (already) throw already;
    }
    throw e;
  }
}

/**
 * A guest who was not invited: an existing customer of the store (customerId) or a new one
 * (name and phone, validated as the import does; a phone already on file is refused with the
 * customer it belongs to) becomes an associated invitation (关联客户) and is checked in — all
 * or nothing. An existing customer who is already invited is simply checked in.
 */
export async function registerWalkIn(
  db: DB,
  { storeId, campaignId, actor, customerId, name, phone, override = false, timeZone, now = new Date() }: {
    storeId: number; campaignId: number; actor: Actor; customerId: number | null; name: string | null; phone: string | null; override?: boolean; timeZone: string; now?: Date;
  },
): Promise<CheckinResult> {
  if (customerId !== null) {
    const invited = await db.selectFrom("invitations").select("id").where("campaign_id", "=", campaignId).where("customer_id", "=", customerId).where("store_id", "=", storeId).executeTakeFirst();
    if (invited) return checkIn(db, { storeId, campaignId, actor, invitationId: invited.id, override, timeZone, now });
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
      const clock = await deskClock(trx, { storeId, timeZone, now });
      const refusal = checkinRefusal(campaign, clock, actor, override);
      if (refusal) throw refusal;
      const outsideWindow = checkinRefusal(campaign, clock, actor, false) !== null;
      const at = now.toISOString();
      let customer: { id: number; name: string };
      if (customerId !== null) {
        const found = await trx.selectFrom("customers").select(["id", "name"]).where("store_id", "=", storeId).where("id", "=", customerId).executeTakeFirst();
        if (!found) throw new ExecutionRefused("execution:errors.customerUnknown", 400, "customerId");
        customer = found;
      } else {
        if (!name) throw new ExecutionRefused("execution:errors.required", 400, "name");
        // the phone is who the customer is: required, a real number (as the import reads it), and not already on file
        if (!phone) throw new ExecutionRefused("execution:errors.phoneRequired", 400, "phone");
        const normal = normalizePhone(phone);
        if (!normal) throw new ExecutionRefused("execution:errors.phone", 400, "phone");
        phone = normal;
        const dup = await trx.selectFrom("customers").select(["id", "name"]).where("store_id", "=", storeId).where("phone", "=", normal).orderBy("id").executeTakeFirst();
        if (dup) throw new CustomerExists({ id: dup.id, name: dup.name });
        const code = `W${Date.now().toString(36).toUpperCase()}${crypto.randomInt(0, 36 ** 3).toString(36).toUpperCase().padStart(3, "0")}`;
        const row = await trx.insertInto("customers").values({
          store_id: storeId, customer_code: code, name, phone, gender: null, usage: null, do_not_contact: 0, created_at: at, updated_at: at,
        }).returning("id").executeTakeFirstOrThrow();
        customer = { id: toInt(row.id), name };
      }
      const seg = await trx.selectFrom("customer_segments").select(["grp", "tier"]).where("customer_id", "=", customer.id).where("store_id", "=", storeId).executeTakeFirst();
      const inv = await trx.insertInto("invitations").values({
        campaign_id: campaignId, store_id: storeId, customer_id: customer.id, kind: "associated", holdout: 0,
        customer_group: seg ? toInt(seg.grp) : null, customer_tier: seg?.tier ?? null, assignee_id: null, round_id: null,
        last_attempt_at: null, deposit_fen: null, deposit_receipt: null, next_follow_up: null, callback_at: null,
        loss_reason: null, loss_note: null, loss_verified_by: null, loss_verified_at: null, added_by: actor.id,
        created_at: at, updated_at: at,
      }).returning("id").executeTakeFirstOrThrow();
      const invitationId = toInt(inv.id);
      await trx.insertInto("invitation_events").values({
        invitation_id: invitationId, campaign_id: campaignId, user_id: actor.id, at, kind: "added", field: "kind", old_value: null, new_value: "walk_in", attempt_id: null,
      }).execute();
      const arrivalId = await insertArrival(trx, { campaignId, storeId, invitationId, customerId: customer.id, actor, walkIn: true, holdout: false, override: outsideWindow, at });
      return { outcome: "walk_in_checked_in", arrivalId, invitationId, name: customer.name, arrivedAt: at } as const;
    });
  } catch (e) {
    // the same customer registered from two tablets at once: one invitation, one arrival
    if (constraintViolation(e) === "unique" && customerId !== null) {
      const inv = await db.selectFrom("invitations").select("id").where("campaign_id", "=", campaignId).where("customer_id", "=", customerId).executeTakeFirst();
      const already = inv ? await alreadyCheckedIn(db, campaignId, inv.id) : null;
      if (already) throw already;
    }
    throw e;
  }
}

/** Arrivals of a campaign, newest first, with who checked them in and what they bought. */
export async function listArrivals(db: DB, { storeId, campaignId, actor, limit = 200 }: { storeId: number; campaignId: number; actor: Actor; limit?: number }) {
  const rows = await db.selectFrom("arrivals")
    .innerJoin("invitations", "invitations.id", "arrivals.invitation_id")
    .innerJoin("customers", "customers.id", "arrivals.customer_id")
    .leftJoin("users", "users.id", "arrivals.checked_in_by")
    .select([
      "arrivals.id", "arrivals.invitation_id", "arrivals.arrived_at", "arrivals.walk_in", "arrivals.holdout", "arrivals.override_by",
      "invitations.kind", "customers.name", "customers.phone", "users.display_name as by_name",
      (eb) => eb.selectFrom("event_orders").select((o) => o.fn.sum<number>("amount_fen").as("s")).whereRef("event_orders.arrival_id", "=", "arrivals.id").as("orders_fen"),
      (eb) => eb.selectFrom("event_orders").select((o) => o.fn.countAll().as("n")).whereRef("event_orders.arrival_id", "=", "arrivals.id").as("orders"),
      (eb) => eb.selectFrom("event_deposits").select((o) => o.fn.sum<number>("amount_fen").as("s")).whereRef("event_deposits.arrival_id", "=", "arrivals.id").as("deposits_fen"),
    ])
    .where("arrivals.campaign_id", "=", campaignId).where("arrivals.store_id", "=", storeId)
    .orderBy("arrivals.arrived_at", "desc").orderBy("arrivals.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id, invitationId: r.invitation_id, arrivedAt: r.arrived_at, walkIn: !!r.walk_in, holdout: !!r.holdout, override: r.override_by !== null,
    kind: r.kind, name: r.name, phone: phoneFor(actor, r.phone), byName: r.by_name ?? null,
    ordersFen: toInt(r.orders_fen), orders: toInt(r.orders), depositsFen: toInt(r.deposits_fen),
  }));
}

/**
 * Invitation codes to send with the invitation message (printable, with a QR each): staff
 * see the invitations assigned to them, managers every contactable one. Hold-out customers
 * are never contacted, so they have no code to send.
 */
export async function listInvitationCodes(
  db: DB,
  { storeId, campaignId, actor, page = 1, pageSize = 60 }: { storeId: number; campaignId: number; actor: Actor; page?: number; pageSize?: number },
) {
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  let q = db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
    .where("invitations.campaign_id", "=", campaignId).where("invitations.store_id", "=", storeId).where("invitations.holdout", "=", 0);
  if (!canManage(actor)) q = q.where("invitations.assignee_id", "=", actor.id);
  const [total, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll().as("n")).executeTakeFirst(),
    q.select(["invitations.id", "invitations.result", "customers.name", "customers.phone"])
      .orderBy("customers.name").orderBy("invitations.id").limit(pageSize).offset((Math.max(1, page) - 1) * pageSize).execute(),
  ]);
  return {
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status, eventStart: campaign.event_start, venue: campaign.venue },
    total: toInt(total?.n),
    page: Math.max(1, page),
    pageSize,
    rows: rows.map((r) => ({ invitationId: r.id, code: invitationCode(r.id), name: r.name, phone: phoneFor(actor, r.phone), result: r.result })),
  };
}
