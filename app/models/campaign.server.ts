/**
 * Campaign plans: create, read, save (optimistic concurrency on `version`), amend after
 * approval (with history), the status workflow by role, clone, list and calendar.
 * Inputs are the parsed outputs of app/models/campaign.schema.ts.
 */
import type { DB } from "#db/client";
import type { Campaign, Role } from "#db/schema";
import { toInt } from "#db/dialect";
import { addDays } from "~/utils/format";
import type { FieldErrors } from "~/utils/form";
import { fenToYuanText } from "~/utils/money";
import {
  AMENDABLE_STATUSES, budgetTotals, CHANNELS, OPEN_STATUSES, type AmendInput, type PlanFormValues, type CampaignListFilters, type CampaignStatus,
  type PlanInput, type TransitionAction,
} from "./campaign.schema";
import { canApproveOwnPlan, canManage } from "./permissions";
import { CampaignNotFound, StaleVersion, TransitionNotAllowed, PlanNotEditable, PlanIncomplete, InvalidReferences } from "./errors";
export { CampaignNotFound, StaleVersion, TransitionNotAllowed, PlanNotEditable, PlanIncomplete, InvalidReferences };


export interface Actor {
  id: number;
  role: Role;
}

// ── named errors (routes map them to 404 / 409 / 403 / 400) ──

// ── the status machine (pure) ──

export const TRANSITIONS: Record<TransitionAction, { from: readonly CampaignStatus[]; to: CampaignStatus }> = {
  submit: { from: ["draft"], to: "submitted" },
  approve: { from: ["submitted"], to: "approved" },
  return: { from: ["submitted"], to: "draft" },
  start_invitations: { from: ["approved"], to: "inviting" },
  start_execution: { from: ["inviting"], to: "executing" },
  start_review: { from: ["executing"], to: "reviewing" },
  close: { from: ["reviewing"], to: "closed" },
  cancel: { from: OPEN_STATUSES, to: "cancelled" },
};

/**
 * Why an action is refused, or null when allowed. Staff never change a plan's status;
 * managers and admins do; approving or returning needs a manager other than the author,
 * or an admin.
 */
export function transitionRefusal(
  campaign: { status: CampaignStatus; author_id: number },
  actor: Actor,
  action: TransitionAction,
): "role" | "author" | "status" | null {
  if (!canManage(actor)) return "role";
  if (!TRANSITIONS[action].from.includes(campaign.status)) return "status";
  if ((action === "approve" || action === "return") && !canApproveOwnPlan(actor, { authorId: campaign.author_id })) return "author";
  return null;
}

export function allowedActions(campaign: { status: CampaignStatus; author_id: number }, actor: Actor): TransitionAction[] {
  return (Object.keys(TRANSITIONS) as TransitionAction[]).filter((a) => transitionRefusal(campaign, actor, a) === null);
}

/** "edit": the whole plan; "amend": KPI, budget and tasks (after approval); null: read-only. */
export function editMode(status: CampaignStatus, actor: Actor): "edit" | "amend" | null {
  if (!canManage(actor)) return null;
  if (status === "draft") return "edit";
  if (AMENDABLE_STATUSES.includes(status)) return "amend";
  return null;
}

/** The next step to take, as an i18n key under campaigns:nextStep. */
export function nextStep(status: CampaignStatus): string {
  return status;
}

/** A task's due date: T±N relative to the event start when both are set, else its own date. */
export function resolveDueDate(task: { dueDate: string | null; relativeDays: number | null }, eventStart: string | null): string | null {
  if (task.relativeDays !== null && eventStart) return addDays(eventStart.slice(0, 10), task.relativeDays);
  return task.dueDate;
}

// ── reading ──

export async function getCampaignRow(db: DB, { storeId, id }: { storeId: number; id: number }): Promise<Campaign> {
  const row = await db.selectFrom("campaigns").selectAll().where("store_id", "=", storeId).where("id", "=", id).executeTakeFirst();
  if (!row) throw new CampaignNotFound();
  return row;
}

/** The campaign with its plan parts, people's names and history. */
export async function getCampaign(db: DB, { storeId, id }: { storeId: number; id: number }) {
  const campaign = await getCampaignRow(db, { storeId, id });
  const userIds = [campaign.author_id, campaign.owner_id, campaign.updated_by].filter((x): x is number => x !== null);
  const [channels, budget, tasks, history, users, segment] = await Promise.all([
    db.selectFrom("campaign_channels").selectAll().where("campaign_id", "=", id).execute(),
    db.selectFrom("campaign_budget_lines").selectAll().where("campaign_id", "=", id).orderBy("position").orderBy("id").execute(),
    db.selectFrom("campaign_tasks")
      .leftJoin("users", "users.id", "campaign_tasks.owner_id")
      .selectAll("campaign_tasks")
      .select("users.display_name as owner_name")
      .where("campaign_id", "=", id).orderBy("position").orderBy("campaign_tasks.id").execute(),
    db.selectFrom("campaign_history")
      .leftJoin("users", "users.id", "campaign_history.user_id")
      .selectAll("campaign_history")
      .select("users.display_name as user_name")
      .where("campaign_id", "=", id).orderBy("campaign_history.at").orderBy("campaign_history.id").execute(),
    userIds.length
      ? db.selectFrom("users").select(["id", "display_name"]).where("id", "in", userIds).execute()
      : Promise.resolve([] as { id: number; display_name: string }[]),
    campaign.segment_id
      ? db.selectFrom("segments").select(["id", "name"]).where("id", "=", campaign.segment_id).where("store_id", "=", storeId).executeTakeFirst()
      : Promise.resolve(undefined),
  ]);
  const nameOf = (uid: number | null) => (uid === null ? null : users.find((u) => u.id === uid)?.display_name ?? null);
  const order = new Map<string, number>(["phone", "sms", "wechat_official", "wechat_moments", "radio", "posters", "home_visit"].map((c, i) => [c, i]));
  return {
    campaign,
    authorName: nameOf(campaign.author_id),
    ownerName: nameOf(campaign.owner_id),
    updatedByName: nameOf(campaign.updated_by),
    segmentName: segment?.name ?? null,
    goals: parseGoals(campaign.goals),
    channels: channels.sort((a, b) => (order.get(a.channel) ?? 99) - (order.get(b.channel) ?? 99)),
    budget,
    totals: budgetTotals(budget.map((l) => ({ category: l.category, payer: l.payer, amountFen: l.amount_fen, actualFen: l.actual_fen }))),
    tasks,
    history,
  };
}
export type CampaignDetail = Awaited<ReturnType<typeof getCampaign>>;

export function parseGoals(json: string): { text: string; target: number; unit: string }[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

// ── writing ──

async function checkReferences(db: DB, storeId: number, refs: { segmentId?: number | null; ownerId?: number | null; tasks?: { ownerId: number | null }[] }) {
  const errors: FieldErrors = {};
  if (refs.segmentId) {
    const seg = await db.selectFrom("segments").select("id").where("id", "=", refs.segmentId).where("store_id", "=", storeId).executeTakeFirst();
    if (!seg) errors.segmentId = "campaigns:errors.segmentUnknown";
  }
  const userIds = [refs.ownerId ?? null, ...(refs.tasks ?? []).map((t) => t.ownerId)].filter((x): x is number => x !== null);
  if (userIds.length) {
    const found = new Set(
      (await db.selectFrom("users").select("id").where("store_id", "=", storeId).where("active", "=", 1).where("id", "in", [...new Set(userIds)]).execute())
        .map((u) => u.id),
    );
    if (refs.ownerId && !found.has(refs.ownerId)) errors.ownerId = "campaigns:errors.ownerUnknown";
    (refs.tasks ?? []).forEach((t, i) => {
      if (t.ownerId !== null && !found.has(t.ownerId)) errors[`tasks.${i}.ownerId`] = "campaigns:errors.ownerUnknown";
    });
  }
  if (Object.keys(errors).length) throw new InvalidReferences(errors);
}

/** A new campaign's columns: no capacity is the column's default (left out, so the row is written the same way as before the seats existed). */
function insertColumns(input: PlanInput) {
  const { capacity, ...rest } = planColumns(input);
  return capacity === null ? rest : { ...rest, capacity };
}

function planColumns(input: PlanInput) {
  return {
    name: input.name,
    owner_id: input.ownerId,
    segment_id: input.segmentId,
    holdout_percent: input.holdoutPercent,
    capacity: input.capacity,
    business_chain: input.businessChain,
    theme: input.theme,
    topic_technique: input.topicTechnique,
    topic_subkind: input.topicSubkind,
    offer: input.offer,
    script: input.script,
    venue: input.venue,
    invitation_start: input.invitationStart,
    invitation_end: input.invitationEnd,
    event_start: input.eventStart,
    event_end: input.eventEnd,
    review_date: input.reviewDate,
    background: input.background,
    goals: JSON.stringify(input.goals),
    non_quantified_goals: input.nonQuantifiedGoals,
    ...kpiColumns(input),
  };
}

function kpiColumns(input: Pick<PlanInput, "kpiReachRatePercent" | "kpiYesCount" | "kpiArrivals" | "kpiConversions" | "kpiRevenue" | "kpiDeposits" | "kpiRoiPercent">) {
  return {
    kpi_reach_rate_percent: input.kpiReachRatePercent,
    kpi_yes_count: input.kpiYesCount,
    kpi_arrivals: input.kpiArrivals,
    kpi_conversions: input.kpiConversions,
    kpi_revenue_fen: input.kpiRevenue,
    kpi_deposits_fen: input.kpiDeposits,
    kpi_roi_percent: input.kpiRoiPercent,
  };
}
export const KPI_COLUMNS = ["kpi_reach_rate_percent", "kpi_yes_count", "kpi_arrivals", "kpi_conversions", "kpi_revenue_fen", "kpi_deposits_fen", "kpi_roi_percent"] as const;

type BudgetIn = PlanInput["budget"][number];
type TaskIn = PlanInput["tasks"][number];

/**
 * Writes channels, budget lines and tasks; existing line/task ids are updated in place (a line
 * keeps its actual cost). Returns the ids of the lines and tasks in their order.
 */
async function syncChildren(
  trx: DB,
  campaignId: number,
  parts: { channels?: PlanInput["channels"]; budget: BudgetIn[]; tasks: TaskIn[] },
  eventStart: string | null,
) {
  if (parts.channels) {
    await trx.deleteFrom("campaign_channels").where("campaign_id", "=", campaignId).execute();
    if (parts.channels.length) {
      await trx.insertInto("campaign_channels")
        .values(parts.channels.map((c) => ({ campaign_id: campaignId, channel: c.channel, planned_reach: c.plannedReach })))
        .execute();
    }
  }

  const oldLines = new Set((await trx.selectFrom("campaign_budget_lines").select("id").where("campaign_id", "=", campaignId).execute()).map((r) => r.id));
  const keptLines = new Set<number>();
  const budgetIds: number[] = [];
  const taskIds: number[] = [];
  for (const [position, l] of parts.budget.entries()) {
    const values = {
      position, category: l.category, description: l.description, quantity: l.quantity,
      unit_cost_fen: l.unitCostFen, amount_fen: l.amountFen, payer: l.payer,
    };
    if (l.id !== null && oldLines.has(l.id) && !keptLines.has(l.id)) {
      keptLines.add(l.id);
      budgetIds.push(l.id);
      await trx.updateTable("campaign_budget_lines").set(values).where("id", "=", l.id).execute();
    } else {
      const row = await trx.insertInto("campaign_budget_lines").values({ campaign_id: campaignId, ...values, actual_fen: null, actual_note: null })
        .returning("id").executeTakeFirstOrThrow();
      budgetIds.push(toInt(row.id));
    }
  }
  const goneLines = [...oldLines].filter((id) => !keptLines.has(id));
  if (goneLines.length) await trx.deleteFrom("campaign_budget_lines").where("id", "in", goneLines).execute();

  const oldTasks = new Set((await trx.selectFrom("campaign_tasks").select("id").where("campaign_id", "=", campaignId).execute()).map((r) => r.id));
  const keptTasks = new Set<number>();
  for (const [position, t] of parts.tasks.entries()) {
    const values = {
      position, title: t.title, phase: t.phase, owner_id: t.ownerId, status: t.status,
      relative_days: t.relativeDays, due_date: resolveDueDate(t, eventStart),
    };
    if (t.id !== null && oldTasks.has(t.id) && !keptTasks.has(t.id)) {
      keptTasks.add(t.id);
      taskIds.push(t.id);
      await trx.updateTable("campaign_tasks").set(values).where("id", "=", t.id).execute();
    } else {
      const row = await trx.insertInto("campaign_tasks").values({ campaign_id: campaignId, ...values }).returning("id").executeTakeFirstOrThrow();
      taskIds.push(toInt(row.id));
    }
  }
  const goneTasks = [...oldTasks].filter((id) => !keptTasks.has(id));
  if (goneTasks.length) await trx.deleteFrom("campaign_tasks").where("id", "in", goneTasks).execute();
  return { budgetIds, taskIds };
}

async function appendHistory(
  trx: DB,
  rows: { campaignId: number; userId: number | null; kind: "status" | "field" | "comment"; field?: string | null; oldValue?: string | null; newValue?: string | null; comment?: string | null }[],
  at = new Date().toISOString(),
) {
  if (!rows.length) return;
  await trx.insertInto("campaign_history").values(rows.map((r) => ({
    campaign_id: r.campaignId, at, user_id: r.userId, kind: r.kind, field: r.field ?? null,
    old_value: r.oldValue ?? null, new_value: r.newValue ?? null, comment: r.comment ?? null,
  }))).execute();
}

/** Creates a draft plan. */
export async function createCampaign(
  db: DB,
  { storeId, actor, input, templateKey = null, clonedFrom = null }: { storeId: number; actor: Actor; input: PlanInput; templateKey?: string | null; clonedFrom?: number | null },
): Promise<Campaign> {
  if (!canManage(actor)) throw new PlanNotEditable("draft");
  return db.transaction().execute(async (trx) => {
    await checkReferences(trx, storeId, input);
    const now = new Date().toISOString();
    const row = await trx.insertInto("campaigns").values({
      store_id: storeId, status: "draft", author_id: actor.id, ...insertColumns(input),
      owner_id: input.ownerId ?? actor.id,
      template_key: templateKey ?? input.templateKey ?? null, cloned_from: clonedFrom,
      created_at: now, updated_at: now, updated_by: actor.id,
    }).returningAll().executeTakeFirstOrThrow();
    await syncChildren(trx, row.id, input, row.event_start);
    await appendHistory(trx, [{ campaignId: row.id, userId: actor.id, kind: "status", field: "status", oldValue: null, newValue: "draft" }], now);
    return row;
  });
}

/** Bumps the version if it is still the one the editor loaded; otherwise StaleVersion. */
async function bumpVersion(trx: DB, campaign: Campaign, expected: number, actor: Actor, set: Record<string, unknown>, now: string) {
  const res = await trx.updateTable("campaigns")
    .set((eb) => ({ ...set, version: eb("version", "+", 1), updated_at: now, updated_by: actor.id }))
    .where("id", "=", campaign.id).where("store_id", "=", campaign.store_id).where("version", "=", expected)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) await throwStale(trx, campaign.store_id, campaign.id);
}

async function throwStale(db: DB, storeId: number, id: number): Promise<never> {
  const current = await db.selectFrom("campaigns").leftJoin("users", "users.id", "campaigns.updated_by")
    .select(["campaigns.version", "campaigns.updated_at", "users.display_name"])
    .where("campaigns.id", "=", id).where("campaigns.store_id", "=", storeId).executeTakeFirst();
  if (!current) throw new CampaignNotFound();
  throw new StaleVersion({ version: current.version, updatedAt: current.updated_at, updatedByName: current.display_name ?? null });
}

/** Saves the whole plan of a draft (the version must match). Returns the new version. */
export async function updatePlan(db: DB, { storeId, id, actor, input }: { storeId: number; id: number; actor: Actor; input: PlanInput }) {
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id });
    if (campaign.version !== input.version) await throwStale(trx, storeId, id);
    if (editMode(campaign.status, actor) !== "edit") throw new PlanNotEditable(campaign.status);
    await checkReferences(trx, storeId, input);
    const now = new Date().toISOString();
    await bumpVersion(trx, campaign, input.version, actor, planColumns(input), now);
    const ids = await syncChildren(trx, id, input, input.eventStart);
    return { version: campaign.version + 1, updatedAt: now, ...ids };
  });
}

const lineSummary = (l: { category: string; description: string; quantity: number; unit_cost_fen: number; amount_fen: number; payer: string }) =>
  JSON.stringify({ category: l.category, description: l.description, quantity: l.quantity, unitCostFen: l.unit_cost_fen, amountFen: l.amount_fen, payer: l.payer });

/**
 * After approval: KPI targets, budget lines and tasks change; every KPI and budget change
 * is appended to the history (field, old → new). Returns the new version.
 */
export async function amendPlan(db: DB, { storeId, id, actor, input }: { storeId: number; id: number; actor: Actor; input: AmendInput }) {
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id });
    if (campaign.version !== input.version) await throwStale(trx, storeId, id);
    if (editMode(campaign.status, actor) !== "amend") throw new PlanNotEditable(campaign.status);
    await checkReferences(trx, storeId, { tasks: input.tasks });
    const now = new Date().toISOString();
    const kpi = kpiColumns(input);
    const changes: Parameters<typeof appendHistory>[1] = [];
    for (const col of KPI_COLUMNS) {
      if (campaign[col] !== kpi[col]) {
        changes.push({ campaignId: id, userId: actor.id, kind: "field", field: col, oldValue: campaign[col]?.toString() ?? null, newValue: kpi[col]?.toString() ?? null });
      }
    }
    const oldLines = await trx.selectFrom("campaign_budget_lines").selectAll().where("campaign_id", "=", id).orderBy("position").execute();
    const byId = new Map(oldLines.map((l) => [l.id, l]));
    const matched = new Set<number>();
    for (const l of input.budget) {
      const now = lineSummary({ category: l.category, description: l.description, quantity: l.quantity, unit_cost_fen: l.unitCostFen, amount_fen: l.amountFen, payer: l.payer });
      const old = l.id !== null ? byId.get(l.id) : undefined;
      if (old && !matched.has(old.id)) {
        matched.add(old.id);
        const before = lineSummary(old);
        if (before !== now) changes.push({ campaignId: id, userId: actor.id, kind: "field", field: "budget_line", oldValue: before, newValue: now });
      } else {
        changes.push({ campaignId: id, userId: actor.id, kind: "field", field: "budget_line", oldValue: null, newValue: now });
      }
    }
    for (const old of oldLines) {
      if (!matched.has(old.id)) changes.push({ campaignId: id, userId: actor.id, kind: "field", field: "budget_line", oldValue: lineSummary(old), newValue: null });
    }
    const oldTotal = oldLines.reduce((s, l) => s + l.amount_fen, 0);
    const newTotal = input.budget.reduce((s, l) => s + l.amountFen, 0);
    if (oldTotal !== newTotal) changes.push({ campaignId: id, userId: actor.id, kind: "field", field: "budget_total", oldValue: String(oldTotal), newValue: String(newTotal) });
    await bumpVersion(trx, campaign, input.version, actor, kpi, now);
    const ids = await syncChildren(trx, id, { budget: input.budget, tasks: input.tasks }, campaign.event_start);
    await appendHistory(trx, changes, now);
    return { version: campaign.version + 1, updatedAt: now, changes: changes.length, ...ids };
  });
}

/** What a plan must hold before it is submitted for approval. */
export function missingForSubmit(c: Campaign): string[] {
  const missing: string[] = [];
  if (!c.segment_id) missing.push("segmentId");
  if (!c.invitation_start) missing.push("invitationStart");
  if (!c.invitation_end) missing.push("invitationEnd");
  if (!c.event_start) missing.push("eventStart");
  if (!c.event_end) missing.push("eventEnd");
  return missing;
}

/** Moves a campaign through the workflow; appends the change (and any comment) to history. */
export async function transition(
  db: DB,
  { storeId, id, actor, action, comment = null, expectedVersion }: { storeId: number; id: number; actor: Actor; action: TransitionAction; comment?: string | null; expectedVersion?: number },
) {
  return db.transaction().execute(async (trx) => {
    const campaign = await getCampaignRow(trx, { storeId, id });
    if (expectedVersion !== undefined && campaign.version !== expectedVersion) await throwStale(trx, storeId, id);
    const refusal = transitionRefusal(campaign, actor, action);
    if (refusal) throw new TransitionNotAllowed(action, campaign.status, refusal);
    if (action === "submit") {
      const missing = missingForSubmit(campaign);
      if (missing.length) throw new PlanIncomplete(missing);
    }
    const to = TRANSITIONS[action].to;
    const now = new Date().toISOString();
    await bumpVersion(trx, campaign, campaign.version, actor, { status: to }, now);
    await appendHistory(trx, [{ campaignId: id, userId: actor.id, kind: "status", field: action, oldValue: campaign.status, newValue: to, comment }], now);
    return { status: to, version: campaign.version + 1 };
  });
}

/** Adds a comment to the plan's history. */
export async function addComment(db: DB, { storeId, id, actor, comment }: { storeId: number; id: number; actor: Actor; comment: string }) {
  await getCampaignRow(db, { storeId, id });
  await appendHistory(db, [{ campaignId: id, userId: actor.id, kind: "comment", comment }]);
}

/** A new draft from a past campaign: same plan, dates cleared, actuals cleared, tasks back to to-do. */
export async function cloneCampaign(db: DB, { storeId, id, actor, name }: { storeId: number; id: number; actor: Actor; name: string }) {
  const src = await getCampaign(db, { storeId, id });
  const c = src.campaign;
  const input: PlanInput = {
    version: 0, name, ownerId: actor.id, templateKey: c.template_key,
    background: c.background, goals: src.goals, nonQuantifiedGoals: c.non_quantified_goals,
    kpiReachRatePercent: c.kpi_reach_rate_percent, kpiYesCount: c.kpi_yes_count, kpiArrivals: c.kpi_arrivals,
    kpiConversions: c.kpi_conversions, kpiRevenue: c.kpi_revenue_fen, kpiDeposits: c.kpi_deposits_fen, kpiRoiPercent: c.kpi_roi_percent,
    segmentId: c.segment_id, holdoutPercent: c.holdout_percent,
    theme: c.theme, topicTechnique: c.topic_technique as PlanInput["topicTechnique"], topicSubkind: c.topic_subkind as PlanInput["topicSubkind"],
    businessChain: c.business_chain as PlanInput["businessChain"], offer: c.offer, script: c.script,
    invitationStart: null, invitationEnd: null, eventStart: null, eventEnd: null, reviewDate: null,
    venue: c.venue, capacity: c.capacity === null ? null : Number(c.capacity),
    channels: src.channels.map((ch) => ({ channel: ch.channel as PlanInput["channels"][number]["channel"], plannedReach: ch.planned_reach })),
    budget: src.budget.map((l) => ({
      id: null, category: l.category as BudgetIn["category"], description: l.description, quantity: l.quantity,
      unitCostFen: l.unit_cost_fen, amountFen: l.amount_fen, payer: l.payer,
    })),
    tasks: src.tasks.map((t) => ({
      id: null, title: t.title, phase: t.phase, ownerId: t.owner_id,
      dueDate: null, relativeDays: t.relative_days, status: "todo" as const,
    })),
  };
  return createCampaign(db, { storeId, actor, input, templateKey: c.template_key, clonedFrom: c.id });
}

// ── lists ──

/** The store's campaigns, filtered (status, chain, year of the event, name search). */
export async function listCampaigns(db: DB, { storeId, filters }: { storeId: number; filters: Partial<CampaignListFilters> }) {
  let q = db.selectFrom("campaigns")
    .leftJoin("users as owner", "owner.id", "campaigns.owner_id")
    .leftJoin("segments", "segments.id", "campaigns.segment_id")
    .where("campaigns.store_id", "=", storeId);
  if (filters.status) q = q.where("campaigns.status", "=", filters.status);
  if (filters.chain) q = q.where("campaigns.business_chain", "=", filters.chain);
  if (filters.year) {
    const from = `${filters.year}-01-01`;
    const to = `${filters.year + 1}-01-01`;
    q = q.where((eb) => {
      const when = eb.fn.coalesce("campaigns.event_start", "campaigns.invitation_start", "campaigns.created_at");
      return eb.and([eb(when, ">=", from), eb(when, "<", to)]);
    });
  }
  if (filters.q) {
    const like = `%${filters.q.toLowerCase()}%`;
    q = q.where((eb) => eb(eb.fn("lower", ["campaigns.name"]), "like", like));
  }
  const rows = await q
    .select((eb) => [
      "campaigns.id", "campaigns.name", "campaigns.status", "campaigns.business_chain", "campaigns.invitation_start",
      "campaigns.invitation_end", "campaigns.event_start", "campaigns.event_end", "campaigns.segment_id", "campaigns.holdout_percent",
      "campaigns.kpi_arrivals", "campaigns.kpi_roi_percent", "campaigns.updated_at",
      "owner.display_name as owner_name", "segments.name as segment_name",
      eb.selectFrom("campaign_budget_lines").select((b) => b.fn.sum<number>("amount_fen").as("s"))
        .whereRef("campaign_budget_lines.campaign_id", "=", "campaigns.id").as("budget_fen"),
    ])
    .orderBy((eb) => eb.fn.coalesce("campaigns.event_start", "campaigns.created_at"), "desc")
    .orderBy("campaigns.id", "desc")
    .limit(500)
    .execute();
  return rows.map((r) => ({ ...r, budget_fen: toInt(r.budget_fen) }));
}
export type CampaignListRow = Awaited<ReturnType<typeof listCampaigns>>[number];

/** Campaigns whose invitation window or event touches a month (`YYYY-MM`). */
export async function listCampaignMonth(db: DB, { storeId, month }: { storeId: number; month: string }) {
  const first = `${month}-01`;
  const next = addDays(`${month}-28`, 7).slice(0, 7) + "-01";
  const rows = await db.selectFrom("campaigns")
    .select(["id", "name", "status", "invitation_start", "invitation_end", "event_start", "event_end"])
    .where("store_id", "=", storeId)
    .where("status", "!=", "cancelled")
    .where((eb) => eb.and([
      eb(eb.fn.coalesce("invitation_start", "event_start"), "<", next),
      eb(eb.fn.coalesce("event_end", "event_start", "invitation_end"), ">=", first),
    ]))
    .orderBy("invitation_start").orderBy("id")
    .execute();
  return { month, first, next, rows };
}

/** The plan as form values (strings, as the form posts them), channels in their fixed order. */
export function planFormValues(detail: CampaignDetail): PlanFormValues {
  const c = detail.campaign;
  const s = (v: string | number | null) => (v === null ? "" : String(v));
  const yuan = (fen: number | null) => (fen === null ? "" : fenToYuanText(fen));
  return {
    version: String(c.version), name: c.name, ownerId: s(c.owner_id), templateKey: c.template_key ?? "",
    background: s(c.background), goals: detail.goals.map((g) => ({ text: g.text, target: String(g.target), unit: g.unit })),
    nonQuantifiedGoals: s(c.non_quantified_goals),
    kpiReachRatePercent: s(c.kpi_reach_rate_percent), kpiYesCount: s(c.kpi_yes_count), kpiArrivals: s(c.kpi_arrivals),
    kpiConversions: s(c.kpi_conversions), kpiRevenue: yuan(c.kpi_revenue_fen), kpiDeposits: yuan(c.kpi_deposits_fen), kpiRoiPercent: s(c.kpi_roi_percent),
    segmentId: s(c.segment_id), holdoutPercent: String(c.holdout_percent), capacity: s(c.capacity),
    theme: s(c.theme), topicTechnique: s(c.topic_technique), topicSubkind: s(c.topic_subkind), businessChain: s(c.business_chain),
    offer: s(c.offer), script: s(c.script),
    invitationStart: s(c.invitation_start), invitationEnd: s(c.invitation_end), eventStart: s(c.event_start), eventEnd: s(c.event_end), reviewDate: s(c.review_date),
    venue: s(c.venue),
    channels: CHANNELS.map((key) => {
      const ch = detail.channels.find((x) => x.channel === key);
      return { key, selected: !!ch, plannedReach: ch ? s(ch.planned_reach) : "" };
    }),
    budget: detail.budget.map((l) => ({
      id: String(l.id), category: l.category, description: l.description, quantity: String(l.quantity), unitCost: fenToYuanText(l.unit_cost_fen), payer: l.payer,
    })),
    tasks: detail.tasks.map((t) => ({
      id: String(t.id), title: t.title, phase: t.phase, ownerId: s(t.owner_id), dueDate: s(t.due_date), relativeDays: s(t.relative_days), status: t.status,
    })),
  };
}
