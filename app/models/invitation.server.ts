/**
 * Invitations (邀约): the audience snapshot with its hold-out, associated customers, rounds,
 * even assignment, script confirmation and contact attempts with the follow-up each result
 * requires. Every change is appended to invitation_events; every write to an invitation
 * names the version it read (optimistic concurrency: a mismatch is StaleInvitation).
 * Reading queries for the board, the call workbench and the round summary live in
 * invitation-board.server.ts.
 */
import crypto from "node:crypto";
import type { Transaction } from "kysely";
import type { DB } from "#db/client";
import { constraintViolation, inChunks, toInt } from "#db/dialect";
import { localNow } from "~/utils/format";
import type { Campaign, Database, Invitation } from "#db/schema";
import { getCampaignRow, transition, transitionRefusal, type Actor } from "./campaign.server";
import { CHANNELS } from "./campaign.schema";
import { WORKING_STATUSES, type AttemptInput } from "./invitation.schema";
import { createRng } from "./random";
import { applySeatChange, lockCampaignSeats } from "./seats.server";
import { getSegmentMembers, getSegmentSummary, type SegmentMember } from "./segment.server";
import { todayIn } from "~/utils/format";
import { canManage, canWorkCard } from "./permissions";
import { DEFAULT_TIMEZONE } from "./domain";
import { Refused as InvitationRefused } from "./errors";
import { InvitationNotFound, StaleInvitation } from "./errors";
export { InvitationNotFound, StaleInvitation };


// ── named errors (routes map them to 404 / 409 / 403 / 400) ──

/** A refused action: `message` is an i18n key, `status` the HTTP status, `field` where to show it. */
/** A refused invitation action: the one `Refused` of errors.ts, under its old name. */
export { InvitationRefused };

export { WORKING_STATUSES };

/** The customer answering on the invitation page themselves (channel `self`, no staff user). */
export const SELF = { self: true } as const;
export type AttemptActor = Actor | typeof SELF;
const isSelf = (a: AttemptActor): a is typeof SELF => "self" in a;

export { appendEvents };

const nowIso = () => new Date().toISOString();

function requireManagerActor(actor: Actor) {
  if (!canManage(actor)) throw new InvitationRefused("invitations:errors.managersOnly", 403);
}

function requireWorking(campaign: Campaign) {
  if (!WORKING_STATUSES.includes(campaign.status)) throw new InvitationRefused("invitations:errors.notInviting", 409);
}

async function chunks<T>(items: T[], size: number, fn: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}

export interface EventRow {
  invitationId: number;
  campaignId: number;
  userId: number | null;
  kind: string;
  field?: string | null;
  oldValue?: string | number | null;
  newValue?: string | number | null;
  attemptId?: number | null;
}

async function appendEvents(db: DB, rows: EventRow[], at: string) {
  await chunks(rows, 500, (chunk) =>
    db.insertInto("invitation_events").values(chunk.map((r) => ({
      invitation_id: r.invitationId, campaign_id: r.campaignId, user_id: r.userId, at, kind: r.kind,
      field: r.field ?? null,
      old_value: r.oldValue === null || r.oldValue === undefined ? null : String(r.oldValue),
      new_value: r.newValue === null || r.newValue === undefined ? null : String(r.newValue),
      attempt_id: r.attemptId ?? null,
    }))).execute());
}

// ── pure parts ──

/** The hold-out size for an audience: the share rounded to the nearest whole customer. */
export function holdoutSize(audience: number, percent: number): number {
  return Math.round((audience * percent) / 100);
}

/** Which customers are held out: a seeded shuffle of the ids in ascending order, first k. */
export function drawHoldout(customerIds: number[], percent: number, seed: number): Set<number> {
  const sorted = [...customerIds].sort((a, b) => a - b);
  const k = holdoutSize(sorted.length, percent);
  return new Set(createRng(seed).shuffle(sorted).slice(0, k));
}

/**
 * Even, deterministic distribution: the items in a seeded order (grouped by customer group
 * when balancing), dealt round-robin to the staff in id order. Counts differ by at most one
 * overall, and within each group when balancing.
 */
export function distribute(
  items: { id: number; group: number | null }[],
  staffIds: number[],
  opts: { seed: number; balanceByGroup?: boolean },
): Map<number, number> {
  const staff = [...new Set(staffIds)].sort((a, b) => a - b);
  const out = new Map<number, number>();
  if (!staff.length) return out;
  const rng = createRng(opts.seed);
  let ordered = rng.shuffle([...items].sort((a, b) => a.id - b.id));
  if (opts.balanceByGroup) {
    // stable sort by group keeps the shuffled order inside each group
    ordered = ordered.map((x, i) => ({ x, i })).sort((a, b) => (a.x.group ?? 99) - (b.x.group ?? 99) || a.i - b.i).map((p) => p.x);
  }
  const start = rng.int(0, staff.length - 1);
  ordered.forEach((item, i) => out.set(item.id, staff[(start + i) % staff.length]!));
  return out;
}

// ── the audience ──

async function attemptsOf(db: DB, campaignId: number) {
  const row = await db.selectFrom("invitation_attempts").select((eb) => eb.fn.countAll().as("n")).where("campaign_id", "=", campaignId).executeTakeFirst();
  return toInt(row?.n);
}

async function latestRound(db: DB, campaignId: number) {
  return db.selectFrom("invitation_rounds").selectAll().where("campaign_id", "=", campaignId).orderBy("number", "desc").limit(1).executeTakeFirst();
}

/**
 * Starts invitations: the campaign moves approved → inviting (the campaign model's
 * workflow, by a manager), then the audience is snapshotted from its segment.
 */
export async function startInvitations(
  db: DB,
  { storeId, campaignId, actor, seed, asOf, expectedVersion, now }: { storeId: number; campaignId: number; actor: Actor; seed?: number | null; asOf?: string; expectedVersion?: number; now?: Date },
) {
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  requireManagerActor(actor);
  if (transitionRefusal(campaign, actor, "start_invitations") === "status") throw new InvitationRefused("invitations:errors.notApproved", 409);
  if (!campaign.segment_id) throw new InvitationRefused("invitations:errors.noSegment", 400);
  await transition(db, { storeId, id: campaignId, actor, action: "start_invitations", expectedVersion });
  return snapshotAudience(db, { storeId, campaignId, actor, seed, asOf, now });
}

/**
 * Takes (or re-takes) the audience snapshot. Before the first attempt it replaces the
 * audience (associated customers stay); after it, only customers new to the segment are
 * added (their hold-out drawn with the same share). Customers marked do_not_contact are
 * never invited and are counted.
 */
export async function snapshotAudience(
  db: DB,
  { storeId, campaignId, actor, seed, asOf, now = new Date() }: { storeId: number; campaignId: number; actor: Actor; seed?: number | null; asOf?: string; now?: Date },
) {
  requireManagerActor(actor);
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  requireWorking(campaign);
  if (!campaign.segment_id) throw new InvitationRefused("invitations:errors.noSegment", 400);
  // the audience's day is the store's today (not UTC's, a day early before 08:00 in Beijing)
  const store = await db.selectFrom("stores").select("timezone").where("id", "=", storeId).executeTakeFirst();
  const day = asOf ?? todayIn(store?.timezone ?? DEFAULT_TIMEZONE, now);
  // Outside the transaction: the segmentation snapshot may be refreshed (its own writes).
  const members = await getSegmentMembers(db, { storeId, segmentId: campaign.segment_id, asOf: day });
  const summary = await getSegmentSummary(db, { storeId, segmentId: campaign.segment_id, asOf: day });
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const existing = await trx.selectFrom("campaign_audiences").selectAll().where("campaign_id", "=", campaignId).executeTakeFirst();
    const attempted = (await attemptsOf(trx, campaignId)) > 0;
    const useSeed = seed ?? (existing ? toInt(existing.seed) : crypto.randomInt(1, 2 ** 31 - 1));
    let toInsert: SegmentMember[];
    let drawSeed = useSeed;
    let mode: "first" | "replace" | "add";
    if (!existing) {
      mode = "first";
      toInsert = members;
    } else if (!attempted) {
      mode = "replace";
      await trx.deleteFrom("invitations").where("campaign_id", "=", campaignId).where("kind", "=", "audience").execute();
      toInsert = members;
    } else {
      mode = "add";
      const invited = new Set(
        (await trx.selectFrom("invitations").select("customer_id").where("campaign_id", "=", campaignId).execute()).map((r) => r.customer_id),
      );
      toInsert = members.filter((m) => !invited.has(m.customerId));
      drawSeed = useSeed + toInt(existing.snapshot_count);
    }
    if (mode !== "add") {
      // associated customers already invited by hand stay as they are
      const associated = new Set(
        (await trx.selectFrom("invitations").select("customer_id").where("campaign_id", "=", campaignId).where("kind", "=", "associated").execute()).map((r) => r.customer_id),
      );
      toInsert = toInsert.filter((m) => !associated.has(m.customerId));
    }
    const held = drawHoldout(toInsert.map((m) => m.customerId), campaign.holdout_percent, drawSeed);

    let round = await latestRound(trx, campaignId);
    if (!round) {
      const channels = (await trx.selectFrom("campaign_channels").select("channel").where("campaign_id", "=", campaignId).execute())
        .map((c) => c.channel).filter((c) => (CHANNELS as readonly string[]).includes(c));
      round = await trx.insertInto("invitation_rounds").values({
        campaign_id: campaignId, number: 1, channels: JSON.stringify(channels.length ? channels : ["phone"]),
        start_date: campaign.invitation_start, end_date: campaign.invitation_end, opened_by: actor.id, opened_at: now,
      }).returningAll().executeTakeFirstOrThrow();
    }
    const roundId = round.id;
    const inserted: { id: number; holdout: number }[] = [];
    await chunks(toInsert, 400, async (chunk) => {
      const rows = await trx.insertInto("invitations").values(chunk.map((m) => ({
        campaign_id: campaignId, store_id: storeId, customer_id: m.customerId, kind: "audience" as const,
        holdout: held.has(m.customerId) ? 1 : 0, customer_group: m.group, customer_tier: m.tier,
        assignee_id: null, round_id: held.has(m.customerId) ? null : roundId,
        last_attempt_at: null, deposit_fen: null, deposit_receipt: null, next_follow_up: null, callback_at: null,
        loss_reason: null, loss_note: null, loss_verified_by: null, loss_verified_at: null, added_by: actor.id,
        created_at: now, updated_at: now,
      }))).returning(["id", "holdout"]).execute();
      inserted.push(...rows.map((r) => ({ id: toInt(r.id), holdout: toInt(r.holdout) })));
    });
    const contactable = inserted.filter((r) => !r.holdout);
    await chunks(contactable, 500, (chunk) =>
      trx.insertInto("invitation_round_members").values(chunk.map((r) => ({ round_id: roundId, invitation_id: r.id, assignee_id: null }))).execute());

    const counts = await trx.selectFrom("invitations")
      .select((eb) => [eb.fn.countAll().as("n"), eb.fn.sum<number>("holdout").as("h")])
      .where("campaign_id", "=", campaignId).where("kind", "=", "audience").executeTakeFirst();
    const values = {
      store_id: storeId, segment_id: campaign.segment_id, as_of: day, seed: useSeed, holdout_percent: campaign.holdout_percent,
      audience_count: toInt(counts?.n), holdout_count: toInt(counts?.h), excluded_do_not_contact: summary.doNotContact,
      snapshot_by: actor.id, snapshot_at: now,
    };
    if (existing) {
      await trx.updateTable("campaign_audiences")
        .set((eb) => ({ ...values, snapshot_count: eb("snapshot_count", "+", 1) }))
        .where("campaign_id", "=", campaignId).execute();
    } else {
      await trx.insertInto("campaign_audiences").values({ campaign_id: campaignId, ...values }).execute();
    }
    return { mode, added: inserted.length, heldOut: inserted.length - contactable.length, ...values };
  });
}

/** The audience snapshot record of a campaign, or null before invitations start. */
export async function getAudience(db: DB, { campaignId }: { campaignId: number }) {
  const row = await db.selectFrom("campaign_audiences").selectAll().where("campaign_id", "=", campaignId).executeTakeFirst();
  return row ? { ...row, seed: toInt(row.seed) } : null;
}

/** Adds an existing customer of the store as an associated invitee (关联客户). */
export async function addAssociated(
  db: DB,
  { storeId, campaignId, actor, customerId }: { storeId: number; campaignId: number; actor: Actor; customerId: number },
) {
  requireManagerActor(actor);
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  requireWorking(campaign);
  return db.transaction().execute((trx) => insertAssociatedIn(trx, { storeId, campaignId, userId: actor.id, customerId }));
}

/**
 * Adds a customer of the store as an associated invitee inside the caller's transaction (the
 * campaign is one of the store's and being invited: the caller checked). Refused: unknown or
 * do-not-contact customers, and customers already invited.
 */
export async function insertAssociatedIn(
  trx: Transaction<Database>,
  { storeId, campaignId, userId, customerId }: { storeId: number; campaignId: number; userId: number; customerId: number },
) {
  {
    const customer = await trx.selectFrom("customers").select(["id", "do_not_contact"]).where("store_id", "=", storeId).where("id", "=", customerId).executeTakeFirst();
    if (!customer) throw new InvitationRefused("invitations:errors.customerUnknown", 400, "customerId");
    if (customer.do_not_contact) throw new InvitationRefused("invitations:errors.doNotContact", 400, "customerId");
    const already = await trx.selectFrom("invitations").select("id").where("campaign_id", "=", campaignId).where("customer_id", "=", customerId).executeTakeFirst();
    if (already) throw new InvitationRefused("invitations:errors.alreadyInvited", 409, "customerId");
    const seg = await trx.selectFrom("customer_segments").select(["grp", "tier"]).where("customer_id", "=", customerId).where("store_id", "=", storeId).executeTakeFirst();
    const round = await latestRound(trx, campaignId);
    const now = nowIso();
    const row = await trx.insertInto("invitations").values({
      campaign_id: campaignId, store_id: storeId, customer_id: customerId, kind: "associated", holdout: 0,
      customer_group: seg ? toInt(seg.grp) : null, customer_tier: seg?.tier ?? null, assignee_id: null, round_id: round?.id ?? null,
      last_attempt_at: null, deposit_fen: null, deposit_receipt: null, next_follow_up: null, callback_at: null,
      loss_reason: null, loss_note: null, loss_verified_by: null, loss_verified_at: null, added_by: userId,
      created_at: now, updated_at: now,
    }).returningAll().executeTakeFirstOrThrow();
    if (round) await trx.insertInto("invitation_round_members").values({ round_id: round.id, invitation_id: row.id, assignee_id: null }).execute();
    await appendEvents(trx, [{ invitationId: row.id, campaignId, userId, kind: "added", field: "kind", newValue: "associated" }], now);
    return row;
  }
}

/** Creates a new customer (name, phone) and adds them as an associated invitee. */
export async function createAssociatedCustomer(
  db: DB,
  { storeId, campaignId, actor, name, phone }: { storeId: number; campaignId: number; actor: Actor; name: string; phone: string | null },
) {
  requireManagerActor(actor);
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  requireWorking(campaign);
  if (phone) {
    const dup = await db.selectFrom("customers").select("id").where("store_id", "=", storeId).where("phone", "=", phone).executeTakeFirst();
    if (dup) throw new InvitationRefused("invitations:errors.phoneExists", 409, "phone");
  }
  const now = nowIso();
  const code = `A${Date.now().toString(36).toUpperCase()}${crypto.randomInt(0, 36 ** 3).toString(36).toUpperCase().padStart(3, "0")}`;
  const customer = await db.insertInto("customers").values({
    store_id: storeId, customer_code: code, name, phone, gender: null, usage: null, do_not_contact: 0, created_at: now, updated_at: now,
  }).returning("id").executeTakeFirstOrThrow();
  return addAssociated(db, { storeId, campaignId, actor, customerId: toInt(customer.id) });
}

// ── rounds and assignment ──

/**
 * Opens the next round: round 1 covers every contactable invitation; later rounds the
 * invitations still pending or maybe. Each keeps its assignee.
 */
export async function openRound(
  db: DB,
  { storeId, campaignId, actor, channels, startDate, endDate }: { storeId: number; campaignId: number; actor: Actor; channels: string[]; startDate: string | null; endDate: string | null },
) {
  requireManagerActor(actor);
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  requireWorking(campaign);
  return db.transaction().execute(async (trx) => {
    const last = await latestRound(trx, campaignId);
    const number = (last?.number ?? 0) + 1;
    const now = nowIso();
    const round = await trx.insertInto("invitation_rounds").values({
      campaign_id: campaignId, number, channels: JSON.stringify(channels), start_date: startDate, end_date: endDate, opened_by: actor.id, opened_at: now,
    }).returningAll().executeTakeFirstOrThrow();
    let q = trx.selectFrom("invitations").select(["id", "assignee_id", "round_id"]).where("campaign_id", "=", campaignId).where("holdout", "=", 0);
    if (number > 1) q = q.where("result", "in", ["pending", "maybe"]);
    const covered = await q.orderBy("id").execute();
    await chunks(covered, 500, (chunk) =>
      trx.insertInto("invitation_round_members").values(chunk.map((i) => ({ round_id: round.id, invitation_id: i.id, assignee_id: i.assignee_id }))).execute());
    await chunks(covered, 500, (chunk) =>
      trx.updateTable("invitations").set({ round_id: round.id }).where("id", "in", chunk.map((i) => i.id)).execute());
    await appendEvents(trx, covered.map((i) => ({ invitationId: i.id, campaignId, userId: actor.id, kind: "round", field: "round_id", oldValue: i.round_id, newValue: round.id })), now);
    return { round, covered: covered.length };
  });
}

export async function listRounds(db: DB, { campaignId }: { campaignId: number }) {
  const rows = await db.selectFrom("invitation_rounds").leftJoin("users", "users.id", "invitation_rounds.opened_by")
    .selectAll("invitation_rounds").select("users.display_name as opened_by_name")
    .where("campaign_id", "=", campaignId).orderBy("number").execute();
  return rows.map((r) => ({ ...r, channels: parseChannels(r.channels) }));
}

export function parseChannels(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** Active people of the store who may be given invitations (staff and managers of any department). */
export async function listInviters(db: DB, { storeId }: { storeId: number }) {
  return db.selectFrom("users").select(["id", "display_name", "role", "department"])
    .where("store_id", "=", storeId).where("active", "=", 1).where("role", "in", ["staff", "manager"])
    .orderBy("role", "desc").orderBy("display_name").orderBy("id").execute();
}

async function checkInviters(db: DB, storeId: number, ids: number[], field: string) {
  const unique = [...new Set(ids)];
  const found = await inChunks(unique, (chunk) => db.selectFrom("users").select("id").where("store_id", "=", storeId).where("active", "=", 1)
    .where("role", "in", ["staff", "manager"]).where("id", "in", chunk).execute());
  if (found.length !== unique.length) throw new InvitationRefused("invitations:errors.staffUnknown", 400, field);
}

async function setAssignees(trx: DB, campaignId: number, actor: Actor, changes: { id: number; from: number | null; to: number }[], now: string, roundId: number | null) {
  const byStaff = new Map<number, number[]>();
  for (const c of changes) if (c.from !== c.to) byStaff.set(c.to, [...(byStaff.get(c.to) ?? []), c.id]);
  for (const [staffId, ids] of byStaff) {
    await chunks(ids, 500, async (chunk) => {
      await trx.updateTable("invitations")
        .set((eb) => ({ assignee_id: staffId, version: eb("version", "+", 1), updated_at: now }))
        .where("campaign_id", "=", campaignId).where("id", "in", chunk).execute();
      let q = trx.updateTable("invitation_round_members").set({ assignee_id: staffId }).where("invitation_id", "in", chunk);
      if (roundId !== null) q = q.where("round_id", "=", roundId);
      else q = q.where("round_id", "in", trx.selectFrom("invitations").select("round_id").where("campaign_id", "=", campaignId).where("id", "in", chunk));
      await q.execute();
    });
  }
  await appendEvents(trx, changes.filter((c) => c.from !== c.to).map((c) => ({
    invitationId: c.id, campaignId, userId: actor.id, kind: "assignee", field: "assignee_id", oldValue: c.from, newValue: c.to,
  })), now);
}

/**
 * Distributes a round's invitations over the chosen people (evenly, deterministically for
 * the seed; optionally balanced by customer group). By default only unassigned ones.
 */
export async function assignRound(
  db: DB,
  { storeId, campaignId, actor, roundId, staffIds, balanceByGroup = false, redistributeAll = false, seed }: {
    storeId: number; campaignId: number; actor: Actor; roundId: number; staffIds: number[]; balanceByGroup?: boolean; redistributeAll?: boolean; seed?: number;
  },
) {
  requireManagerActor(actor);
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  requireWorking(campaign);
  return db.transaction().execute(async (trx) => {
    const round = await trx.selectFrom("invitation_rounds").selectAll().where("id", "=", roundId).where("campaign_id", "=", campaignId).executeTakeFirst();
    if (!round) throw new InvitationRefused("invitations:errors.roundUnknown", 400, "roundId");
    await checkInviters(trx, storeId, staffIds, "staffIds");
    let q = trx.selectFrom("invitation_round_members").innerJoin("invitations", "invitations.id", "invitation_round_members.invitation_id")
      .select(["invitations.id", "invitations.customer_group", "invitations.assignee_id"])
      .where("invitation_round_members.round_id", "=", roundId).where("invitations.holdout", "=", 0);
    if (!redistributeAll) q = q.where("invitations.assignee_id", "is", null);
    const items = await q.orderBy("invitations.id").execute();
    const audience = await trx.selectFrom("campaign_audiences").select("seed").where("campaign_id", "=", campaignId).executeTakeFirst();
    const plan = distribute(items.map((i) => ({ id: i.id, group: i.customer_group })), staffIds, {
      seed: seed ?? toInt(audience?.seed ?? 1) + round.number, balanceByGroup,
    });
    const now = nowIso();
    await setAssignees(trx, campaignId, actor, items.map((i) => ({ id: i.id, from: i.assignee_id, to: plan.get(i.id)! })), now, roundId);
    const counts = new Map<number, number>();
    for (const s of plan.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    return { assigned: items.length, perStaff: Object.fromEntries(counts) };
  });
}

/** A manager hands single cards or a selection to someone else; each change is recorded. */
export async function reassign(
  db: DB,
  { storeId, campaignId, actor, invitationIds, assigneeId }: { storeId: number; campaignId: number; actor: Actor; invitationIds: number[]; assigneeId: number },
) {
  requireManagerActor(actor);
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  requireWorking(campaign);
  return db.transaction().execute(async (trx) => {
    await checkInviters(trx, storeId, [assigneeId], "assigneeId");
    const ids = [...new Set(invitationIds)];
    const rows = await inChunks(ids, (chunk) => trx.selectFrom("invitations").select(["id", "assignee_id", "holdout"])
      .where("campaign_id", "=", campaignId).where("store_id", "=", storeId).where("id", "in", chunk).execute());
    if (rows.length !== ids.length) throw new InvitationNotFound();
    if (rows.some((r) => r.holdout)) throw new InvitationRefused("invitations:errors.holdout", 400);
    await setAssignees(trx, campaignId, actor, rows.map((r) => ({ id: r.id, from: r.assignee_id, to: assigneeId })), nowIso(), null);
    return { reassigned: rows.filter((r) => r.assignee_id !== assigneeId).length };
  });
}

// ── the script (一场培训) ──

export async function confirmScript(db: DB, { storeId, campaignId, actor }: { storeId: number; campaignId: number; actor: Actor }) {
  await getCampaignRow(db, { storeId, id: campaignId });
  await db.insertInto("script_acknowledgements").values({ campaign_id: campaignId, user_id: actor.id, at: nowIso() })
    .onConflict((oc) => oc.columns(["campaign_id", "user_id"]).doNothing()).execute();
}

export async function hasConfirmedScript(db: DB, { campaignId, userId }: { campaignId: number; userId: number }) {
  return !!(await db.selectFrom("script_acknowledgements").select("at").where("campaign_id", "=", campaignId).where("user_id", "=", userId).executeTakeFirst());
}

// ── attempts and results ──

async function loadInvitation(db: DB, storeId: number, campaignId: number, invitationId: number) {
  const inv = await db.selectFrom("invitations").selectAll()
    .where("id", "=", invitationId).where("campaign_id", "=", campaignId).where("store_id", "=", storeId).executeTakeFirst();
  if (!inv) throw new InvitationNotFound();
  return inv;
}

/**
 * What an attempt changes on the invitation (pure): the new column values. `by` is who logs
 * it and when: a yes whose intent is verified now records them (意向核实); a repeated yes keeps
 * an earlier verification, as it keeps an earlier deposit.
 */
export function applyAttempt(inv: Invitation, input: AttemptInput & { reopen?: boolean }, by: { userId: number | null; at: string } | null = null) {
  const next: Partial<Pick<Invitation,
    "result" | "intent_verified" | "intent_verified_by" | "intent_verified_at" | "deposit_fen" | "deposit_receipt" | "next_follow_up" | "manager_joins"
    | "loss_reason" | "loss_note" | "loss_verified_by" | "loss_verified_at" | "callback_at"
  >> = {};
  const unverified = { intent_verified: 0, intent_verified_by: null, intent_verified_at: null };
  next.callback_at = input.outcome === "callback" ? input.callbackAt : null;
  switch (input.outcome) {
    case "yes": {
      const kept = inv.result === "yes" && !!inv.intent_verified;
      const verification = kept
        ? { intent_verified: 1, intent_verified_by: inv.intent_verified_by, intent_verified_at: inv.intent_verified_at }
        : input.intentVerified ? { intent_verified: 1, intent_verified_by: by?.userId ?? null, intent_verified_at: by?.at ?? null } : unverified;
      Object.assign(next, {
        result: "yes", ...verification,
        deposit_fen: input.deposit ?? inv.deposit_fen, deposit_receipt: input.deposit !== null ? input.depositReceipt : input.depositReceipt ?? inv.deposit_receipt,
        next_follow_up: null, manager_joins: 0, loss_reason: null, loss_note: null, loss_verified_by: null, loss_verified_at: null,
      });
      break;
    }
    case "maybe":
      Object.assign(next, {
        result: "maybe", next_follow_up: input.nextFollowUp, manager_joins: input.managerJoins ? 1 : 0,
        ...unverified, loss_reason: null, loss_note: null, loss_verified_by: null, loss_verified_at: null,
      });
      break;
    case "no":
      Object.assign(next, {
        result: "no", loss_reason: input.lossReason, loss_note: input.lossNote, loss_verified_by: null, loss_verified_at: null,
        next_follow_up: null, manager_joins: 0, ...unverified,
      });
      break;
    default:
      if (input.reopen) {
        Object.assign(next, {
          result: "pending", ...unverified, next_follow_up: null, manager_joins: 0,
          loss_reason: null, loss_note: null, loss_verified_by: null, loss_verified_at: null,
        });
      }
  }
  return next;
}

const EVENT_FIELDS: Record<string, string> = {
  result: "result", intent_verified: "verification", intent_verified_by: "verification", intent_verified_at: "verification", deposit_fen: "deposit", deposit_receipt: "deposit",
  next_follow_up: "follow_up", manager_joins: "follow_up", callback_at: "follow_up",
  loss_reason: "loss", loss_note: "loss", loss_verified_by: "verification", loss_verified_at: "verification",
};

/**
 * Logs one contact attempt and applies its result and follow-up. Refused: holdout cards,
 * staff on a card assigned to someone else, anyone who has not confirmed the script,
 * campaigns not being invited, a call-back before now in the store's time zone, a deposit
 * receipt another card of the campaign already has, and a stale version (StaleInvitation with
 * the current row).
 */
export async function recordAttempt(
  db: DB,
  args: { storeId: number; campaignId: number; actor: AttemptActor; input: AttemptInput & { reopen?: boolean }; now?: Date },
) {
  return db.transaction().execute((trx) => recordAttemptIn(trx, args));
}

/**
 * recordAttempt inside a transaction the caller holds (the invitation page writes its own
 * record of the answer in the same transaction). `actor` SELF: the customer answered on the
 * invitation page — channel `self`, no staff user, no assignee or script check.
 */
export async function recordAttemptIn(
  trx: Transaction<Database>,
  { storeId, campaignId, actor, input, now = new Date() }: { storeId: number; campaignId: number; actor: AttemptActor; input: AttemptInput & { reopen?: boolean }; now?: Date },
) {
  {
    const self = isSelf(actor);
    const userId = self ? null : actor.id;
    if (self) input = { ...input, channel: "self", ...(input.outcome === "yes" ? { intentVerified: false } : {}) } as unknown as typeof input;
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    // a campaign with seats: hold its row from before the seat count to the commit (seats.server)
    const capacity = campaign.capacity == null ? null : await lockCampaignSeats(trx, campaignId);
    const inv = await loadInvitation(trx, storeId, campaignId, input.invitationId);
    requireWorking(campaign);
    if (inv.holdout) throw new InvitationRefused("invitations:errors.holdout", 400);
    if (!self && !canWorkCard(actor, { assigneeId: inv.assignee_id })) throw new InvitationRefused("invitations:errors.notYourCard", 403);
    if (!self && !(await hasConfirmedScript(trx, { campaignId, userId: actor.id }))) throw new InvitationRefused("invitations:errors.scriptNotConfirmed", 400);
    if (inv.version !== input.version) throw new StaleInvitation(inv);
    if (input.outcome === "callback") {
      const store = await trx.selectFrom("stores").select("timezone").where("id", "=", storeId).executeTakeFirstOrThrow();
      if (input.callbackAt < localNow(store.timezone, now)) throw new InvitationRefused("invitations:errors.callbackPast", 400, "callbackAt");
    }
    const at = now.toISOString();
    const next = applyAttempt(inv, input, { userId, at });
    if (next.deposit_receipt && next.deposit_receipt !== inv.deposit_receipt) await requireFreeReceipt(trx, campaignId, inv.id, next.deposit_receipt);
    let res;
    try {
      res = await trx.updateTable("invitations")
        .set((eb) => ({ ...next, attempts_count: eb("attempts_count", "+", 1), last_attempt_at: at, version: eb("version", "+", 1), updated_at: at }))
        .where("id", "=", inv.id).where("version", "=", input.version)
        .executeTakeFirst();
    } catch (e) {
      // another card took the receipt between the check and this write (the unique index)
      if (constraintViolation(e) === "unique") throw new InvitationRefused("invitations:errors.receiptTaken", 409, "depositReceipt");
      throw e;
    }
    if (Number(res.numUpdatedRows) === 0) throw new StaleInvitation(await loadInvitation(trx, storeId, campaignId, inv.id));
    const attempt = await trx.insertInto("invitation_attempts").values({
      invitation_id: inv.id, campaign_id: campaignId, round_id: inv.round_id, user_id: userId, channel: input.channel, at,
      outcome: input.outcome, callback_at: input.outcome === "callback" ? input.callbackAt : null, note: input.note,
    }).returning("id").executeTakeFirstOrThrow();
    const attemptId = toInt(attempt.id);
    const events: EventRow[] = [{ invitationId: inv.id, campaignId, userId, kind: "attempt", field: "outcome", oldValue: null, newValue: input.outcome, attemptId }];
    for (const [field, value] of Object.entries(next)) {
      const old = inv[field as keyof Invitation];
      if ((old ?? null) !== (value ?? null)) {
        events.push({ invitationId: inv.id, campaignId, userId, kind: EVENT_FIELDS[field] ?? field, field, oldValue: old as string | number | null, newValue: value as string | number | null, attemptId });
      }
    }
    events.push(...(await applySeatChange(trx, { invitation: inv, after: next.result ?? inv.result, capacity, userId, at })));
    await appendEvents(trx, events, at);
    return { invitation: await loadInvitation(trx, storeId, campaignId, inv.id), attemptId };
  }
}

/** A deposit receipt number is the campaign's one record of that deposit: no second card may carry it. */
async function requireFreeReceipt(db: DB, campaignId: number, invitationId: number, receipt: string) {
  const taken = await db.selectFrom("invitations").select("id")
    .where("campaign_id", "=", campaignId).where("deposit_receipt", "=", receipt).where("id", "!=", invitationId).executeTakeFirst();
  if (taken) throw new InvitationRefused("invitations:errors.receiptTaken", 409, "depositReceipt");
}

type VerifyArgs = { storeId: number; campaignId: number; actor: Actor; invitationId: number; version: number };

/**
 * A manager's check of one card, the same for a yes's intent and a loss: the card as read
 * (`version`, else stale), of the result it checks (else `refusal`); once checked it stays so
 * (no second write); the change and its history entries in one transaction.
 */
async function verifyCard(db: DB, { storeId, campaignId, actor, invitationId, version }: VerifyArgs, check: {
  result: "yes" | "no"; refusal: string; done: (inv: Invitation) => boolean; at: string;
  set: Partial<Pick<Invitation, "intent_verified" | "intent_verified_by" | "intent_verified_at" | "loss_verified_by" | "loss_verified_at">>;
  events: (inv: Invitation) => EventRow[];
}) {
  requireManagerActor(actor);
  return db.transaction().execute(async (trx) => {
    await getCampaignRow(trx, { storeId, id: campaignId });
    const inv = await loadInvitation(trx, storeId, campaignId, invitationId);
    if (inv.version !== version) throw new StaleInvitation(inv);
    if (inv.result !== check.result) throw new InvitationRefused(check.refusal, 400);
    if (check.done(inv)) return inv;
    const res = await trx.updateTable("invitations")
      .set((eb) => ({ ...check.set, version: eb("version", "+", 1), updated_at: check.at }))
      .where("id", "=", inv.id).where("version", "=", version).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new StaleInvitation(await loadInvitation(trx, storeId, campaignId, inv.id));
    await appendEvents(trx, check.events(inv), check.at);
    return loadInvitation(trx, storeId, campaignId, inv.id);
  });
}

/**
 * A manager verifies a yes's intent (意向核实: a check call confirming the customer is coming).
 * Staff verify their own card's yes by ticking it when they log the call.
 */
export async function verifyIntent(db: DB, { now = new Date(), ...args }: VerifyArgs & { now?: Date }) {
  const at = now.toISOString();
  const { campaignId, actor } = args;
  return verifyCard(db, args, {
    result: "yes", refusal: "invitations:errors.notAYes", at, done: (inv) => !!inv.intent_verified,
    set: { intent_verified: 1, intent_verified_by: actor.id, intent_verified_at: at },
    events: (inv) => [
      { invitationId: inv.id, campaignId, userId: actor.id, kind: "verification", field: "intent_verified", oldValue: 0, newValue: 1 },
      { invitationId: inv.id, campaignId, userId: actor.id, kind: "verification", field: "intent_verified_by", oldValue: inv.intent_verified_by, newValue: actor.id },
    ],
  });
}

/** A supervisor confirms a "no" (战败核实). */
export async function verifyLoss(db: DB, args: VerifyArgs) {
  const at = nowIso();
  const { campaignId, actor } = args;
  return verifyCard(db, args, {
    result: "no", refusal: "invitations:errors.notALoss", at, done: (inv) => !!inv.loss_verified_by,
    set: { loss_verified_by: actor.id, loss_verified_at: at },
    events: (inv) => [{ invitationId: inv.id, campaignId, userId: actor.id, kind: "verification", field: "loss_verified_by", oldValue: null, newValue: actor.id }],
  });
}

/**
 * An invitation's full change history (invitation_events, with who), newest first by when it
 * happened — an attempt logged with an earlier time sorts by that time — then by entry.
 */
export async function getInvitationHistory(db: DB, { storeId, campaignId, invitationId }: { storeId: number; campaignId: number; invitationId: number }) {
  await loadInvitation(db, storeId, campaignId, invitationId);
  return db.selectFrom("invitation_events").leftJoin("users", "users.id", "invitation_events.user_id")
    .selectAll("invitation_events").select("users.display_name as user_name")
    .where("invitation_id", "=", invitationId).orderBy("invitation_events.at", "desc").orderBy("invitation_events.id", "desc").execute();
}
