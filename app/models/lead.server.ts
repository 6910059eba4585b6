/**
 * Leads across departments (线索交叉, issue 16, docs/decisions/025). A lead is created in one or
 * two taps where a guest's interest is heard (desk, board card, workbench, order form, customer
 * card) or in bulk by rule at the close of the event day; it belongs to a department and is
 * dealt to one person of it by the fair rule (`dealLeads`, never picked by the creator); its
 * owner marks it contacted, won (with a value) or lost (with a reason). Every change is appended
 * to lead_events. Visibility: staff see the leads they own or created, managers their store's,
 * the group admin every store's.
 */
import { canManage, isGroupAdmin, isStaff } from "./permissions";
import { sql } from "kysely";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import { addDays, todayIn } from "~/utils/format";
import type { Actor } from "./campaign.server";
import {
  CLOSED_STAGE_DAYS, KIND_DEPARTMENT, LEAD_DEPARTMENTS, LEAD_KINDS, OPEN_LEAD_STATUSES,
  type LeadDepartment, type LeadKind, type LeadRule, type LeadSource, type LeadStatus, type LeadUpdateInput, type LifecycleStage,
} from "./lead.schema";
import { createRng } from "./random";
import { attributionWindow, eventLastDay } from "./review-math";
import { getStoreSettings } from "./settings.server";
import { subtractYears } from "./segmentation.server";
import { storeTimeZone } from "./store.server";


export interface LeadActor extends Actor {
  /** the store the person belongs to (staff and managers act only there) */
  storeId?: number;
}

// ── named errors ──

export class LeadNotFound extends Error {
  constructor() {
    super("lead not found");
  }
}

/** A refused change: `messageKey` is an i18n key, `field` where to show it. */
export class LeadRefused extends Error {
  constructor(public messageKey: string, public status: 400 | 403 | 409 = 400, public field = "_form") {
    super(messageKey);
  }
}

const nowIso = () => new Date().toISOString();
const isManagerRole = (actor: Actor) => canManage(actor);


interface LeadEventRow { leadId: number; storeId: number; userId: number | null; kind: string; field?: string | null; oldValue?: string | number | null; newValue?: string | number | null }

async function appendLeadEvents(db: DB, rows: LeadEventRow[], at: string) {
  const str = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));
  for (let i = 0; i < rows.length; i += 500) {
    await db.insertInto("lead_events").values(rows.slice(i, i + 500).map((r) => ({
      lead_id: r.leadId, store_id: r.storeId, user_id: r.userId, at, kind: r.kind, field: r.field ?? null, old_value: str(r.oldValue), new_value: str(r.newValue),
    }))).execute();
  }
}

// ── fair assignment ──

/**
 * The fair rule, as for invitations (decision 011: assigned, never picked; counts differ by at
 * most one): the items in a seeded order, then each dealt to the person with the fewest open
 * leads at that moment, ties to the lower user id. From equal loads this is the round-robin of
 * invitations; from unequal loads it evens them out first.
 */
export function dealLeads(itemIds: number[], people: { id: number; open: number }[], seed: number): Map<number, number> {
  const out = new Map<number, number>();
  if (!people.length) return out;
  const load = new Map(people.map((p) => [p.id, p.open]));
  const ids = [...load.keys()].sort((a, b) => a - b);
  const ordered = createRng(seed).shuffle([...itemIds].sort((a, b) => a - b));
  for (const item of ordered) {
    let best = ids[0]!;
    for (const id of ids) if (load.get(id)! < load.get(best)!) best = id;
    out.set(item, best);
    load.set(best, load.get(best)! + 1);
  }
  return out;
}

/**
 * The people of a store's department who follow leads up, with their open leads: active staff of
 * the department; when it has no staff, its managers. None: the lead cannot be created.
 */
export async function departmentPeople(db: DB, { storeId, department }: { storeId: number; department: LeadDepartment }) {
  const rows = await db.selectFrom("users")
    .select((eb) => ["users.id", "users.role", "users.display_name",
      eb.selectFrom("leads").select((l) => l.fn.countAll().as("n")).whereRef("leads.owner_id", "=", "users.id")
        .where("leads.status", "in", [...OPEN_LEAD_STATUSES]).as("open")])
    .where("users.store_id", "=", storeId).where("users.active", "=", 1).where("users.department", "=", department)
    .where("users.role", "in", ["staff", "manager"]).orderBy("users.id").execute();
  const staff = rows.filter((r) => isStaff(r));
  return (staff.length ? staff : rows).map((r) => ({ id: r.id, name: r.display_name, open: toInt(r.open) }));
}

// ── creating ──

export interface NewLeadInput {
  kind: LeadKind;
  department?: LeadDepartment | null;
  source: LeadSource;
  invitationId?: number | null;
  customerId?: number | null;
  expectedValue?: number | null;
  note?: string | null;
}

/** Where a lead comes from: an invitation of the store (customer and campaign follow) or a customer of the store. */
async function resolveOrigin(db: DB, storeId: number, input: { invitationId?: number | null; customerId?: number | null }) {
  if (input.invitationId) {
    const inv = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
      .select(["invitations.id", "invitations.campaign_id", "invitations.customer_id", "customers.do_not_contact", "customers.name"])
      .where("invitations.id", "=", input.invitationId).where("invitations.store_id", "=", storeId).executeTakeFirst();
    if (!inv) throw new LeadRefused("leads:errors.unknownGuest", 400, "invitationId");
    return { customerId: inv.customer_id, campaignId: inv.campaign_id as number | null, invitationId: inv.id as number | null, name: inv.name };
  }
  const c = await db.selectFrom("customers").select(["id", "name"]).where("id", "=", input.customerId ?? 0).where("store_id", "=", storeId).executeTakeFirst();
  if (!c) throw new LeadRefused("leads:errors.unknownGuest", 400, "customerId");
  return { customerId: c.id, campaignId: null, invitationId: null, name: c.name };
}

/** The guest a quick-lead page is for (its name), or LeadNotFound. */
export async function getLeadOrigin(db: DB, { storeId, invitationId, customerId }: { storeId: number; invitationId: number | null; customerId: number | null }) {
  try {
    return await resolveOrigin(db, storeId, { invitationId, customerId });
  } catch (e) {
    if (e instanceof LeadRefused) throw new LeadNotFound();
    throw e;
  }
}

/**
 * Creates a lead and deals it to a person of its department. A second tap for the same customer
 * and kind while a lead is still open creates nothing and answers with the open lead
 * (`created: false`).
 */
export async function createLead(
  db: DB,
  { storeId, actor, input, now = new Date() }: { storeId: number; actor: LeadActor & { department?: string }; input: NewLeadInput; now?: Date },
) {
  if (!LEAD_KINDS.includes(input.kind)) throw new LeadRefused("leads:errors.choice", 400, "kind");
  const department = input.department ?? KIND_DEPARTMENT[input.kind];
  if (!LEAD_DEPARTMENTS.includes(department)) throw new LeadRefused("leads:errors.choice", 400, "department");
  if (!isGroupAdmin(actor) && actor.storeId !== undefined && actor.storeId !== storeId) throw new LeadRefused("leads:errors.forbidden", 403);
  return db.transaction().execute(async (trx) => {
    const origin = await resolveOrigin(trx, storeId, input);
    const open = await trx.selectFrom("leads").innerJoin("users", "users.id", "leads.owner_id")
      .select(["leads.id", "leads.department", "users.display_name as owner_name"])
      .where("leads.customer_id", "=", origin.customerId).where("leads.kind", "=", input.kind)
      .where("leads.status", "in", [...OPEN_LEAD_STATUSES]).executeTakeFirst();
    if (open) return { id: open.id, created: false, ownerName: open.owner_name, department: open.department, customerName: origin.name };
    const people = await departmentPeople(trx, { storeId, department });
    if (!people.length) throw new LeadRefused("leads:errors.noOneInDepartment", 409, "department");
    const count = await trx.selectFrom("leads").select((eb) => eb.fn.countAll().as("n")).where("store_id", "=", storeId).executeTakeFirst();
    const ownerId = dealLeads([0], people, toInt(count?.n) + 1).get(0)!;
    const at = now.toISOString();
    const today = todayIn(await storeTimeZone(trx, storeId), now);
    const row = await trx.insertInto("leads").values({
      store_id: storeId, customer_id: origin.customerId, kind: input.kind, department, owner_id: ownerId, created_by: actor.id,
      creator_department: actor.department ?? null, campaign_id: origin.campaignId, invitation_id: origin.invitationId, event_order_id: null,
      source: input.source, lost_reason: null, note: input.note ?? null, expected_value_fen: input.expectedValue ?? null, actual_value_fen: null,
      next_follow_up: addDays(today, 1), won_on: null, closed_at: null, created_at: at, updated_at: at,
    }).returning("id").executeTakeFirstOrThrow();
    const id = toInt(row.id);
    await appendLeadEvents(trx, [
      { leadId: id, storeId, userId: actor.id, kind: "created", field: "kind", newValue: input.kind },
      { leadId: id, storeId, userId: actor.id, kind: "owner", field: "owner_id", newValue: ownerId },
    ], at);
    return { id, created: true, ownerName: people.find((p) => p.id === ownerId)!.name, department, customerName: origin.name };
  });
}

// ── reading ──

const LEAD_COLUMNS = [
  "leads.id", "leads.store_id", "leads.customer_id", "leads.kind", "leads.department", "leads.owner_id", "leads.created_by",
  "leads.creator_department", "leads.campaign_id", "leads.invitation_id", "leads.event_order_id", "leads.source", "leads.status",
  "leads.lost_reason", "leads.note", "leads.expected_value_fen", "leads.actual_value_fen", "leads.next_follow_up", "leads.won_on",
  "leads.closed_at", "leads.version", "leads.created_at", "leads.updated_at",
] as const;

function baseQuery(db: DB) {
  return db.selectFrom("leads")
    .innerJoin("customers", "customers.id", "leads.customer_id")
    .innerJoin("users as owner", "owner.id", "leads.owner_id")
    .innerJoin("stores", "stores.id", "leads.store_id")
    .leftJoin("users as creator", "creator.id", "leads.created_by")
    .leftJoin("campaigns", "campaigns.id", "leads.campaign_id")
    .select([...LEAD_COLUMNS, "customers.name as customer_name", "customers.customer_code", "owner.display_name as owner_name",
      "creator.display_name as creator_name", "campaigns.name as campaign_name", "stores.name as store_name"]);
}

function normalise<T extends { id: unknown; expected_value_fen: unknown; actual_value_fen: unknown; version: unknown }>(r: T) {
  return {
    ...r, id: toInt(r.id), version: toInt(r.version),
    expected_value_fen: r.expected_value_fen === null ? null : toInt(r.expected_value_fen),
    actual_value_fen: r.actual_value_fen === null ? null : toInt(r.actual_value_fen),
  };
}

/**
 * The leads a person may see: staff the ones they own or created ("mine"), managers their
 * store's, the group admin every store's (scope "group"). Open ones by due date first.
 */
export async function listLeads(
  db: DB,
  { storeId, actor, status = "open", scope = "mine", limit = 300 }: { storeId: number; actor: Actor; status?: "open" | "closed" | "all"; scope?: "mine" | "store" | "group"; limit?: number },
) {
  const effective = isStaff(actor) ? "mine" : !isGroupAdmin(actor) && scope === "group" ? "store" : scope;
  let q = baseQuery(db);
  if (effective !== "group") q = q.where("leads.store_id", "=", storeId);
  if (effective === "mine") q = q.where((eb) => eb.or([eb("leads.owner_id", "=", actor.id), eb("leads.created_by", "=", actor.id)]));
  if (status === "open") q = q.where("leads.status", "in", [...OPEN_LEAD_STATUSES]);
  if (status === "closed") q = q.where("leads.status", "in", ["won", "lost"]);
  const rows = await q
    .orderBy(sql`case when leads.status in ('new', 'contacted') then 0 else 1 end`)
    .orderBy(sql`case when leads.next_follow_up is null then 1 else 0 end`)
    .orderBy("leads.next_follow_up").orderBy("leads.id", "desc").limit(limit).execute();
  return { scope: effective, leads: rows.map(normalise) };
}

function mayView(actor: Actor, storeId: number, lead: { store_id: number; owner_id: number; created_by: number | null }) {
  if (isGroupAdmin(actor)) return true;
  if (lead.store_id !== storeId) return false;
  return canManage(actor) || lead.owner_id === actor.id || lead.created_by === actor.id;
}

function mayWork(actor: Actor, storeId: number, lead: { store_id: number; owner_id: number }) {
  if (isGroupAdmin(actor)) return true;
  if (lead.store_id !== storeId) return false;
  return canManage(actor) || lead.owner_id === actor.id;
}

/** One lead with its history and the event orders of its guest (a won lead may name the order it became). */
export async function getLead(db: DB, { storeId, actor, id }: { storeId: number; actor: Actor; id: number }) {
  const row = await baseQuery(db).where("leads.id", "=", id).executeTakeFirst();
  if (!row || !mayView(actor, storeId, row)) throw new LeadNotFound();
  const lead = normalise(row);
  const [events, orders] = await Promise.all([
    db.selectFrom("lead_events").leftJoin("users", "users.id", "lead_events.user_id")
      .select(["lead_events.id", "lead_events.at", "lead_events.kind", "lead_events.field", "lead_events.old_value", "lead_events.new_value", "users.display_name"])
      .where("lead_events.lead_id", "=", id).orderBy("lead_events.id", "desc").execute(),
    lead.campaign_id === null ? Promise.resolve([]) : db.selectFrom("event_orders").innerJoin("arrivals", "arrivals.id", "event_orders.arrival_id")
      .select(["event_orders.id", "event_orders.line", "event_orders.description", "event_orders.amount_fen"])
      .where("event_orders.campaign_id", "=", lead.campaign_id).where("arrivals.customer_id", "=", lead.customer_id).orderBy("event_orders.id").execute(),
  ]);
  const ownerIds = [...new Set(events.filter((e) => e.field === "owner_id").flatMap((e) => [e.old_value, e.new_value]).filter((v): v is string => v !== null).map(Number))];
  const names = ownerIds.length ? await db.selectFrom("users").select(["id", "display_name"]).where("id", "in", ownerIds).execute() : [];
  const nameOf = new Map(names.map((n) => [String(n.id), n.display_name]));
  return {
    lead,
    mayWork: mayWork(actor, storeId, lead),
    events: events.map((e) => e.field === "owner_id"
      ? { ...e, old_value: e.old_value ? nameOf.get(e.old_value) ?? e.old_value : null, new_value: e.new_value ? nameOf.get(e.new_value) ?? e.new_value : null }
      : e),
    orders: orders.map((o) => ({ ...o, amount_fen: toInt(o.amount_fen) })),
  };
}

// ── working a lead ──

/**
 * The owner (or a manager of the store, or the admin) records what happened: contacted
 * (new → contacted, with the next follow-up), won with a value (and optionally the event order
 * it became), lost with a reason, or a new follow-up date. Won and lost are final. The version
 * read must still be current (StaleLead otherwise).
 */
export async function updateLead(
  db: DB,
  { storeId, actor, id, input, now = new Date() }: { storeId: number; actor: Actor; id: number; input: LeadUpdateInput; now?: Date },
) {
  return db.transaction().execute(async (trx) => {
    const lead = await trx.selectFrom("leads").selectAll().where("id", "=", id).executeTakeFirst();
    if (!lead || !mayView(actor, storeId, lead)) throw new LeadNotFound();
    if (!mayWork(actor, storeId, lead)) throw new LeadRefused("leads:errors.notYours", 403);
    if (toInt(lead.version) !== input.version) throw new LeadRefused("leads:errors.stale", 409);
    const open = (OPEN_LEAD_STATUSES as string[]).includes(lead.status);
    if (!open) throw new LeadRefused("leads:errors.closed", 409);
    const at = now.toISOString();
    const today = todayIn(await storeTimeZone(trx, lead.store_id), now);
    const events: LeadEventRow[] = [];
    const ev = (kind: string, field: string, oldValue: string | number | null, newValue: string | number | null) =>
      events.push({ leadId: id, storeId: lead.store_id, userId: actor.id, kind, field, oldValue, newValue });
    const set: Partial<{ status: LeadStatus; next_follow_up: string | null; actual_value_fen: number; event_order_id: number | null; won_on: string; closed_at: string; lost_reason: string; note: string | null }> = {};
    switch (input.intent) {
      case "contacted":
        if (lead.status !== "new") throw new LeadRefused("leads:errors.alreadyContacted", 409);
        set.status = "contacted";
        ev("status", "status", lead.status, "contacted");
        if (input.nextFollowUp && input.nextFollowUp !== lead.next_follow_up) {
          if (input.nextFollowUp < today) throw new LeadRefused("leads:errors.past", 400, "nextFollowUp");
          set.next_follow_up = input.nextFollowUp;
          ev("follow_up", "next_follow_up", lead.next_follow_up, input.nextFollowUp);
        }
        break;
      case "follow_up":
        if (input.nextFollowUp < today) throw new LeadRefused("leads:errors.past", 400, "nextFollowUp");
        set.next_follow_up = input.nextFollowUp;
        ev("follow_up", "next_follow_up", lead.next_follow_up, input.nextFollowUp);
        break;
      case "won": {
        if (input.eventOrderId !== null) {
          const order = lead.campaign_id === null ? undefined : await trx.selectFrom("event_orders").innerJoin("arrivals", "arrivals.id", "event_orders.arrival_id")
            .select("event_orders.id").where("event_orders.id", "=", input.eventOrderId)
            .where("event_orders.campaign_id", "=", lead.campaign_id).where("arrivals.customer_id", "=", lead.customer_id).executeTakeFirst();
          if (!order) throw new LeadRefused("leads:errors.unknownOrder", 400, "eventOrderId");
        }
        Object.assign(set, { status: "won", actual_value_fen: input.actualValue, event_order_id: input.eventOrderId, won_on: today, closed_at: at, next_follow_up: null });
        ev("status", "status", lead.status, "won");
        ev("value", "actual_value_fen", null, input.actualValue);
        if (input.eventOrderId !== null) ev("value", "event_order_id", null, input.eventOrderId);
        break;
      }
      case "lost":
        Object.assign(set, { status: "lost", lost_reason: input.lostReason, closed_at: at, next_follow_up: null });
        ev("status", "status", lead.status, "lost");
        ev("status", "lost_reason", null, input.lostReason);
        break;
    }
    if ("note" in input && input.note) {
      set.note = input.note;
      ev("note", "note", lead.note, input.note);
    }
    const res = await trx.updateTable("leads").set((eb) => ({ ...set, version: eb("version", "+", 1), updated_at: at }))
      .where("id", "=", id).where("version", "=", input.version).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new LeadRefused("leads:errors.stale", 409);
    await appendLeadEvents(trx, events, at);
    return { id, status: set.status ?? lead.status };
  });
}

// ── bulk creation by rule at the close of the event day ──

/** The guests a rule selects: arrived, contactable, matching, without an open lead of that kind. */
function ruleCandidates(db: DB, { storeId, campaignId, rule, today }: { storeId: number; campaignId: number; rule: LeadRule; today: string }) {
  let q = db.selectFrom("arrivals").innerJoin("customers", "customers.id", "arrivals.customer_id")
    .select(["arrivals.invitation_id", "arrivals.customer_id"])
    .where("arrivals.campaign_id", "=", campaignId).where("arrivals.store_id", "=", storeId)
    .where("customers.do_not_contact", "=", 0)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("leads").select("leads.id").whereRef("leads.customer_id", "=", "arrivals.customer_id")
      .where("leads.kind", "=", rule.kind).where("leads.status", "in", [...OPEN_LEAD_STATUSES]))));
  if (rule.minVehicleYears !== null) {
    const bound = subtractYears(today, rule.minVehicleYears);
    q = q.where((eb) => eb.exists(eb.selectFrom("vehicles").select("vehicles.id").whereRef("vehicles.customer_id", "=", "arrivals.customer_id")
      .where("vehicles.purchase_date", "is not", null).where("vehicles.purchase_date", "<=", bound)));
  }
  if (rule.noOrder) q = q.where((eb) => eb.not(eb.exists(eb.selectFrom("event_orders").select("event_orders.id").whereRef("event_orders.arrival_id", "=", "arrivals.id"))));
  return q.orderBy("arrivals.invitation_id");
}

/** The campaign of the store (LeadNotFound otherwise). */
export function requireLeadCampaign(db: DB, { storeId, campaignId }: { storeId: number; campaignId: number }) {
  return requireCampaign(db, storeId, campaignId);
}

async function requireCampaign(db: DB, storeId: number, campaignId: number) {
  const c = await db.selectFrom("campaigns").select(["id", "status"]).where("id", "=", campaignId).where("store_id", "=", storeId).executeTakeFirst();
  if (!c) throw new LeadNotFound();
  return c;
}

/** How many leads `rule` would create now, and for how many people of the department. */
export async function previewLeadRule(db: DB, { storeId, campaignId, rule, now = new Date() }: { storeId: number; campaignId: number; rule: LeadRule; now?: Date }) {
  await requireCampaign(db, storeId, campaignId);
  const today = todayIn(await storeTimeZone(db, storeId), now);
  const rows = await ruleCandidates(db, { storeId, campaignId, rule, today }).execute();
  const people = await departmentPeople(db, { storeId, department: rule.department ?? KIND_DEPARTMENT[rule.kind] });
  return { count: rows.length, people: people.length };
}

/**
 * Creates the rule's leads (managers only), dealt fairly over the department; the same query as
 * the preview, in one transaction, so what was previewed is what is created.
 */
export async function applyLeadRule(
  db: DB,
  { storeId, campaignId, actor, rule, expected, now = new Date() }: {
    storeId: number; campaignId: number; actor: Actor & { department?: string }; rule: LeadRule; expected?: number; now?: Date;
  },
) {
  if (!isManagerRole(actor)) throw new LeadRefused("leads:errors.managersOnly", 403);
  const department = rule.department ?? KIND_DEPARTMENT[rule.kind];
  return db.transaction().execute(async (trx) => {
    await requireCampaign(trx, storeId, campaignId);
    const today = todayIn(await storeTimeZone(trx, storeId), now);
    const rows = await ruleCandidates(trx, { storeId, campaignId, rule, today }).execute();
    // what the manager previewed is what is created: a count that moved since is refused
    if (expected !== undefined && expected !== rows.length) throw new LeadRefused("leads:errors.countChanged", 409);
    if (!rows.length) return { created: 0, perOwner: {} as Record<number, number> };
    const people = await departmentPeople(trx, { storeId, department });
    if (!people.length) throw new LeadRefused("leads:errors.noOneInDepartment", 409, "department");
    const plan = dealLeads(rows.map((r) => r.invitation_id), people, campaignId * 31 + rows.length);
    const at = now.toISOString();
    const byCustomer = new Map(rows.map((r) => [r.invitation_id, r.customer_id]));
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += 200) {
      const inserted = await trx.insertInto("leads").values(rows.slice(i, i + 200).map((r) => ({
        store_id: storeId, customer_id: byCustomer.get(r.invitation_id)!, kind: rule.kind, department, owner_id: plan.get(r.invitation_id)!, created_by: actor.id,
        creator_department: actor.department ?? null, campaign_id: campaignId, invitation_id: r.invitation_id, event_order_id: null, source: "rule" as const,
        lost_reason: null, note: null, expected_value_fen: null, actual_value_fen: null, next_follow_up: addDays(today, 1), won_on: null, closed_at: null,
        created_at: at, updated_at: at,
      }))).returning(["id", "owner_id"]).execute();
      ids.push(...inserted.map((x) => toInt(x.id)));
      await appendLeadEvents(trx, inserted.flatMap((x) => [
        { leadId: toInt(x.id), storeId, userId: actor.id, kind: "created", field: "kind", newValue: rule.kind },
        { leadId: toInt(x.id), storeId, userId: actor.id, kind: "owner", field: "owner_id", newValue: x.owner_id },
      ]), at);
    }
    const perOwner: Record<number, number> = {};
    for (const o of plan.values()) perOwner[o] = (perOwner[o] ?? 0) + 1;
    return { created: ids.length, perOwner };
  });
}

// ── the campaign review ──

/**
 * The campaign's leads for the review (decision 025): created by kind and department, won and
 * their value. Revenue counted once: a won lead adds to the campaign's revenue only when it was
 * won on or before the attribution window's last day, belongs to sales (after-sales work is
 * invoiced as a repair order, which the window's service visits already count) and names no
 * event order (whose amount is already in the event's orders).
 */
export async function campaignLeadFigures(db: DB, { campaignId, through }: { campaignId: number; through: string | null }) {
  const rows = await db.selectFrom("leads")
    .select((eb) => ["kind", "department", "status", eb.fn.countAll().as("n"), eb.fn.sum<number>("actual_value_fen").as("value"),
      eb.fn.sum<number>(sql`case when department = 'sales' and event_order_id is null${through ? sql` and won_on <= ${through}` : sql``} then actual_value_fen else 0 end`).as("counted"),
      eb.fn.sum<number>(sql`case when event_order_id is not null then actual_value_fen else 0 end`).as("in_orders")])
    .where("campaign_id", "=", campaignId).groupBy(["kind", "department", "status"]).execute();
  const byKey = new Map<string, { kind: LeadKind; department: LeadDepartment; created: number; open: number; won: number; lost: number; wonFen: number }>();
  let countedFen = 0, wonFen = 0, inOrdersFen = 0, afterSalesFen = 0;
  for (const r of rows) {
    const key = `${r.kind}|${r.department}`;
    const g = byKey.get(key) ?? { kind: r.kind, department: r.department, created: 0, open: 0, won: 0, lost: 0, wonFen: 0 };
    const n = toInt(r.n);
    g.created += n;
    if (r.status === "won") {
      g.won += n;
      g.wonFen += toInt(r.value);
      wonFen += toInt(r.value);
      countedFen += toInt(r.counted);
      inOrdersFen += toInt(r.in_orders);
      if (r.department === "after_sales") afterSalesFen += toInt(r.value) - toInt(r.in_orders);
    } else if (r.status === "lost") g.lost += n;
    else g.open += n;
    byKey.set(key, g);
  }
  const order = (k: LeadKind) => LEAD_KINDS.indexOf(k);
  const groups = [...byKey.values()].sort((a, b) => order(a.kind) - order(b.kind) || a.department.localeCompare(b.department));
  const sum = (f: (g: (typeof groups)[number]) => number) => groups.reduce((s, g) => s + f(g), 0);
  return {
    rows: groups,
    totals: { created: sum((g) => g.created), open: sum((g) => g.open), won: sum((g) => g.won), lost: sum((g) => g.lost), wonFen },
    /** added to revenue and ROI */
    countedFen,
    /** won value already in the event's orders */
    inOrdersFen,
    /** won after-sales value (counted when invoiced as service visits) */
    afterSalesFen,
    /** won sales value outside the window: not counted */
    lateFen: wonFen - countedFen - inOrdersFen - afterSalesFen,
  };
}
export type CampaignLeadFigures = Awaited<ReturnType<typeof campaignLeadFigures>>;

// ── the lifecycle stage ──

export interface LifecycleFacts {
  /** when the customer entered the base (created) */
  since: string;
  firstVisit: string | null;
  /** creation dates (store-local) of the open leads */
  openLeadDates: string[];
  /** won_on dates of won leads */
  wonDates: string[];
}

/**
 * 潜客 → 意向 → 成交 → 基盘: intent while a lead is open (from the oldest open lead's date);
 * otherwise closed for `days` days after the latest win; otherwise base (a customer who has been
 * served or has bought: from the end of the closed period, or the first visit); otherwise potential.
 */
export function lifecycleStage(f: LifecycleFacts, today: string, days = CLOSED_STAGE_DAYS): { stage: LifecycleStage; since: string } {
  if (f.openLeadDates.length) return { stage: "intent", since: [...f.openLeadDates].sort()[0]! };
  const lastWin = [...f.wonDates].sort().at(-1);
  if (lastWin && addDays(lastWin, days) > today) return { stage: "closed", since: lastWin };
  if (lastWin) return { stage: "base", since: addDays(lastWin, days) };
  if (f.firstVisit) return { stage: "base", since: f.firstVisit };
  return { stage: "potential", since: f.since };
}

/** The customer card's lifecycle stage and the customer's leads (who may see them: as listLeads). */
export async function getCustomerLifecycle(db: DB, { storeId, customerId, actor, now = new Date() }: { storeId: number; customerId: number; actor: Actor; now?: Date }) {
  const tz = await storeTimeZone(db, storeId);
  const today = todayIn(tz, now);
  const [customer, visit, leads] = await Promise.all([
    db.selectFrom("customers").select(["created_at"]).where("id", "=", customerId).where("store_id", "=", storeId).executeTakeFirst(),
    db.selectFrom("service_visits").select((eb) => eb.fn.min("visit_date").as("first")).where("customer_id", "=", customerId).where("store_id", "=", storeId).executeTakeFirst(),
    baseQuery(db).where("leads.customer_id", "=", customerId).where("leads.store_id", "=", storeId).orderBy("leads.id", "desc").execute(),
  ]);
  if (!customer) throw new LeadNotFound();
  const localDate = (iso: string) => todayIn(tz, new Date(iso));
  const stage = lifecycleStage({
    since: localDate(customer.created_at),
    firstVisit: (visit?.first as string | null | undefined) ?? null,
    openLeadDates: leads.filter((l) => (OPEN_LEAD_STATUSES as string[]).includes(l.status)).map((l) => localDate(l.created_at)),
    wonDates: leads.filter((l) => l.status === "won" && l.won_on).map((l) => l.won_on!),
  }, today);
  return { ...stage, leads: leads.filter((l) => mayView(actor, storeId, l)).map(normalise), closedDays: CLOSED_STAGE_DAYS };
}

/**
 * The campaign's leads page: the campaign, its lead figures (the window's last day from the plan's
 * event dates and the store's attribution days, as in the review) and, when a rule is given, the
 * preview of the close-of-day creation.
 */
export async function getCampaignLeadsPage(db: DB, { storeId, campaignId, rule, now = new Date() }: { storeId: number; campaignId: number; rule: LeadRule | null; now?: Date }) {
  const campaign = await db.selectFrom("campaigns").select(["id", "name", "status", "event_start", "event_end"])
    .where("id", "=", campaignId).where("store_id", "=", storeId).executeTakeFirst();
  if (!campaign) throw new LeadNotFound();
  const settings = await getStoreSettings(db, { storeId });
  const lastDay = eventLastDay(campaign.event_start, campaign.event_end);
  const through = lastDay ? attributionWindow(lastDay, settings.attributionDays).through : null;
  const [figures, preview] = await Promise.all([
    campaignLeadFigures(db, { campaignId, through }),
    rule ? previewLeadRule(db, { storeId, campaignId, rule, now }) : Promise.resolve(null),
  ]);
  return { campaign: { id: campaign.id, name: campaign.name, status: campaign.status }, figures, through, preview };
}
