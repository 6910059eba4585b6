/**
 * Leads across departments (线索交叉): kinds, statuses, departments and stages — plain values,
 * no zod, so that a component showing a lead tag does not bring the validation library into
 * the page's JavaScript (lead.schema.ts re-exports them beside the forms' schemas).
 */
export const LEAD_KINDS = ["trade_in", "insurance_renewal", "extended_warranty", "accessories_beauty", "repair_quote", "other"] as const;
export type LeadKind = (typeof LEAD_KINDS)[number];
export const LEAD_STATUSES = ["new", "contacted", "won", "lost"] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = ["new", "contacted"];
export const LEAD_DEPARTMENTS = ["sales", "after_sales"] as const;
export type LeadDepartment = (typeof LEAD_DEPARTMENTS)[number];
export const LEAD_SOURCES = ["desk", "board", "calls", "order", "rule", "card"] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];
export const LEAD_LOST_REASONS = ["not_interested", "price", "bought_elsewhere", "timing", "unreachable", "other"] as const;
/** The kinds offered as one-tap tags ("意向：置换") at the desk, on the board card and in the workbench. */
export const QUICK_LEAD_KINDS: readonly LeadKind[] = ["trade_in", "insurance_renewal", "extended_warranty", "accessories_beauty", "repair_quote"];

/** Which department follows a kind up: a trade-in / new car is the sales floor's, the rest after-sales'. */
export const KIND_DEPARTMENT: Record<LeadKind, LeadDepartment> = {
  trade_in: "sales", insurance_renewal: "after_sales", extended_warranty: "after_sales",
  accessories_beauty: "after_sales", repair_quote: "after_sales", other: "after_sales",
};

/** A customer is "closed" (成交) for this many days after a lead was won; then a base customer again. */
export const CLOSED_STAGE_DAYS = 90;
export const LIFECYCLE_STAGES = ["potential", "intent", "closed", "base"] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
