/**
 * Reading invitations: the board (filtered, a window of cards per column with counts),
 * the call workbench's next invitation, the round summary and the manager's lists.
 * Writes live in invitation.server.ts.
 */
import type { ExpressionBuilder, SelectQueryBuilder } from "kysely";
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import type { Database, Invitation } from "#db/schema";
import { addDays, localNow, todayIn } from "~/utils/format";
import { getCampaignRow, type Actor } from "./campaign.server";
import { BOARD_PAGE, COLUMNS, LOSS_REASONS, MIN_ATTEMPTS, type BoardFilters, type Column, type LossReason } from "./invitation.schema";
import { isReachedOutcome } from "./invitation.constants";
import { getSegmentSummary } from "./segment.server";
import { getAudience, getInvitationHistory, hasConfirmedScript, InvitationRefused, InvitationNotFound, listInviters, listRounds } from "./invitation.server";
import { canManage, canWorkCard, phoneFor } from "./permissions";


/** Local date-time `YYYY-MM-DDTHH:mm` in a time zone (callbacks are stored that way). */
export { localNow };

export interface Card {
  id: number;
  version: number;
  result: Column;
  kind: "audience" | "associated";
  name: string;
  phone: string | null;
  vehicles: { plate: string | null; model: string | null }[];
  group: number | null;
  tier: string | null;
  attempts: number;
  nextFollowUp: string | null;
  callbackAt: string | null;
  assigneeId: number | null;
  assigneeName: string | null;
  intentVerified: boolean;
  depositFen: number | null;
  managerJoins: boolean;
  lossReason: LossReason | null;
  lossVerified: boolean;
  /** with a capacity (issue 15): a yes holds a seat or waits on the waitlist */
  seat: "seated" | "waitlisted" | null;
}

type InvQuery = SelectQueryBuilder<Database, "invitations", {}>;

function applyFilters(q: InvQuery, { storeId, actor, filters, timeZone, now }: { storeId: number; actor: Actor; filters: BoardFilters; timeZone: string; now: Date }): InvQuery {
  if (filters.round) {
    const round = filters.round;
    q = q.where((eb) => eb.exists(eb.selectFrom("invitation_round_members").select("invitation_round_members.invitation_id")
      .whereRef("invitation_round_members.invitation_id", "=", "invitations.id").where("invitation_round_members.round_id", "=", round)));
  }
  const assignee = effectiveAssignee(actor, filters);
  if (assignee === "none") q = q.where("invitations.assignee_id", "is", null);
  else if (assignee !== "all") q = q.where("invitations.assignee_id", "=", assignee);
  if (filters.group) q = q.where("invitations.customer_group", "=", filters.group);
  if (filters.tier) q = q.where("invitations.customer_tier", "=", filters.tier);
  if (filters.flag === "short") q = q.where("invitations.result", "in", ["pending", "maybe"]).where("invitations.attempts_count", "<", MIN_ATTEMPTS);
  if (filters.flag === "deposit") q = q.where("invitations.deposit_fen", ">", 0);
  if (filters.flag === "intent_unverified") q = q.where("invitations.result", "=", "yes").where("invitations.intent_verified", "=", 0);
  if (filters.flag === "callback_today") {
    const tomorrow = addDays(todayIn(timeZone, now), 1);
    q = q.where("invitations.callback_at", "is not", null).where("invitations.callback_at", "<", `${tomorrow}T00:00`);
  }
  if (filters.q) {
    const term = filters.q;
    const like = `%${term}%`;
    q = q.where((eb) => eb.or([
      eb.exists(eb.selectFrom("customers").select("customers.id").whereRef("customers.id", "=", "invitations.customer_id")
        .where((c) => c.or([
          c("customers.name", "like", like),
          /^\d{4}$/.test(term) ? c("customers.phone", "like", `%${term}`) : c("customers.phone", "=", term),
        ]))),
      eb.exists(eb.selectFrom("vehicles").select("vehicles.id").whereRef("vehicles.customer_id", "=", "invitations.customer_id")
        .where("vehicles.store_id", "=", storeId).where("vehicles.plate", "like", like)),
    ]));
  }
  return q;
}

/** "my cards" is the default for staff; managers see everyone's by default. */
export function effectiveAssignee(actor: Actor, filters: Pick<BoardFilters, "assignee">): number | "all" | "none" {
  const a = filters.assignee ?? (canManage(actor) ? "all" : "me");
  if (a === "me") return actor.id;
  if (a === "all" || a === "none") return a;
  return Number(a);
}

function baseQuery(db: DB, storeId: number, campaignId: number): InvQuery {
  return db.selectFrom("invitations")
    .where("invitations.campaign_id", "=", campaignId).where("invitations.store_id", "=", storeId).where("invitations.holdout", "=", 0);
}

const nullsLast = (eb: ExpressionBuilder<Database, "invitations">, col: "invitations.callback_at" | "invitations.next_follow_up" | "invitations.last_attempt_at") =>
  eb.case().when(col, "is", null).then(1).else(0).end();

async function cardsOf(db: DB, rows: (Invitation & { name: string; phone: string | null; assignee_name: string | null })[], actor: Actor, storeId: number): Promise<Card[]> {
  const customerIds = [...new Set(rows.map((r) => r.customer_id))];
  const vehicles = customerIds.length
    ? await db.selectFrom("vehicles").select(["customer_id", "plate", "model"]).where("store_id", "=", storeId).where("customer_id", "in", customerIds).orderBy("id").execute()
    : [];
  const byCustomer = new Map<number, { plate: string | null; model: string | null }[]>();
  for (const v of vehicles) byCustomer.set(v.customer_id, [...(byCustomer.get(v.customer_id) ?? []), { plate: v.plate, model: v.model }]);
  return rows.map((r) => ({
    id: r.id, version: r.version, result: r.result, kind: r.kind, name: r.name,
    phone: phoneFor(actor, r.phone), vehicles: byCustomer.get(r.customer_id) ?? [],
    group: r.customer_group, tier: r.customer_tier, attempts: r.attempts_count, nextFollowUp: r.next_follow_up, callbackAt: r.callback_at,
    assigneeId: r.assignee_id, assigneeName: r.assignee_name, intentVerified: !!r.intent_verified, depositFen: r.deposit_fen === null ? null : toInt(r.deposit_fen),
    managerJoins: !!r.manager_joins, lossReason: r.loss_reason, lossVerified: !!r.loss_verified_by,
    seat: r.seat === "seated" || r.seat === "waitlisted" ? r.seat : null,
  }));
}

function selectCard(q: InvQuery) {
  return q.innerJoin("customers", "customers.id", "invitations.customer_id").leftJoin("users as assignee", "assignee.id", "invitations.assignee_id")
    .selectAll("invitations").select(["customers.name", "customers.phone", "assignee.display_name as assignee_name"]);
}

/** One card's current state (after a move, or shown with a refusal). */
export async function getCard(db: DB, { storeId, campaignId, invitationId, actor }: { storeId: number; campaignId: number; invitationId: number; actor: Actor }): Promise<Card> {
  const row = await selectCard(baseQuery(db, storeId, campaignId)).where("invitations.id", "=", invitationId).executeTakeFirst();
  if (!row) throw new InvitationNotFound();
  return (await cardsOf(db, [row], actor, storeId))[0]!;
}

/** The board: per column a count and the first cards (a window; `show` asks for more). */
export async function getBoard(
  db: DB,
  { storeId, campaignId, actor, filters, timeZone, now = new Date() }: { storeId: number; campaignId: number; actor: Actor; filters: BoardFilters; timeZone: string; now?: Date },
) {
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  const filtered = () => applyFilters(baseQuery(db, storeId, campaignId), { storeId, actor, filters, timeZone, now });
  // Counts by column and each column's window are computed in SQL (a grouped count and one
  // ordered, limited id list per column); only the cards shown are then read in full.
  const windowOf = async (col: Column) => {
    const limit = filters.show[col] ?? BOARD_PAGE;
    const q = () => filtered().select("invitations.id").where("invitations.result", "=", col);
    if (col === "yes" || col === "no") return q().orderBy("invitations.updated_at", "desc").orderBy("invitations.id", "desc").limit(limit).execute();
    // To contact: callbacks first (earliest first), then the fewest attempts; Maybe: the
    // earliest next follow-up first. Dated cards, then undated ones, each read in index order.
    const date = col === "pending" ? "invitations.callback_at" as const : "invitations.next_follow_up" as const;
    const ordered = (x: ReturnType<typeof q>) => (col === "pending" ? x.orderBy("invitations.attempts_count") : x).orderBy("invitations.id");
    const dated = await ordered(q().where(date, "is not", null).orderBy(date)).limit(limit).execute();
    if (dated.length >= limit) return dated;
    return [...dated, ...(await ordered(q().where(date, "is", null)).limit(limit - dated.length).execute())];
  };
  // Unfiltered (a manager's default view), one grouped read gives both the column counts and
  // who is short of three follow-ups; a filtered board counts its own set, and the
  // short-of-three line always covers the whole campaign.
  const unfiltered = !filters.round && !filters.group && !filters.tier && !filters.flag && !filters.q && effectiveAssignee(actor, filters) === "all";
  const [countRows, shortRows, rounds, inviters, confirmed, ...windows] = await Promise.all([
    filtered()
      .select((eb) => [
        "invitations.result", "invitations.assignee_id", eb.fn.countAll().as("n"),
        eb.fn.sum(eb.case().when("invitations.attempts_count", "<", MIN_ATTEMPTS).then(1).else(0).end()).as("short"),
      ])
      .groupBy(["invitations.assignee_id", "invitations.result"]).execute(),
    unfiltered ? Promise.resolve(null) : baseQuery(db, storeId, campaignId)
      .select((eb) => ["invitations.assignee_id", eb.fn.countAll().as("n")])
      .where("invitations.result", "in", ["pending", "maybe"]).where("invitations.attempts_count", "<", MIN_ATTEMPTS)
      .groupBy("invitations.assignee_id").execute(),
    listRounds(db, { campaignId }),
    listInviters(db, { storeId }),
    hasConfirmedScript(db, { campaignId, userId: actor.id }),
    ...COLUMNS.map(windowOf),
  ]);
  const counts = Object.fromEntries(COLUMNS.map((c) => [c, 0])) as Record<Column, number>;
  const short = new Map<number | null, number>();
  for (const r of countRows) {
    counts[r.result as Column] += toInt(r.n);
    const n = toInt(r.short);
    if (unfiltered && n > 0 && (r.result === "pending" || r.result === "maybe")) short.set(r.assignee_id, (short.get(r.assignee_id) ?? 0) + n);
  }
  if (shortRows) for (const r of shortRows) short.set(r.assignee_id, toInt(r.n));
  const shownIds = windows.map((w) => w.map((r) => r.id));
  const wanted = shownIds.flat();
  const rows = wanted.length ? await selectCard(baseQuery(db, storeId, campaignId)).where("invitations.id", "in", wanted).execute() : [];
  const cards = new Map((await cardsOf(db, rows, actor, storeId)).map((c) => [c.id, c]));
  const byColumn = Object.fromEntries(COLUMNS.map((c, i) => [c, shownIds[i]!.map((id) => cards.get(id)!).filter(Boolean)])) as Record<Column, Card[]>;
  const names = new Map(inviters.map((u) => [u.id, u.display_name]));
  const shortOfThree = [...short.entries()].map(([assigneeId, count]) => ({ assigneeId, name: assigneeId === null ? null : names.get(assigneeId) ?? null, count }))
    .sort((a, b) => b.count - a.count || (a.assigneeId ?? 0) - (b.assigneeId ?? 0));
  return {
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status, script: campaign.script, kpiYesCount: campaign.kpi_yes_count, kpiReachRatePercent: campaign.kpi_reach_rate_percent },
    counts,
    targets: { pending: null, yes: campaign.kpi_yes_count, maybe: null, no: null } as Record<Column, number | null>,
    columns: byColumn,
    shortOfThree,
    rounds: rounds.map((r) => ({ id: r.id, number: r.number })),
    inviters: inviters.map((u) => ({ id: u.id, name: u.display_name })),
    scriptConfirmed: confirmed,
    assignee: effectiveAssignee(actor, filters),
  };
}
export type BoardData = Awaited<ReturnType<typeof getBoard>>;

/**
 * The call workbench: the actor's next invitation to call — callbacks that are due first
 * (earliest first), then the fewest attempts (longest since the last one). Callbacks set
 * for later and maybes whose follow-up date has not come wait. `invitationId` opens one card.
 */
export async function getNextCall(
  db: DB,
  { storeId, campaignId, actor, timeZone, invitationId, now = new Date() }: { storeId: number; campaignId: number; actor: Actor; timeZone: string; invitationId?: number | null; now?: Date },
) {
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  const nowLocal = localNow(timeZone, now);
  const today = nowLocal.slice(0, 10);
  const queue = () => baseQuery(db, storeId, campaignId)
    .where("invitations.assignee_id", "=", actor.id)
    .where("invitations.result", "in", ["pending", "maybe"])
    .where((eb) => eb.or([eb("invitations.callback_at", "is", null), eb("invitations.callback_at", "<=", nowLocal)]))
    .where((eb) => eb.or([eb("invitations.next_follow_up", "is", null), eb("invitations.next_follow_up", "<=", today)]));
  let row;
  if (invitationId) {
    row = await selectCard(baseQuery(db, storeId, campaignId)).where("invitations.id", "=", invitationId).executeTakeFirst();
    if (!row) throw new InvitationNotFound();
    if (!canWorkCard(actor, { assigneeId: row.assignee_id })) throw new InvitationRefused("invitations:errors.notYourCard", 403);
  } else {
    row = await selectCard(queue())
      .orderBy((eb) => nullsLast(eb, "invitations.callback_at")).orderBy("invitations.callback_at")
      .orderBy("invitations.attempts_count").orderBy((eb) => eb.case().when("invitations.last_attempt_at", "is", null).then(0).else(1).end())
      .orderBy("invitations.last_attempt_at").orderBy("invitations.id")
      .limit(1).executeTakeFirst();
  }
  const [remaining, confirmed] = await Promise.all([
    queue().select((eb) => eb.fn.countAll().as("n")).executeTakeFirst(),
    hasConfirmedScript(db, { campaignId, userId: actor.id }),
  ]);
  const base = {
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status, script: campaign.script },
    remaining: toInt(remaining?.n), scriptConfirmed: confirmed, nowLocal,
  };
  if (!row) return { ...base, card: null, customer: null, attempts: [] };
  const card = (await cardsOf(db, [row], actor, storeId))[0]!;
  // the assigned caller needs the number to dial: the workbench shows it in full
  card.phone = row.phone;
  const [visits, attempts, customer] = await Promise.all([
    db.selectFrom("service_visits").select(["visit_date", "type", "amount_fen"]).where("store_id", "=", storeId).where("customer_id", "=", row.customer_id)
      .orderBy("visit_date", "desc").limit(5).execute(),
    db.selectFrom("invitation_attempts").leftJoin("users", "users.id", "invitation_attempts.user_id")
      .select(["invitation_attempts.id", "invitation_attempts.at", "invitation_attempts.outcome", "invitation_attempts.channel", "invitation_attempts.callback_at", "invitation_attempts.note", "users.display_name as user_name"])
      .where("invitation_attempts.invitation_id", "=", row.id).orderBy("invitation_attempts.id", "desc").limit(20).execute(),
    db.selectFrom("customers").select(["customer_code", "usage"]).where("id", "=", row.customer_id).executeTakeFirst(),
  ]);
  return {
    ...base, card,
    customer: { code: customer?.customer_code ?? "", usage: customer?.usage ?? null, visits: visits.map((v) => ({ ...v, amount_fen: toInt(v.amount_fen) })) },
    attempts,
  };
}
export type NextCallData = Awaited<ReturnType<typeof getNextCall>>;

export interface SummaryLine {
  assigneeId: number | null;
  name: string | null;
  assigned: number;
  reached: number;
  yes: number;
  maybe: number;
  no: number;
  deposits: number;
  depositFen: number;
  shortOfThree: number;
}

const emptyLine = (assigneeId: number | null, name: string | null): SummaryLine =>
  ({ assigneeId, name, assigned: 0, reached: 0, yes: 0, maybe: 0, no: 0, deposits: 0, depositFen: 0, shortOfThree: 0 });

function addLine(total: SummaryLine, l: SummaryLine) {
  for (const k of ["assigned", "reached", "yes", "maybe", "no", "deposits", "depositFen", "shortOfThree"] as const) total[k] += l[k];
}

/**
 * Per round and per person: assigned (the round's members), reached (spoken to or answered
 * in writing in the round: a yes, maybe, no or callback attempt), the result each member reached in the round (its last yes/maybe/no attempt of
 * the round), deposits of those who said yes in it, and how many are still short of three
 * follow-ups; and the campaign's progress against its KPI targets.
 */
export async function getRoundSummary(db: DB, { storeId, campaignId }: { storeId: number; campaignId: number }) {
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  const [rounds, members, attempts, invitations, users, audience] = await Promise.all([
    listRounds(db, { campaignId }),
    db.selectFrom("invitation_round_members").innerJoin("invitation_rounds", "invitation_rounds.id", "invitation_round_members.round_id")
      .select(["invitation_round_members.round_id", "invitation_round_members.invitation_id", "invitation_round_members.assignee_id"])
      .where("invitation_rounds.campaign_id", "=", campaignId).execute(),
    db.selectFrom("invitation_attempts").select(["invitation_id", "round_id", "outcome", "id"]).where("campaign_id", "=", campaignId).orderBy("id").execute(),
    db.selectFrom("invitations").select(["id", "kind", "result", "attempts_count", "deposit_fen", "holdout", "loss_reason", "loss_verified_by", "manager_joins", "assignee_id"])
      .where("campaign_id", "=", campaignId).where("store_id", "=", storeId).execute(),
    db.selectFrom("users").select(["id", "display_name"]).where("store_id", "=", storeId).execute(),
    getAudience(db, { campaignId }),
  ]);
  const nameOf = new Map(users.map((u) => [u.id, u.display_name]));
  const inv = new Map(invitations.map((i) => [i.id, i]));
  // per round & invitation: reached (spoken to or answered in writing), last result-bearing outcome
  const reached = new Set<string>();
  const reachedIds = new Set<number>();
  const lastResult = new Map<string, string>();
  for (const a of attempts) {
    const key = `${a.round_id}:${a.invitation_id}`;
    if (isReachedOutcome(a.outcome)) {
      reached.add(key);
      reachedIds.add(a.invitation_id);
    }
    if (a.outcome === "yes" || a.outcome === "maybe" || a.outcome === "no") lastResult.set(key, a.outcome);
  }
  const perRound = rounds.map((round) => {
    const lines = new Map<number | null, SummaryLine>();
    for (const m of members) {
      if (m.round_id !== round.id) continue;
      const i = inv.get(m.invitation_id);
      if (!i || i.holdout) continue;
      const line = lines.get(m.assignee_id) ?? emptyLine(m.assignee_id, m.assignee_id === null ? null : nameOf.get(m.assignee_id) ?? null);
      lines.set(m.assignee_id, line);
      const key = `${round.id}:${m.invitation_id}`;
      line.assigned += 1;
      if (reached.has(key)) line.reached += 1;
      const r = lastResult.get(key);
      if (r === "yes") {
        line.yes += 1;
        if (i.result === "yes" && i.deposit_fen && toInt(i.deposit_fen) > 0) { line.deposits += 1; line.depositFen += toInt(i.deposit_fen); }
      } else if (r === "maybe") line.maybe += 1;
      else if (r === "no") line.no += 1;
      if ((i.result === "pending" || i.result === "maybe") && i.attempts_count < MIN_ATTEMPTS) line.shortOfThree += 1;
    }
    const staff = [...lines.values()].sort((a, b) => (a.name ?? "￿").localeCompare(b.name ?? "￿") || (a.assigneeId ?? 0) - (b.assigneeId ?? 0));
    const total = emptyLine(null, null);
    staff.forEach((l) => addLine(total, l));
    return { round, staff, total };
  });
  const contactable = invitations.filter((i) => !i.holdout);
  const count = (pred: (i: (typeof invitations)[number]) => boolean) => contactable.filter(pred).length;
  const lossReasons = Object.fromEntries(LOSS_REASONS.map((r) => [r, 0])) as Record<LossReason, number>;
  for (const i of contactable) if (i.result === "no" && i.loss_reason) lossReasons[i.loss_reason] += 1;
  const reachedCount = count((i) => reachedIds.has(i.id));
  const depositFen = contactable.reduce((s, i) => s + (i.result === "yes" && i.deposit_fen ? toInt(i.deposit_fen) : 0), 0);
  return {
    campaign: {
      id: campaign.id, name: campaign.name, status: campaign.status,
      kpiReachRatePercent: campaign.kpi_reach_rate_percent, kpiYesCount: campaign.kpi_yes_count,
      kpiArrivals: campaign.kpi_arrivals, kpiDepositsFen: campaign.kpi_deposits_fen === null ? null : toInt(campaign.kpi_deposits_fen),
    },
    audience,
    perRound,
    progress: {
      invited: contactable.length,
      holdout: invitations.length - contactable.length,
      associated: count((i) => i.kind === "associated"),
      reached: reachedCount,
      reachRate: contactable.length ? reachedCount / contactable.length : null,
      pending: count((i) => i.result === "pending"),
      yes: count((i) => i.result === "yes"),
      maybe: count((i) => i.result === "maybe"),
      no: count((i) => i.result === "no"),
      deposits: count((i) => i.result === "yes" && !!i.deposit_fen && toInt(i.deposit_fen) > 0),
      depositFen,
      shortOfThree: count((i) => (i.result === "pending" || i.result === "maybe") && i.attempts_count < MIN_ATTEMPTS),
      unassigned: count((i) => i.assignee_id === null),
      lossUnverified: count((i) => i.result === "no" && !i.loss_verified_by),
      managerJoins: count((i) => i.result === "maybe" && !!i.manager_joins),
      lossReasons,
    },
  };
}
export type RoundSummary = Awaited<ReturnType<typeof getRoundSummary>>;

/**
 * The manager's lists: maybes where the manager joins the call, yeses whose intent is not yet
 * verified (意向核实), and losses to verify (战败核实).
 */
export async function getManagerLists(db: DB, { storeId, campaignId, actor }: { storeId: number; campaignId: number; actor: Actor }) {
  const [joins, intents, losses] = await Promise.all([
    selectCard(baseQuery(db, storeId, campaignId)).where("invitations.result", "=", "maybe").where("invitations.manager_joins", "=", 1)
      .orderBy("invitations.next_follow_up").orderBy("invitations.id").limit(100).execute(),
    selectCard(baseQuery(db, storeId, campaignId)).where("invitations.result", "=", "yes").where("invitations.intent_verified", "=", 0)
      .orderBy("invitations.updated_at").orderBy("invitations.id").limit(100).execute(),
    selectCard(baseQuery(db, storeId, campaignId)).where("invitations.result", "=", "no").where("invitations.loss_verified_by", "is", null)
      .orderBy("invitations.updated_at").orderBy("invitations.id").limit(100).execute(),
  ]);
  return {
    managerJoins: await cardsOf(db, joins, actor, storeId),
    intentsToVerify: await cardsOf(db, intents, actor, storeId),
    lossesToVerify: await cardsOf(db, losses, actor, storeId),
  };
}

/** Customers of the store matching a search, with whether they are already invited (for associated customers). */
export async function searchCustomersToAdd(db: DB, { storeId, campaignId, q }: { storeId: number; campaignId: number; q: string }) {
  const term = q.trim();
  if (!term) return [];
  const like = `%${term}%`;
  const rows = await db.selectFrom("customers")
    .leftJoin("invitations", (j) => j.onRef("invitations.customer_id", "=", "customers.id").on("invitations.campaign_id", "=", campaignId))
    .select(["customers.id", "customers.name", "customers.phone", "customers.customer_code", "customers.do_not_contact", "invitations.id as invitation_id"])
    .where("customers.store_id", "=", storeId)
    .where((eb) => eb.or([
      eb("customers.name", "like", like),
      eb("customers.customer_code", "=", term),
      /^\d{4}$/.test(term) ? eb("customers.phone", "like", `%${term}`) : eb("customers.phone", "=", term),
      eb.exists(eb.selectFrom("vehicles").select("vehicles.id").whereRef("vehicles.customer_id", "=", "customers.id").where("vehicles.plate", "like", like)),
    ]))
    .orderBy("customers.customer_code").limit(20).execute();
  return rows.map((r) => ({ id: r.id, name: r.name, phone: r.phone, code: r.customer_code, doNotContact: !!r.do_not_contact, invited: r.invitation_id !== null }));
}

/** Open cards (pending/maybe) of one assignee ("none": unassigned), for reassigning a selection. */
export async function listCardsOf(db: DB, { storeId, campaignId, actor, assignee, limit = 50 }: { storeId: number; campaignId: number; actor: Actor; assignee: number | "none"; limit?: number }) {
  let q = selectCard(baseQuery(db, storeId, campaignId)).where("invitations.result", "in", ["pending", "maybe"]);
  q = assignee === "none" ? q.where("invitations.assignee_id", "is", null) : q.where("invitations.assignee_id", "=", assignee);
  return cardsOf(db, await q.orderBy("invitations.id").limit(limit).execute(), actor, storeId);
}

/**
 * Everything the manager's invitations page shows: the campaign, the segment preview (before
 * the start), the audience snapshot, rounds, people, the round summary, the manager's lists,
 * cards to reassign and a customer search for associated customers.
 */
export async function getInvitationsAdmin(
  db: DB,
  { storeId, campaignId, actor, q, from }: { storeId: number; campaignId: number; actor: Actor; q: string | null; from: number | "none" },
) {
  const campaign = await getCampaignRow(db, { storeId, id: campaignId });
  const preview = campaign.status === "approved" && campaign.segment_id
    ? await getSegmentSummary(db, { storeId, segmentId: campaign.segment_id }).catch(() => null)
    : null;
  const [summary, inviters, lists, cards, found] = await Promise.all([
    getRoundSummary(db, { storeId, campaignId }),
    listInviters(db, { storeId }),
    getManagerLists(db, { storeId, campaignId, actor }),
    listCardsOf(db, { storeId, campaignId, actor, assignee: from }),
    q ? searchCustomersToAdd(db, { storeId, campaignId, q }) : Promise.resolve([]),
  ]);
  return {
    campaign: { id: campaign.id, name: campaign.name, status: campaign.status, version: campaign.version, holdoutPercent: campaign.holdout_percent, segmentId: campaign.segment_id },
    preview: preview ? { count: preview.count, doNotContact: preview.doNotContact } : null,
    summary,
    inviters: inviters.map((u) => ({ id: u.id, name: u.display_name, role: u.role, department: u.department })),
    lists,
    cards,
    found,
  };
}

export interface HistoryEntry {
  id: number;
  at: string;
  by: string | null;
  /** the customer themselves, on the invitation page (an attempt or an opt-out with no user) */
  self: boolean;
  kind: string;
  field: string | null;
  from: string | null;
  to: string | null;
  /** for user and round ids: the name or round number of the old and new value */
  fromLabel: string | null;
  toLabel: string | null;
}

/**
 * A card's whole change history, newest first: every attempt, result, follow-up, deposit,
 * verification, assignment and round (the append-only invitation_events), with the names
 * of the users and the numbers of the rounds its values refer to.
 */
export async function getCardHistory(db: DB, { storeId, campaignId, invitationId }: { storeId: number; campaignId: number; invitationId: number }): Promise<HistoryEntry[]> {
  const [events, users, rounds] = await Promise.all([
    getInvitationHistory(db, { storeId, campaignId, invitationId }),
    db.selectFrom("users").select(["id", "display_name"]).where("store_id", "=", storeId).execute(),
    listRounds(db, { campaignId }),
  ]);
  const userNames = new Map(users.map((u) => [String(u.id), u.display_name]));
  const roundNumbers = new Map(rounds.map((r) => [String(r.id), String(r.number)]));
  const labelOf = (field: string | null, v: string | null) => {
    if (v === null) return null;
    if (field === "assignee_id" || field === "loss_verified_by" || field === "intent_verified_by") return userNames.get(String(v)) ?? null;
    if (field === "round_id") return roundNumbers.get(String(v)) ?? null;
    return null;
  };
  return events.map((e) => ({
    id: e.id, at: e.at, by: e.user_name, self: e.user_id === null && (e.kind === "opt_out" || e.attempt_id !== null), kind: e.kind, field: e.field, from: e.old_value, to: e.new_value,
    fromLabel: labelOf(e.field, e.old_value), toLabel: labelOf(e.field, e.new_value),
  }));
}
