/**
 * The campaign plan form (5W2H + KPI): one zod schema used by react-hook-form in the browser
 * and by the route actions. Inputs are the strings a form posts (FormData or react-hook-form
 * values); outputs are domain values (integer fen, whole percent, ISO dates, nulls).
 * Messages are i18n keys. Safe for the browser (no `.server`).
 */
import { z } from "zod";
import { checkbox, choice, date, dateTime, id, numeric, optional, money, raw, requiredText, text, version as versionField, wholeNumber } from "./fields";

import { CAMPAIGN_STATUSES, OPEN_STATUSES, AMENDABLE_STATUSES, BUSINESS_CHAINS, TOPIC_TECHNIQUES, TOPIC_SUBKINDS, CHANNELS, BUDGET_CATEGORIES, PAYERS, TASK_PHASES, TASK_STATUSES, type CampaignStatus, type Channel, type BudgetCategory, type Payer, type TaskPhase, type TaskStatus } from "./campaign.constants";

export * from "./campaign.constants";

export const LIMITS = {
  name: 120,
  shortText: 200,
  offer: 2000,
  longText: 4000,
  /** the unified invitation script 统一话术 */
  script: 4000,
  goals: 20,
  budgetLines: 100,
  tasks: 100,
  count: 10_000_000,
  quantity: 1_000_000,
  /** per line amount cap: ¥100,000,000 */
  amountFen: 10_000_000_000,
  relativeDays: 365,
} as const;

const E = {
  money: "campaigns:errors.money",
  count: "campaigns:errors.count",
  percent: "campaigns:errors.percent",
  roi: "campaigns:errors.roi",
  holdout: "campaigns:errors.holdout",
  capacity: "campaigns:errors.capacity",
  date: "campaigns:errors.date",
  dateTime: "campaigns:errors.dateTime",
  choice: "campaigns:errors.choice",
  id: "campaigns:errors.id",
} as const;

export const optionalText = (max: number) => text(max);

/** Yuan text → integer fen (no floating point). "" → null. Negative or non-numeric → error. */
export const optionalMoney = money({ ...optional, message: E.money });
const requiredMoney = money({ message: E.money });

/** Whole number in [min, max]; "" → null (or an error when required). */
const whole = (opts: { min: number; max: number; message: string }) => wholeNumber({ ...optional, ...opts });

export const optionalCount = whole({ min: 0, max: LIMITS.count, message: E.count });
export const percent = whole({ min: 0, max: 100, message: E.percent });
export const roiPercent = whole({ min: -100, max: 100_000, message: E.roi });

/** A choice from a list; "" → null. */
const optionalChoice = <T extends readonly [string, ...string[]]>(values: T) => choice(values, { ...optional, message: E.choice });
const requiredChoice = <T extends readonly [string, ...string[]]>(values: T, required = "errors.required") => choice(values, { required, message: E.choice });

/** A record id picked from a list; "" → null. Whether it exists in the store is checked by the model. */
export const optionalId = id({ ...optional, message: E.id });

/** `YYYY-MM-DD`; "" → null. */
export const optionalDate = date({ ...optional, message: E.date });

/** Local date and time `YYYY-MM-DDTHH:mm` (seconds dropped), in the store's time zone; "" → null. */
export const optionalDateTime = dateTime({ ...optional, message: E.dateTime });

export const GoalSchema = z.object({
  text: requiredText(LIMITS.shortText),
  target: raw.transform((v, ctx) => {
    if (v === "") {
      ctx.addIssue({ code: "custom", message: "errors.required" });
      return z.NEVER;
    }
    if (!/^\d{1,9}(\.\d{1,2})?$/.test(v)) {
      ctx.addIssue({ code: "custom", message: "campaigns:errors.goalTarget" });
      return z.NEVER;
    }
    return Number(v);
  }),
  unit: optionalText(20).transform((v) => v ?? ""),
});

export const ChannelSchema = z.object({
  key: requiredChoice(CHANNELS),
  selected: checkbox,
  plannedReach: optionalCount,
});

export const BudgetLineSchema = z
  .object({
    /** an existing line's id, so its actual cost (filled later) is kept */
    id: optionalId,
    category: requiredChoice(BUDGET_CATEGORIES, "campaigns:errors.categoryRequired"),
    description: optionalText(LIMITS.shortText).transform((v) => v ?? ""),
    quantity: wholeNumber({ min: 0, max: LIMITS.quantity, message: "campaigns:errors.quantity" }),
    unitCost: requiredMoney,
    payer: optionalChoice(PAYERS).transform((v) => v ?? "dealer"),
  })
  .transform((l, ctx) => {
    const amountFen = lineAmountFen(l.quantity, l.unitCost);
    if (amountFen > LIMITS.amountFen) {
      ctx.addIssue({ code: "custom", path: ["unitCost"], message: "campaigns:errors.amountTooLarge" });
      return z.NEVER;
    }
    return { id: l.id, category: l.category, description: l.description, quantity: l.quantity, unitCostFen: l.unitCost, amountFen, payer: l.payer };
  });

export const TaskSchema = z.object({
  id: optionalId,
  title: requiredText(LIMITS.shortText),
  phase: requiredChoice(TASK_PHASES),
  ownerId: optionalId,
  dueDate: optionalDate,
  /** T−14 is −14: the due date follows the event start when it is set or moved */
  relativeDays: whole({ min: -LIMITS.relativeDays, max: LIMITS.relativeDays, message: "campaigns:errors.relativeDays" }),
  status: optionalChoice(TASK_STATUSES).transform((v) => v ?? "todo"),
});

const version = versionField();

const kpiFields = {
  kpiReachRatePercent: percent,
  kpiYesCount: optionalCount,
  kpiArrivals: optionalCount,
  kpiConversions: optionalCount,
  kpiRevenue: optionalMoney,
  kpiDeposits: optionalMoney,
  kpiRoiPercent: roiPercent,
};

const list = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).max(max, "campaigns:errors.tooMany").optional().transform((v) => (v ?? []) as z.output<T>[]);

export const PlanFields = z.object({
  /** the version the form was loaded with (0 for a new plan) */
  version,
  name: requiredText(LIMITS.name),
  ownerId: optionalId,
  // WHY
  background: optionalText(LIMITS.longText),
  goals: list(GoalSchema, LIMITS.goals),
  nonQuantifiedGoals: optionalText(LIMITS.longText),
  // KPI
  ...kpiFields,
  // WHO
  segmentId: optionalId,
  holdoutPercent: whole({ min: 0, max: 50, message: E.holdout }).transform((v) => v ?? 0),
  // WHAT
  theme: optionalText(LIMITS.shortText),
  topicTechnique: optionalChoice(TOPIC_TECHNIQUES),
  topicSubkind: optionalChoice(TOPIC_SUBKINDS),
  businessChain: optionalChoice(BUSINESS_CHAINS),
  offer: optionalText(LIMITS.offer),
  script: optionalText(LIMITS.script),
  // WHEN
  invitationStart: optionalDate,
  invitationEnd: optionalDate,
  eventStart: optionalDateTime,
  eventEnd: optionalDateTime,
  reviewDate: optionalDate,
  // WHERE
  venue: optionalText(LIMITS.shortText),
  /** seats at the event (issue 15): beyond them a yes waits on the waitlist; empty = no limit */
  capacity: whole({ min: 1, max: 100000, message: E.capacity }).transform((v) => v ?? null),
  channels: list(ChannelSchema, CHANNELS.length),
  // HOW MUCH
  budget: list(BudgetLineSchema, LIMITS.budgetLines),
  // HOW TO DO
  tasks: list(TaskSchema, LIMITS.tasks),
  templateKey: optionalText(60),
});

type PlanFieldsOut = z.output<typeof PlanFields>;

/**
 * The cross-field rules of the plan (date order, sub-kind, distinct channels). They run even
 * when another field is invalid (zod's `when`), so a save reports every error at once — the
 * date order too, not only after the other fields are fixed. A field that did not parse is
 * not a string (or not an array) here and its rule is skipped.
 */
function planRules(p: PlanFieldsOut, ctx: z.RefinementCtx) {
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const day = (s: string | null) => (s ? s.slice(0, 10) : null);
  const invitationStart = str(p.invitationStart);
  const invitationEnd = str(p.invitationEnd);
  const eventStart = str(p.eventStart);
  const eventEnd = str(p.eventEnd);
  const reviewDate = str(p.reviewDate);
  if (invitationStart && invitationEnd && invitationEnd < invitationStart) {
    ctx.addIssue({ code: "custom", path: ["invitationEnd"], message: "campaigns:errors.invitationEndBeforeStart" });
  }
  if (eventStart && eventEnd && eventEnd < eventStart) {
    ctx.addIssue({ code: "custom", path: ["eventEnd"], message: "campaigns:errors.eventEndBeforeStart" });
  }
  if (eventStart && invitationStart && day(eventStart)! < invitationStart) {
    ctx.addIssue({ code: "custom", path: ["eventStart"], message: "campaigns:errors.eventBeforeInvitations" });
  }
  const eventLast = day(eventEnd ?? eventStart);
  if (invitationEnd && eventLast && invitationEnd > eventLast) {
    ctx.addIssue({ code: "custom", path: ["invitationEnd"], message: "campaigns:errors.invitationsAfterEvent" });
  }
  if (reviewDate && eventLast && reviewDate < eventLast) {
    ctx.addIssue({ code: "custom", path: ["reviewDate"], message: "campaigns:errors.reviewBeforeEvent" });
  }
  if (p.topicTechnique === "borrow_trend" && (p.topicSubkind === null || p.topicSubkind === undefined)) {
    ctx.addIssue({ code: "custom", path: ["topicSubkind"], message: "campaigns:errors.subkindRequired" });
  }
  const seen = new Set<string>();
  (Array.isArray(p.channels) ? p.channels : []).forEach((c, i) => {
    const key = c && typeof c === "object" ? str((c as { key?: unknown }).key) : null;
    if (key === null) return;
    if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["channels", i, "key"], message: "campaigns:errors.duplicateChannel" });
    seen.add(key);
  });
}

/** The whole plan (draft editing and creating). */
export const PlanSchema = PlanFields.superRefine(planRules, {
  // also when a field failed (every error at once), as long as there is an object to read
  when: (payload) => typeof payload.value === "object" && payload.value !== null && !Array.isArray(payload.value),
}).transform((p) => ({
  ...p,
  topicSubkind: p.topicTechnique === "borrow_trend" ? p.topicSubkind : null,
  channels: p.channels.filter((c) => c.selected).map((c) => ({ channel: c.key, plannedReach: c.plannedReach })),
}));
export type PlanInput = z.output<typeof PlanSchema>;
export type PlanFormValues = z.input<typeof PlanFields>;

/** After approval: only KPI targets, budget lines and tasks may change. */
export const AmendSchema = PlanFields.pick({
  version: true,
  kpiReachRatePercent: true,
  kpiYesCount: true,
  kpiArrivals: true,
  kpiConversions: true,
  kpiRevenue: true,
  kpiDeposits: true,
  kpiRoiPercent: true,
  budget: true,
  tasks: true,
});
export type AmendInput = z.output<typeof AmendSchema>;

export type KpiKey = keyof typeof kpiFields;
export const KPI_KEYS = Object.keys(kpiFields) as KpiKey[];
/** KPI form fields holding money (yuan in the form, fen in the database). */
export const KPI_MONEY_KEYS: readonly KpiKey[] = ["kpiRevenue", "kpiDeposits"];

/** Status actions (the workflow). */
export const TRANSITION_ACTIONS = ["submit", "approve", "return", "start_invitations", "start_execution", "start_review", "close", "cancel"] as const;
export type TransitionAction = (typeof TRANSITION_ACTIONS)[number];

export const TransitionSchema = z
  .object({
    action: requiredChoice(TRANSITION_ACTIONS),
    version,
    comment: optionalText(LIMITS.longText),
  })
  .superRefine((v, ctx) => {
    if (v.action === "return" && !v.comment) ctx.addIssue({ code: "custom", path: ["comment"], message: "campaigns:errors.commentRequired" });
  });
export type TransitionInput = z.output<typeof TransitionSchema>;

/** List filters, in the URL. */
export const CampaignListQuery = z.object({
  status: z.enum(CAMPAIGN_STATUSES).optional().catch(undefined),
  chain: z.enum(BUSINESS_CHAINS).optional().catch(undefined),
  year: numeric(z.number().int().min(2000).max(2100)).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  view: z.enum(["list", "calendar"]).catch("list"),
  /** calendar month `YYYY-MM` */
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional().catch(undefined),
});
export type CampaignListFilters = z.output<typeof CampaignListQuery>;

/** quantity × unit cost, exact in integer fen. */
export function lineAmountFen(quantity: number, unitCostFen: number): number {
  return quantity * unitCostFen;
}

/** Totals of budget lines per category, per payer and overall (all integer fen). */
export function budgetTotals(lines: { category: string; payer: string; amountFen: number; actualFen?: number | null }[]) {
  const byCategory = Object.fromEntries(BUDGET_CATEGORIES.map((c) => [c, 0])) as Record<BudgetCategory, number>;
  const byPayer = { dealer: 0, coop: 0 } as Record<Payer, number>;
  let total = 0;
  let actual = 0;
  let hasActual = false;
  for (const l of lines) {
    if ((BUDGET_CATEGORIES as readonly string[]).includes(l.category)) byCategory[l.category as BudgetCategory] += l.amountFen;
    if (l.payer === "dealer" || l.payer === "coop") byPayer[l.payer] += l.amountFen;
    total += l.amountFen;
    if (l.actualFen !== null && l.actualFen !== undefined) {
      actual += l.actualFen;
      hasActual = true;
    }
  }
  return { byCategory, byPayer, total, actual: hasActual ? actual : null };
}

export const CloneSchema = z.object({ name: requiredText(LIMITS.name) });
