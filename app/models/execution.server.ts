/**
 * The event day (/campaigns/:id/execution): the checklist (the plan's tasks by phase, N8
 * readiness), conversion (orders and deposits of arrived guests), actual costs of the
 * budget lines, and the touchpoint scorecard. Check-in itself lives in checkin.server.ts.
 * Every write runs in one transaction and appends what changed to campaign_history.
 */
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import type { Campaign } from "#db/schema";
import { todayIn } from "~/utils/format";
import { getCampaign, getCampaignRow, type Actor } from "./campaign.server";
import type { CampaignStatus } from "./campaign.schema";
import { deskCounts } from "./checkin-desk.server";
import { checkinRefusal, deskClock, deskOpensAt, deskState, eventWindowState, listArrivals, nearestGuests, searchCustomersForWalkIn, searchGuests } from "./checkin.server";
import { ExecutionRefused } from "./execution-errors";
import { N8_POINTS, TOUCHPOINT_KEYS, TOUCHPOINTS, type OrderKind, type OrderLine, type Touchpoint } from "./execution.schema";
import { canChangeTask, canManage } from "./permissions";


/** Orders, deposits, actual costs and scores are recorded from the event until the campaign closes. */
export const RECORDING_STATUSES: readonly CampaignStatus[] = ["inviting", "executing", "reviewing"];
/** The N8 readiness checklist is ticked before and on the event. */
export const READINESS_STATUSES: readonly CampaignStatus[] = ["approved", "inviting", "executing"];
/** Statuses that have an event page at all. */
export const EXECUTION_PAGE_STATUSES: readonly CampaignStatus[] = ["approved", "inviting", "executing", "reviewing", "closed"];

const nowIso = () => new Date().toISOString();

function requireManagerActor(actor: Actor) {
  if (!canManage(actor)) throw new ExecutionRefused("execution:errors.managersOnly", 403);
}
function requireStatus(campaign: Campaign, statuses: readonly CampaignStatus[]) {
  if (!statuses.includes(campaign.status)) {
    throw new ExecutionRefused(campaign.status === "closed" ? "execution:errors.closed" : "execution:errors.notRecording", 409, "_form", { status: campaign.status });
  }
}

async function appendHistory(trx: DB, campaignId: number, actor: Actor, rows: { field: string; oldValue: string | null; newValue: string | null }[], at: string) {
  if (!rows.length) return;
  await trx.insertInto("campaign_history").values(rows.map((r) => ({
    campaign_id: campaignId, at, user_id: actor.id, kind: "field" as const, field: r.field, old_value: r.oldValue, new_value: r.newValue, comment: null,
  }))).execute();
}

// ── reading ──

export function parseIndicators(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

/** Everything the event page shows, in one call. */
export async function getExecutionPage(
  db: DB,
  { storeId, campaignId, actor, timeZone, q = "", now = new Date() }: { storeId: number; campaignId: number; actor: Actor; timeZone: string; q?: string; now?: Date },
) {
  const detail = await getCampaign(db, { storeId, id: campaignId });
  const c = detail.campaign;
  if (!EXECUTION_PAGE_STATUSES.includes(c.status)) throw new ExecutionRefused("execution:errors.notStarted", 409, "_form", { status: c.status });
  const today = todayIn(timeZone, now);
  const clock = await deskClock(db, { storeId, timeZone, now });
  const [readiness, scores, arrivals, counts, found, orders, deposits, live] = await Promise.all([
    db.selectFrom("readiness_checks").leftJoin("users", "users.id", "readiness_checks.checked_by")
      .select(["readiness_checks.point", "readiness_checks.checked_at", "users.display_name"]).where("campaign_id", "=", campaignId).execute(),
    db.selectFrom("touchpoint_scores").leftJoin("users", "users.id", "touchpoint_scores.scored_by")
      .selectAll("touchpoint_scores").select("users.display_name").where("campaign_id", "=", campaignId).execute(),
    listArrivals(db, { storeId, campaignId, actor }),
    arrivalCounts(db, campaignId),
    // no exact match: the nearest invited guests first, then customers to register as walk-ins
    q ? searchGuests(db, { storeId, campaignId, q, actor }).then(async (g) => g.length ? { g, near: [], w: [] } : {
      g, near: await nearestGuests(db, { storeId, campaignId, q, actor }), w: await searchCustomersForWalkIn(db, { storeId, campaignId, q, actor }),
    }) : Promise.resolve({ g: [], near: [], w: [] }),
    db.selectFrom("event_orders").leftJoin("users", "users.id", "event_orders.created_by")
      .innerJoin("arrivals", "arrivals.id", "event_orders.arrival_id").innerJoin("customers", "customers.id", "arrivals.customer_id")
      .select(["event_orders.id", "event_orders.arrival_id", "event_orders.line", "event_orders.description", "event_orders.amount_fen", "event_orders.kind", "event_orders.created_at", "users.display_name as by_name", "customers.name"])
      .where("event_orders.campaign_id", "=", campaignId).orderBy("event_orders.id", "desc").limit(100).execute(),
    db.selectFrom("event_deposits").leftJoin("users", "users.id", "event_deposits.created_by")
      .innerJoin("arrivals", "arrivals.id", "event_deposits.arrival_id").innerJoin("customers", "customers.id", "arrivals.customer_id")
      .select(["event_deposits.id", "event_deposits.arrival_id", "event_deposits.amount_fen", "event_deposits.receipt", "event_deposits.created_at", "users.display_name as by_name", "customers.name"])
      .where("event_deposits.campaign_id", "=", campaignId).orderBy("event_deposits.id", "desc").limit(100).execute(),
    deskCounts(db, { storeId, campaignId }),
  ]);
  const ticked = new Map(readiness.map((r) => [r.point, { at: r.checked_at, by: r.display_name ?? null }]));
  const scoreOf = new Map(scores.map((s) => [s.touchpoint, s]));
  const tasks = detail.tasks.map((t) => ({
    id: t.id, title: t.title, phase: t.phase, ownerId: t.owner_id, ownerName: t.owner_name ?? null, dueDate: t.due_date, status: t.status,
    overdue: t.status !== "done" && t.due_date !== null && t.due_date < today,
    mayChange: canChangeTask(actor, { ownerId: t.owner_id }),
  }));
  return {
    campaign: {
      id: c.id, name: c.name, status: c.status, version: c.version, eventStart: c.event_start, eventEnd: c.event_end, venue: c.venue,
      kpiArrivals: c.kpi_arrivals, kpiConversions: c.kpi_conversions,
    },
    today,
    window: eventWindowState(c, today),
    /** null when this user may check guests in right now; otherwise the refusal's message key */
    checkinBlocked: checkinRefusal(c, clock, actor, false)?.messageKey ?? null,
    checkinBlockedParams: checkinRefusal(c, clock, actor, false)?.params ?? {},
    mayOverride: canManage(actor) && checkinRefusal(c, clock, actor, true) === null,
    /** the desk's hours: when it opens (local time), and whether it is open now */
    desk: { opensAt: deskOpensAt(c, clock.opensMinutes), state: deskState(c, clock), opensMinutes: clock.opensMinutes },
    /** arrivals against the expected guests, by staff and by segment (polled live by the desk) */
    live,
    mayRecord: RECORDING_STATUSES.includes(c.status),
    mayTickReadiness: canManage(actor) && READINESS_STATUSES.includes(c.status),
    isManager: canManage(actor),
    tasks,
    readiness: N8_POINTS.map((p) => ({ point: p, checked: ticked.has(p), at: ticked.get(p)?.at ?? null, by: ticked.get(p)?.by ?? null })),
    budget: detail.budget.map((l) => ({
      id: l.id, category: l.category, description: l.description, payer: l.payer, amountFen: toInt(l.amount_fen),
      actualFen: l.actual_fen === null ? null : toInt(l.actual_fen), actualNote: l.actual_note,
    })),
    scores: TOUCHPOINT_KEYS.map((tp) => {
      const s = scoreOf.get(tp);
      return {
        touchpoint: tp, indicators: [...TOUCHPOINTS[tp]] as string[],
        score: s ? s.score : null, checked: s ? parseIndicators(s.indicators) : [], notes: s?.notes ?? null, by: s?.display_name ?? null, at: s?.scored_at ?? null,
      };
    }),
    counts,
    q,
    guests: found.g,
    /** invited guests one keystroke away from a search that matched nobody exactly */
    nearGuests: found.near,
    walkInCandidates: found.w,
    arrivals,
    orders: orders.map((o) => ({ ...o, amount_fen: toInt(o.amount_fen) })),
    deposits: deposits.map((d) => ({ ...d, amount_fen: toInt(d.amount_fen) })),
  };
}
export type ExecutionPage = Awaited<ReturnType<typeof getExecutionPage>>;

async function arrivalCounts(db: DB, campaignId: number) {
  const [inv, arr] = await Promise.all([
    db.selectFrom("invitations").select((eb) => [
      eb.fn.countAll().as("n"),
      eb.fn.sum<number>(eb.case().when("result", "=", "yes").then(1).else(0).end()).as("yes"),
    ]).where("campaign_id", "=", campaignId).where("holdout", "=", 0).executeTakeFirst(),
    db.selectFrom("arrivals").select((eb) => [
      eb.fn.countAll().as("n"),
      eb.fn.sum<number>("walk_in").as("walk_in"),
      eb.fn.sum<number>("holdout").as("holdout"),
    ]).where("campaign_id", "=", campaignId).executeTakeFirst(),
  ]);
  return { invited: toInt(inv?.n), yes: toInt(inv?.yes), arrived: toInt(arr?.n), walkIns: toInt(arr?.walk_in), holdoutArrivals: toInt(arr?.holdout) };
}

// ── writing ──

async function loadArrival(trx: DB, storeId: number, campaignId: number, arrivalId: number) {
  const a = await trx.selectFrom("arrivals").select(["id", "invitation_id"]).where("id", "=", arrivalId)
    .where("campaign_id", "=", campaignId).where("store_id", "=", storeId).executeTakeFirst();
  if (!a) throw new ExecutionRefused("execution:errors.arrivalUnknown", 400, "arrivalId");
  return a;
}

/**
 * Money taken from an arrived guest on the event day: a positive amount, the campaign still
 * recording, the arrival one of this campaign's; `write` runs in the transaction at one time.
 */
async function recordForArrival<T>(
  db: DB,
  { storeId, campaignId, arrivalId, amount }: { storeId: number; campaignId: number; arrivalId: number; amount: number },
  write: (trx: DB, at: string) => Promise<T>,
): Promise<T> {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new ExecutionRefused("execution:errors.amountPositive", 400, "amount");
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    requireStatus(campaign, RECORDING_STATUSES);
    await loadArrival(trx, storeId, campaignId, arrivalId);
    return write(trx, nowIso());
  });
}

/** An order taken at the event for an arrived guest (活动转化). */
export async function recordOrder(
  db: DB,
  { storeId, campaignId, actor, input }: { storeId: number; campaignId: number; actor: Actor; input: { arrivalId: number; line: OrderLine; description: string; amount: number; kind: OrderKind } },
) {
  return recordForArrival(db, { storeId, campaignId, arrivalId: input.arrivalId, amount: input.amount }, async (trx, at) => {
    const row = await trx.insertInto("event_orders").values({
      campaign_id: campaignId, store_id: storeId, arrival_id: input.arrivalId, line: input.line, description: input.description,
      amount_fen: input.amount, kind: input.kind, created_by: actor.id, created_at: at,
    }).returning("id").executeTakeFirstOrThrow();
    await appendHistory(trx, campaignId, actor, [{ field: "event_order", oldValue: null, newValue: JSON.stringify({ id: toInt(row.id), arrivalId: input.arrivalId, line: input.line, amountFen: input.amount, kind: input.kind }) }], at);
    return { id: toInt(row.id) };
  });
}

/** A deposit taken on the event day from an arrived guest. */
export async function recordDeposit(
  db: DB,
  { storeId, campaignId, actor, input }: { storeId: number; campaignId: number; actor: Actor; input: { arrivalId: number; amount: number; receipt: string | null } },
) {
  return recordForArrival(db, { storeId, campaignId, arrivalId: input.arrivalId, amount: input.amount }, async (trx, at) => {
    const row = await trx.insertInto("event_deposits").values({
      campaign_id: campaignId, store_id: storeId, arrival_id: input.arrivalId, amount_fen: input.amount, receipt: input.receipt, created_by: actor.id, created_at: at,
    }).returning("id").executeTakeFirstOrThrow();
    await appendHistory(trx, campaignId, actor, [{ field: "event_deposit", oldValue: null, newValue: JSON.stringify({ id: toInt(row.id), arrivalId: input.arrivalId, amountFen: input.amount }) }], at);
    return { id: toInt(row.id) };
  });
}

/**
 * Actual amounts of the campaign's budget lines (with a receipt note). A line id of
 * another campaign refuses the whole form; each change is appended to the history.
 */
export async function saveActualCosts(
  db: DB,
  { storeId, campaignId, actor, lines }: { storeId: number; campaignId: number; actor: Actor; lines: { id: number; actual: number | null; note: string | null }[] },
) {
  requireManagerActor(actor);
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    requireStatus(campaign, RECORDING_STATUSES);
    const existing = await trx.selectFrom("campaign_budget_lines").select(["id", "actual_fen", "actual_note", "category", "description"]).where("campaign_id", "=", campaignId).execute();
    const byId = new Map(existing.map((l) => [l.id, l]));
    lines.forEach((l, i) => {
      if (!byId.has(l.id)) throw new ExecutionRefused("execution:errors.lineUnknown", 400, `lines.${i}.actual`);
    });
    const at = nowIso();
    const history: { field: string; oldValue: string | null; newValue: string | null }[] = [];
    for (const l of lines) {
      const old = byId.get(l.id)!;
      const oldFen = old.actual_fen === null ? null : toInt(old.actual_fen);
      if (oldFen === l.actual && (old.actual_note ?? null) === l.note) continue;
      await trx.updateTable("campaign_budget_lines").set({ actual_fen: l.actual, actual_note: l.note }).where("id", "=", l.id).where("campaign_id", "=", campaignId).execute();
      history.push({
        field: "actual_cost",
        oldValue: JSON.stringify({ lineId: l.id, actualFen: oldFen, note: old.actual_note }),
        newValue: JSON.stringify({ lineId: l.id, actualFen: l.actual, note: l.note }),
      });
    }
    await appendHistory(trx, campaignId, actor, history, at);
    return { changed: history.length };
  });
}

/** A manager scores a touchpoint 1–5 with the indicators that were met and notes. */
export async function saveTouchpointScore(
  db: DB,
  { storeId, campaignId, actor, input }: { storeId: number; campaignId: number; actor: Actor; input: { touchpoint: Touchpoint; score: number; indicators: string[]; notes: string | null } },
) {
  requireManagerActor(actor);
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) throw new ExecutionRefused("execution:errors.score", 400, "score");
  const allowed = TOUCHPOINTS[input.touchpoint] as readonly string[] | undefined;
  if (!allowed) throw new ExecutionRefused("execution:errors.choice", 400, "touchpoint");
  if (input.indicators.some((i) => !allowed.includes(i))) throw new ExecutionRefused("execution:errors.choice", 400, "indicators");
  const indicators = JSON.stringify([...new Set(input.indicators)]);
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    requireStatus(campaign, RECORDING_STATUSES);
    const old = await trx.selectFrom("touchpoint_scores").selectAll().where("campaign_id", "=", campaignId).where("touchpoint", "=", input.touchpoint).executeTakeFirst();
    const at = nowIso();
    const values = { score: input.score, indicators, notes: input.notes, scored_by: actor.id, scored_at: at };
    if (old) await trx.updateTable("touchpoint_scores").set(values).where("campaign_id", "=", campaignId).where("touchpoint", "=", input.touchpoint).execute();
    else await trx.insertInto("touchpoint_scores").values({ campaign_id: campaignId, touchpoint: input.touchpoint, ...values }).execute();
    await appendHistory(trx, campaignId, actor, [{
      field: `touchpoint_${input.touchpoint}`,
      oldValue: old ? JSON.stringify({ score: old.score, indicators: parseIndicators(old.indicators), notes: old.notes }) : null,
      newValue: JSON.stringify({ score: input.score, indicators: JSON.parse(indicators), notes: input.notes }),
    }], at);
  });
}

/** Ticks or unticks an N8 key point on the readiness checklist. */
export async function setReadiness(
  db: DB,
  { storeId, campaignId, actor, point, checked }: { storeId: number; campaignId: number; actor: Actor; point: string; checked: boolean },
) {
  requireManagerActor(actor);
  if (!(N8_POINTS as readonly string[]).includes(point)) throw new ExecutionRefused("execution:errors.choice", 400, "point");
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    requireStatus(campaign, READINESS_STATUSES);
    const at = nowIso();
    const was = await trx.selectFrom("readiness_checks").select("point").where("campaign_id", "=", campaignId).where("point", "=", point).executeTakeFirst();
    if (!!was === checked) return;
    if (checked) {
      await trx.insertInto("readiness_checks").values({ campaign_id: campaignId, point, checked_by: actor.id, checked_at: at })
        .onConflict((oc) => oc.columns(["campaign_id", "point"]).doNothing()).execute();
    } else {
      await trx.deleteFrom("readiness_checks").where("campaign_id", "=", campaignId).where("point", "=", point).execute();
    }
    await appendHistory(trx, campaignId, actor, [{ field: `readiness_${point}`, oldValue: was ? "1" : "0", newValue: checked ? "1" : "0" }], at);
  });
}

/** A task's status on the checklist: managers, or the task's owner. */
export async function setTaskStatus(
  db: DB,
  { storeId, campaignId, actor, taskId, status }: { storeId: number; campaignId: number; actor: Actor; taskId: number; status: "todo" | "doing" | "done" },
) {
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id: campaignId });
    requireStatus(campaign, ["approved", "inviting", "executing", "reviewing"]);
    const task = await trx.selectFrom("campaign_tasks").select(["id", "status", "owner_id", "title"]).where("id", "=", taskId).where("campaign_id", "=", campaignId).executeTakeFirst();
    if (!task) throw new ExecutionRefused("execution:errors.taskUnknown", 400, "taskId");
    if (!canChangeTask(actor, { ownerId: task.owner_id })) throw new ExecutionRefused("execution:errors.notYourTask", 403);
    if (task.status === status) return;
    const at = nowIso();
    await trx.updateTable("campaign_tasks").set({ status }).where("id", "=", taskId).execute();
    await appendHistory(trx, campaignId, actor, [{ field: "task_status", oldValue: JSON.stringify({ taskId, status: task.status }), newValue: JSON.stringify({ taskId, status }) }], at);
  });
}
