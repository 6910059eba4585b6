/**
 * The outbox (issue 13, decision 022): every message to a customer is a row — the invitation
 * message a manager queues and the reminders before the event — sent by a dispatcher that claims
 * due rows with a lease in the database, so several processes and app servers never send one row
 * at once, and a row whose sender died is taken again after its lease and re-sent with the same
 * idempotency key (the gateway delivers a key once).
 *
 * Order of a send: claim (one UPDATE: queued, due, lease free → lease mine, attempts + 1) →
 * re-check that the customer may still be written to → send → record (sent / retry later /
 * failed). A crash between send and record leaves the row queued with a lease that runs out.
 */
import crypto from "node:crypto";
import os from "node:os";
import { sql } from "kysely";
import type { DB } from "#db/client";
import { inChunks, toInt } from "#db/dialect";
import type { OutboxChannel, OutboxKind, OutboxStatus } from "#db/schema";
import { localNow } from "~/utils/format";
import { fixedT } from "~/utils/i18n-resources.server";
import { getCampaignRow } from "./campaign.server";
import { ensureInvitationLinks, inviteUrl, isContactable } from "./invitation-link.server";
import { InvitationRefused } from "./invitation.server";
import { listInvitationMessages, messageTime, renderMessage, salutation } from "./invitation-messages.server";
import type { MessageSender } from "./outbox-senders.server";

export const OUTBOX_STATUSES: readonly OutboxStatus[] = ["queued", "sent", "failed", "cancelled"];
/** Statuses in which messages and reminders still go out. */
const SENDING_STATUSES = ["inviting", "executing"] as const;

export interface DispatchOptions {
  sender: MessageSender;
  /** who holds the lease: host:pid:random */
  worker?: string;
  now?: () => Date;
  maxAttempts?: number;
  retryBaseMs?: number;
  leaseMs?: number;
  /** rows per claim */
  batch?: number;
  /** only this campaign's rows (the CLI) */
  campaignId?: number;
}

export const workerId = () => `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;

export const inviteKey = (channel: OutboxChannel, invitationId: number) => `invite:${channel}:${invitationId}`;
export const reminderKey = (kind: OutboxKind, invitationId: number, eventStart: string) => `reminder:${kind}:${invitationId}:${eventStart}`;

// ── queueing the invitation messages ──

/** How many invitation messages the button would queue now (contactable, with a phone, not queued before). */
export async function previewInvitationQueue(db: DB, { storeId, campaignId, channel = "sms" }: { storeId: number; campaignId: number; channel?: OutboxChannel }) {
  const rows = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
    .leftJoin("outbox", (j) => j.onRef("outbox.invitation_id", "=", "invitations.id").on("outbox.kind", "=", "invite").on("outbox.channel", "=", channel))
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.count<number>("customers.phone").as("with_phone")])
    .where("invitations.campaign_id", "=", campaignId).where("invitations.store_id", "=", storeId)
    .where("invitations.holdout", "=", 0).where("customers.do_not_contact", "=", 0).where("outbox.id", "is", null)
    .executeTakeFirstOrThrow();
  return { toQueue: toInt(rows.with_phone), noPhone: toInt(rows.n) - toInt(rows.with_phone) };
}

/**
 * Queues one invitation message per contactable invitation with a phone (the texts and links of
 * `listInvitationMessages`); an invitation already queued on that channel is not queued again
 * (its idempotency key exists). Returns how many were queued now.
 */
export async function queueInvitationMessages(
  db: DB, { storeId, campaignId, baseUrl, channel = "sms", now = new Date() }: { storeId: number; campaignId: number; baseUrl: string; channel?: OutboxChannel; now?: Date },
) {
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  if (!(SENDING_STATUSES as readonly string[]).includes(campaign.status)) throw new InvitationRefused("invitations:errors.notInviting", 409);
  const messages = await listInvitationMessages(db, { storeId, campaignId, baseUrl, channel, now });
  const byCode = new Map(messages.map((m) => [m.customer_code, m]));
  const rows = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
    .select(["invitations.id", "invitations.customer_id", "customers.customer_code"])
    .where("invitations.campaign_id", "=", campaignId).where("invitations.store_id", "=", storeId)
    .where("invitations.holdout", "=", 0).where("customers.do_not_contact", "=", 0).orderBy("invitations.id").execute();
  const at = now.toISOString();
  const values = rows.flatMap((r) => {
    const m = byCode.get(r.customer_code);
    if (!m || !m.phone) return [];
    return [{
      store_id: storeId, campaign_id: campaignId, invitation_id: r.id, customer_id: r.customer_id, channel, kind: "invite" as const,
      phone: m.phone, text: m.message, link: m.link, status: "queued" as const, next_attempt_at: at, idempotency_key: inviteKey(channel, r.id), created_at: at,
    }];
  });
  let queued = 0;
  for (let i = 0; i < values.length; i += 200) {
    const res = await db.insertInto("outbox").values(values.slice(i, i + 200)).onConflict((oc) => oc.column("idempotency_key").doNothing()).executeTakeFirst();
    queued += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  return { queued, noPhone: messages.filter((m) => !m.phone).length };
}

/** The outbox's rows of a campaign by status. */
export async function outboxCounts(db: DB, { storeId, campaignId }: { storeId: number; campaignId: number }): Promise<Record<OutboxStatus, number>> {
  const rows = await db.selectFrom("outbox").select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("store_id", "=", storeId).where("campaign_id", "=", campaignId).groupBy("status").execute();
  const out = { queued: 0, sent: 0, failed: 0, cancelled: 0 };
  for (const r of rows) out[r.status] = toInt(r.n);
  return out;
}

/** The invitations page's outbox panel: what the button would queue, and the outbox by status. */
export async function getOutboxPanel(db: DB, { storeId, campaignId }: { storeId: number; campaignId: number }) {
  const [preview, counts] = await Promise.all([previewInvitationQueue(db, { storeId, campaignId }), outboxCounts(db, { storeId, campaignId })]);
  return { ...preview, counts };
}

// ── reminders ──

/** The reminders: when (local time relative to the event's day) and to which answers. */
export const REMINDERS: readonly { kind: Exclude<OutboxKind, "invite">; dayOffset: number; time: string; results: readonly ("yes" | "maybe")[] }[] = [
  { kind: "reminder_day_before", dayOffset: -1, time: "10:00", results: ["yes", "maybe"] },
  { kind: "reminder_morning", dayOffset: 0, time: "08:00", results: ["yes"] },
];

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The reminder kinds due now for an event at `eventStart` (store-local `YYYY-MM-DDTHH:mm`), given
 * the store's local time: each from its time until the next reminder's time (or the event's start).
 * Pure: the schedule is computed from the event's current time at every tick, so a moved event
 * is re-armed by itself.
 */
export function dueReminderKinds(eventStart: string, localTime: string): Exclude<OutboxKind, "invite">[] {
  const start = eventStart.slice(0, 16);
  const day = start.slice(0, 10);
  const times = REMINDERS.map((r) => `${addDays(day, r.dayOffset)}T${r.time}`);
  const out: Exclude<OutboxKind, "invite">[] = [];
  REMINDERS.forEach((r, i) => {
    const from = times[i]!;
    const until = [times[i + 1] ?? start, start].sort()[0]!;
    if (localTime >= from && localTime < until) out.push(r.kind);
  });
  return out;
}

/**
 * Queues the reminders due now for every campaign that is inviting or executing, keyed
 * `reminder:<kind>:<invitation>:<event_start>` (a moved event makes new keys; rows queued for
 * the old time are cancelled, here and again at send time). Idempotent: every dispatcher of
 * every app server may run it; the unique key keeps one row per reminder.
 */
export async function armReminders(db: DB, { baseUrl, now = new Date() }: { baseUrl: string; now?: Date }) {
  const campaigns = await db.selectFrom("campaigns").innerJoin("stores", "stores.id", "campaigns.store_id")
    .select(["campaigns.id", "campaigns.store_id", "campaigns.name", "campaigns.theme", "campaigns.event_start", "stores.name as store_name", "stores.timezone"])
    .where("campaigns.status", "in", SENDING_STATUSES).where("campaigns.event_start", "is not", null).execute();
  let queued = 0;
  const at = now.toISOString();
  for (const c of campaigns) {
    const eventStart = c.event_start!.slice(0, 16);
    // queued reminders for another event time never go out (read first: a tick that finds nothing writes nothing)
    const stale = await db.selectFrom("outbox").select("id").where("campaign_id", "=", c.id).where("status", "=", "queued").where("kind", "!=", "invite")
      .where("idempotency_key", "not like", `%:${eventStart}`).execute();
    if (stale.length) {
      await db.updateTable("outbox").set({ status: "cancelled", provider_answer: "event moved", claimed_by: null, claimed_until: null })
        .where("id", "in", stale.map((r) => r.id)).where("status", "=", "queued").execute();
    }
    const kinds = dueReminderKinds(eventStart, localNow(c.timezone, now));
    if (!kinds.length) continue;
    const t = fixedT("zh-CN");
    for (const kind of kinds) {
      const rule = REMINDERS.find((r) => r.kind === kind)!;
      const existing = new Set((await db.selectFrom("outbox").select("idempotency_key").where("campaign_id", "=", c.id).where("kind", "=", kind).execute()).map((r) => r.idempotency_key));
      const rows = await db.selectFrom("invitations").innerJoin("customers", "customers.id", "invitations.customer_id")
        .select(["invitations.id", "invitations.customer_id", "invitations.holdout", "customers.do_not_contact", "customers.name", "customers.gender", "customers.phone"])
        .where("invitations.campaign_id", "=", c.id).where("invitations.holdout", "=", 0).where("customers.do_not_contact", "=", 0)
        .where("invitations.result", "in", rule.results).where("customers.phone", "is not", null).orderBy("invitations.id").execute();
      const fresh = rows.filter((r) => isContactable(r) && !existing.has(reminderKey(kind, r.id, eventStart)));
      if (!fresh.length) continue;
      const links = await ensureInvitationLinks(db, { storeId: c.store_id, campaignId: c.id, now });
      const template = t(`invite:messages.${kind === "reminder_day_before" ? "reminderDayBefore" : "reminderMorning"}`);
      const shared = { 门店: c.store_name, 活动: c.theme || c.name, 时间: messageTime(eventStart) };
      const values = fresh.map((r) => {
        const token = links.get(r.id);
        const link = token ? inviteUrl(baseUrl, token) : null;
        return {
          store_id: c.store_id, campaign_id: c.id, invitation_id: r.id, customer_id: r.customer_id, channel: "sms" as const, kind,
          phone: r.phone!, text: renderMessage(template, { ...shared, 称呼: salutation(r.name, r.gender), 链接: link ?? "" }), link,
          status: "queued" as const, next_attempt_at: at, idempotency_key: reminderKey(kind, r.id, eventStart), created_at: at,
        };
      });
      for (let i = 0; i < values.length; i += 200) {
        const res = await db.insertInto("outbox").values(values.slice(i, i + 200)).onConflict((oc) => oc.column("idempotency_key").doNothing()).executeTakeFirst();
        queued += Number(res.numInsertedOrUpdatedRows ?? 0);
      }
    }
  }
  return { queued };
}

// ── claiming and sending ──

/**
 * Takes up to `batch` due rows: one UPDATE whose WHERE repeats the conditions, so that of two
 * dispatchers racing for a row (other processes, other app servers) one gets it: SQLite runs one
 * writer at a time; PostgreSQL re-checks the WHERE on the row the first one committed.
 */
export async function claimDue(db: DB, { worker, now, leaseMs, batch, campaignId }: { worker: string; now: Date; leaseMs: number; batch: number; campaignId?: number }) {
  const at = now.toISOString();
  const free = (eb: any) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", at)]);
  let due = db.selectFrom("outbox").select("id").where("status", "=", "queued").where("next_attempt_at", "<=", at).where(free);
  if (campaignId !== undefined) due = due.where("campaign_id", "=", campaignId);
  return db.updateTable("outbox")
    .set({ claimed_by: worker, claimed_until: new Date(now.getTime() + leaseMs).toISOString(), attempts: sql<number>`attempts + 1` })
    .where("id", "in", due.orderBy("id").limit(batch))
    .where("status", "=", "queued").where(free)
    .returningAll().execute();
}

type Claimed = Awaited<ReturnType<typeof claimDue>>[number];

/** Why a claimed row must not go out any more (checked just before sending), or null. */
async function stillSendable(db: DB, rows: Claimed[], now: Date): Promise<Map<number, string | null>> {
  const facts = await inChunks(rows.map((r) => r.id), (ids) => db.selectFrom("outbox")
    .innerJoin("invitations", "invitations.id", "outbox.invitation_id")
    .innerJoin("customers", "customers.id", "outbox.customer_id")
    .innerJoin("campaigns", "campaigns.id", "outbox.campaign_id")
    .innerJoin("stores", "stores.id", "outbox.store_id")
    .select(["outbox.id", "outbox.kind", "outbox.idempotency_key", "invitations.holdout", "invitations.result", "customers.do_not_contact", "campaigns.status", "campaigns.event_start", "stores.timezone"])
    .where("outbox.id", "in", ids).execute());
  const out = new Map<number, string | null>();
  for (const f of facts) {
    let why: string | null = null;
    if (toInt(f.do_not_contact)) why = "do_not_contact";
    else if (toInt(f.holdout)) why = "holdout";
    else if (!(SENDING_STATUSES as readonly string[]).includes(f.status)) why = "campaign_not_open";
    else if (f.kind !== "invite") {
      const rule = REMINDERS.find((r) => r.kind === f.kind)!;
      const start = f.event_start?.slice(0, 16);
      if (!start || !f.idempotency_key.endsWith(`:${start}`)) why = "event moved";
      else if (!(rule.results as readonly string[]).includes(f.result)) why = "answer changed";
      else if (localNow(f.timezone, now) >= start) why = "event started";
    }
    out.set(f.id, why);
  }
  return out;
}

export interface DispatchSummary {
  claimed: number;
  sent: number;
  retrying: number;
  failed: number;
  cancelled: number;
}

/** One round: claim due rows, re-check, send, record. */
export async function dispatchOnce(db: DB, opts: DispatchOptions): Promise<DispatchSummary> {
  const { sender, worker = workerId(), now = () => new Date(), maxAttempts = 5, retryBaseMs = 5_000, leaseMs = 60_000, batch = 50, campaignId } = opts;
  const summary: DispatchSummary = { claimed: 0, sent: 0, retrying: 0, failed: 0, cancelled: 0 };
  const rows = await claimDue(db, { worker, now: now(), leaseMs, batch, campaignId });
  summary.claimed = rows.length;
  if (!rows.length) return summary;
  const verdicts = await stillSendable(db, rows, now());
  const mine = (id: number) => db.updateTable("outbox").where("id", "=", id).where("claimed_by", "=", worker);
  for (const row of rows) {
    const why = verdicts.has(row.id) ? verdicts.get(row.id)! : "gone";
    if (why) {
      await mine(row.id).set({ status: "cancelled", provider_answer: why, claimed_by: null, claimed_until: null }).execute();
      summary.cancelled++;
      continue;
    }
    // the batch is sent one by one: renew this row's lease just before its send, and let it go if
    // the lease ran out meanwhile and another dispatcher took it (it sends it, with the same key)
    const renewed = await mine(row.id).set({ claimed_until: new Date(now().getTime() + leaseMs).toISOString() }).where("status", "=", "queued").executeTakeFirst();
    if (Number(renewed.numUpdatedRows ?? 0) === 0) continue;
    const result = await sender.send({ idempotencyKey: row.idempotency_key, channel: row.channel, kind: row.kind, phone: row.phone, text: row.text, link: row.link });
    const at = now();
    if (result.ok) {
      await mine(row.id).set({ status: "sent", sent_at: at.toISOString(), provider_id: result.providerId, provider_answer: result.answer, claimed_by: null, claimed_until: null }).execute();
      summary.sent++;
    } else if (result.retryable && toInt(row.attempts) < maxAttempts) {
      const wait = retryBaseMs * 2 ** (toInt(row.attempts) - 1);
      await mine(row.id).set({ provider_answer: result.answer, next_attempt_at: new Date(at.getTime() + wait).toISOString(), claimed_by: null, claimed_until: null }).execute();
      summary.retrying++;
    } else {
      await mine(row.id).set({ status: "failed", provider_answer: result.answer, claimed_by: null, claimed_until: null }).execute();
      summary.failed++;
    }
  }
  return summary;
}

/**
 * Sends until nothing is due; waits for retries due within `maxWaitMs` (the CLI: a gateway's
 * short outage is ridden out; longer ones are left queued for the server's dispatcher).
 */
export async function drainOutbox(db: DB, opts: DispatchOptions & { maxWaitMs?: number; sleep?: (ms: number) => Promise<void> }) {
  const { maxWaitMs = 60_000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), now = () => new Date() } = opts;
  const total: DispatchSummary = { claimed: 0, sent: 0, retrying: 0, failed: 0, cancelled: 0 };
  const deadline = now().getTime() + maxWaitMs;
  const worker = opts.worker ?? workerId();
  for (;;) {
    const s = await dispatchOnce(db, { ...opts, worker, now });
    for (const k of Object.keys(total) as (keyof DispatchSummary)[]) total[k] += s[k];
    if (s.claimed) continue;
    let next = db.selectFrom("outbox").select((eb) => eb.fn.min("next_attempt_at").as("at")).where("status", "=", "queued");
    if (opts.campaignId !== undefined) next = next.where("campaign_id", "=", opts.campaignId);
    const row = await next.executeTakeFirst();
    const at = row?.at ? Date.parse(String(row.at)) : NaN;
    if (!Number.isFinite(at) || at > deadline) break;
    await sleep(Math.max(5, at - now().getTime()));
  }
  return total;
}

/**
 * The dispatcher every server process runs (started in `listen()`, like the import watchdog):
 * every `everyMs` it queues the reminders due and sends what is due. Safe with several workers
 * and app servers: reminders are unique by key, rows are claimed in the database. Returns a stop
 * function (which waits for a round under way).
 */
export function startMessageDispatcher(
  { db, sender, baseUrl, everyMs, maxAttempts, retryBaseMs, leaseMs, log = (l) => console.error(l) }:
    { db: () => DB; sender: MessageSender; baseUrl: string; everyMs: number; maxAttempts?: number; retryBaseMs?: number; leaseMs?: number; log?: (line: string) => void },
): () => Promise<void> {
  const worker = workerId();
  let busy: Promise<void> | null = null;
  let stopped = false;
  const tick = async () => {
    try {
      const d = db();
      await armReminders(d, { baseUrl });
      for (let i = 0; i < 20 && !stopped; i++) {
        const s = await dispatchOnce(d, { sender, worker, maxAttempts, retryBaseMs, leaseMs });
        if (!s.claimed) break;
      }
    } catch (e) {
      log(`message dispatcher: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const timer = setInterval(() => {
    busy ??= tick().finally(() => { busy = null; });
  }, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await busy;
  };
}

// ── opt-out ──

/** Cancels the queued messages of these customers (they opted out). */
export async function cancelQueuedFor(db: DB, customerIds: number[], reason = "do_not_contact") {
  let n = 0;
  for (const ids of chunk(customerIds, 400)) {
    const r = await db.updateTable("outbox").set({ status: "cancelled", provider_answer: reason, claimed_by: null, claimed_until: null })
      .where("customer_id", "in", ids).where("status", "=", "queued").executeTakeFirst();
    n += Number(r.numUpdatedRows ?? 0);
  }
  return n;
}

function chunk<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
