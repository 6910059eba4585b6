/**
 * Leads across departments (线索交叉): kinds, statuses and the forms (browser-safe, zod only).
 * Messages are i18n keys of the `leads` namespace.
 */
import { z } from "zod";
import { checkbox, choice as choiceField, date as dateField, errorKeys, id as idField, money, optional, text as textField, wholeNumber } from "./fields";
export * from "./lead.constants";
import { LEAD_DEPARTMENTS, LEAD_KINDS, LEAD_LOST_REASONS, LEAD_SOURCES } from "./lead.constants";

const E = errorKeys("leads", ["required", "choice", "id", "amount", "amountPositive", "date", "tooLong", "years"]);

const text = (max: number) => textField(max, E.tooLong);
const id = idField({ required: E.id, message: E.id });
const optionalId = idField({ ...optional, message: E.id });
const choice = <T extends readonly string[]>(values: T) => choiceField(values, { required: E.choice, message: E.choice });
const optionalChoice = <T extends readonly string[]>(values: T) => choiceField(values, { ...optional, message: E.choice });
/** Yuan typed by a person → integer fen (null when empty). */
const yuan = money({ ...optional, message: E.amount });
const isoDate = dateField({ ...optional, message: E.date });

/**
 * A lead in one or two taps: the kind, and where it came from — an invitation (desk, board,
 * workbench, order form: the customer and campaign follow from it) or a customer (card).
 * The department defaults to the kind's; the owner is never chosen here.
 */
export const QuickLeadSchema = z.object({
  kind: choice(LEAD_KINDS),
  department: optionalChoice(LEAD_DEPARTMENTS),
  source: choice(LEAD_SOURCES),
  invitationId: optionalId,
  customerId: optionalId,
  expectedValue: yuan,
  note: text(200),
  redirectTo: text(300),
}).superRefine((v, ctx) => {
  if (v.invitationId === null && v.customerId === null) ctx.addIssue({ code: "custom", path: ["invitationId"], message: E.required });
});
export type QuickLeadInput = z.infer<typeof QuickLeadSchema>;

/** The owner's (or a manager's) update of a lead: one intent per form. */
export const LeadUpdateSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("contacted"), version: id, note: text(500), nextFollowUp: isoDate }),
  z.object({ intent: z.literal("won"), version: id, actualValue: money({ required: E.required, message: E.amount, positive: E.amountPositive }), eventOrderId: optionalId, note: text(500) }),
  z.object({ intent: z.literal("lost"), version: id, lostReason: choice(LEAD_LOST_REASONS), note: text(500) }),
  z.object({ intent: z.literal("follow_up"), version: id, nextFollowUp: dateField({ required: E.required, message: E.date }) }),
]);
export type LeadUpdateInput = z.infer<typeof LeadUpdateSchema>;

/**
 * Bulk creation at the close of the event day: every arrived guest who matches → one lead of
 * `kind` for `department`. Conditions: a vehicle at least `minVehicleYears` old (empty: any),
 * no order taken at the event (`noOrder`). Guests who refused contact and guests with an open
 * lead of that kind already are left out.
 */
export const LeadRuleSchema = z.object({
  kind: choice(LEAD_KINDS),
  department: optionalChoice(LEAD_DEPARTMENTS),
  minVehicleYears: wholeNumber({ ...optional, min: 0, max: 30, message: E.years }),
  noOrder: checkbox,
});
export type LeadRule = z.infer<typeof LeadRuleSchema>;

/** The list's filter (query string). */
export const LeadListQuerySchema = z.object({
  status: z.enum(["open", "closed", "all"]).catch("open"),
  scope: z.enum(["mine", "store", "group"]).catch("mine"),
});
