/**
 * Event-day and review forms (browser-safe: zod only). Messages are i18n keys in the
 * execution namespace. Each page posts an `intent`; the discriminated unions below parse it.
 */
import { z } from "zod";
import { asList, checkbox, MAX_ID, choice as choiceField, id as idField, money, numeric, optional, raw, requiredText as requiredTextField, text as textField, version as versionField } from "./fields";
import { MAX_ATTRIBUTION_DAYS, MIN_ATTRIBUTION_DAYS } from "./review-math";
import { ORDER_KINDS, ORDER_LINES } from "./execution.constants";

export { ORDER_KINDS, ORDER_LINES } from "./execution.constants";
export type { OrderKind, OrderLine } from "./execution.constants";

/** 接触点 and the control indicators checked under each (the brief's examples). */
export const TOUCHPOINTS = {
  facilities: ["signage", "parking", "lounge", "toilets_clean"],
  reception: ["greets_promptly", "smiles", "asks_needs"],
  transaction: ["explains_clearly", "contract_correct"],
  follow_up_call: ["proactive", "timely", "useful_reminders", "patient"],
} as const;
export type Touchpoint = keyof typeof TOUCHPOINTS;
export const TOUCHPOINT_KEYS = Object.keys(TOUCHPOINTS) as Touchpoint[];

/** The N8 key points to plan (活动契机 … 邀约管控), ticked as a readiness checklist. */
export const N8_POINTS = ["occasion", "flow", "venue", "atmosphere", "publicity", "creative", "promotion", "invitation_control"] as const;
export type N8Point = (typeof N8_POINTS)[number];

export const TASK_STATUSES = ["todo", "doing", "done"] as const;

const E = {
  required: "execution:errors.required",
  choice: "execution:errors.choice",
  id: "execution:errors.id",
  amount: "execution:errors.amount",
  amountPositive: "execution:errors.amountPositive",
  tooLong: "execution:errors.tooLong",
  score: "execution:errors.score",
  days: "execution:errors.attributionDays",
  phone: "execution:errors.phone",
  phoneRequired: "execution:errors.phoneRequired",
  arrival: "execution:errors.chooseArrival",
  version: "execution:errors.version",
} as const;

const text = (max: number) => textField(max, E.tooLong);
const requiredText = (max: number) => requiredTextField(max, { required: E.required, tooLong: E.tooLong });
const id = idField({ message: E.id });
/** The guest an order or deposit is for: "choose the guest" when none was chosen, not "unknown item". */
const arrivalId = idField({ required: E.arrival, message: E.id });
const optionalId = idField({ ...optional, message: E.id });
const choice = <T extends readonly [string, ...string[]]>(values: T) => choiceField(values, { required: E.required, message: E.choice });
/** A positive amount in yuan ("1,234.50") → fen; negative, zero or non-numeric refused. */
const positiveMoney = money({ required: E.required, message: E.amount, positive: E.amountPositive });
/** An optional amount ≥ 0 in yuan; empty = not filled in (null). */
const optionalMoney = money({ ...optional, message: E.amount });
const version = versionField(E.version);
const list = asList;

/** The check-in search box: last 4 phone digits, plate, name or invitation code. */
export const CheckinQuery = z.object({ q: raw.pipe(z.string().max(40, E.tooLong)) });

export const CheckinSchema = z.object({
  intent: z.literal("checkin"),
  invitationId: id,
  /** a manager allows a check-in outside the event window */
  override: checkbox,
  q: text(40),
});

/** Register a guest who was not invited: an existing customer of the store, or a new one. */
export const WalkInSchema = z
  .object({
    intent: z.literal("walkin"),
    customerId: optionalId,
    name: text(60),
    phone: text(20),
    plate: text(16),
    override: checkbox,
  })
  .superRefine((v, ctx) => {
    if (v.customerId !== null) return;
    if (!v.name) ctx.addIssue({ code: "custom", path: ["name"], message: E.required });
    // the model checks the number itself as the import does (normalizePhone)
    if (!v.phone) ctx.addIssue({ code: "custom", path: ["phone"], message: E.phoneRequired });
    else if (!/^\+?[\d\- ]{5,20}$/.test(v.phone)) ctx.addIssue({ code: "custom", path: ["phone"], message: E.phone });
  });

export const OrderSchema = z.object({
  intent: z.literal("order"),
  arrivalId,
  line: choice(ORDER_LINES),
  description: requiredText(200),
  amount: positiveMoney,
  kind: choice(ORDER_KINDS),
});

export const DepositSchema = z.object({
  intent: z.literal("deposit"),
  arrivalId,
  amount: positiveMoney,
  receipt: text(60),
});

export const ActualsSchema = z.object({
  intent: z.literal("actuals"),
  lines: z.preprocess(list, z.array(z.object({ id, actual: optionalMoney, note: text(200) })).max(200)),
});

export const ScoreSchema = z.object({
  intent: z.literal("score"),
  touchpoint: choice(TOUCHPOINT_KEYS as [Touchpoint, ...Touchpoint[]]),
  score: raw.transform((v, ctx) => {
    if (!/^[1-5]$/.test(v)) {
      ctx.addIssue({ code: "custom", message: E.score });
      return z.NEVER;
    }
    return Number(v);
  }),
  indicators: z.preprocess(list, z.array(z.string().max(40)).max(20)),
  notes: text(1000),
});

export const ReadinessSchema = z.object({
  intent: z.literal("readiness"),
  point: choice(N8_POINTS),
  checked: checkbox,
});

export const TaskStatusSchema = z.object({
  intent: z.literal("task"),
  taskId: id,
  status: choice(TASK_STATUSES),
});

export const ExecutionAction = z.discriminatedUnion("intent", [
  CheckinSchema, WalkInSchema, OrderSchema, DepositSchema, ActualsSchema, ScoreSchema, ReadinessSchema, TaskStatusSchema,
]);
export type ExecutionActionInput = z.output<typeof ExecutionAction>;
export type ExecutionIntent = ExecutionActionInput["intent"];
export const EXECUTION_INTENTS = ["checkin", "walkin", "order", "deposit", "actuals", "score", "readiness", "task"] as const;

// ── review ──

export const attributionDays = raw.transform((v, ctx) => {
  if (v === "") return null;
  const n = Number(v);
  if (!/^-?\d{1,6}$/.test(v) || n < MIN_ATTRIBUTION_DAYS || n > MAX_ATTRIBUTION_DAYS) {
    ctx.addIssue({ code: "custom", message: E.days });
    return z.NEVER;
  }
  return n;
});

/** `?days=N`: try another attribution window (1–365) on an open review. */
export const ReviewQuery = z.object({ days: attributionDays });

export const LessonsSchema = z.object({
  intent: z.literal("lessons"),
  version: version,
  whatWorked: text(4000),
  whatToChange: text(4000),
  decisions: text(4000),
});
export const ReviewWorkflowSchema = z.object({
  intent: z.enum(["start_review", "close", "reopen", "finalise"]),
  comment: text(1000),
});
export const ReviewAction = z.discriminatedUnion("intent", [
  LessonsSchema,
  ReviewWorkflowSchema.extend({ intent: z.literal("start_review") }),
  /** closing before the figures are final also needs `confirmEarly` and a reason (the comment): the model decides */
  ReviewWorkflowSchema.extend({ intent: z.literal("close"), confirmEarly: checkbox }),
  ReviewWorkflowSchema.extend({ intent: z.literal("reopen") }),
  ReviewWorkflowSchema.extend({ intent: z.literal("finalise") }),
]);
export type ReviewActionInput = z.output<typeof ReviewAction>;

/** What the event-day page was redirected with after a save (ignored when not one of these). */
export const ExecutionFlash = z.object({
  done: z.enum(["checked_in", "holdout_checked_in", "walk_in_checked_in"]).optional().catch(undefined),
  saved: z.enum(["order", "deposit", "actuals", "score", "readiness", "task"]).optional().catch(undefined),
  arrival: numeric(z.number().int().positive().max(MAX_ID)).optional().catch(undefined),
});
export type ExecutionFlashValues = z.infer<typeof ExecutionFlash>;
