/** The lead's lists of values (dependency-free: db/schema.ts takes its column types from here). */
export const LEAD_KINDS = ["trade_in", "insurance_renewal", "extended_warranty", "accessories_beauty", "repair_quote", "other"] as const;
export type LeadKind = (typeof LEAD_KINDS)[number];
export const LEAD_STATUSES = ["new", "contacted", "won", "lost"] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const LEAD_DEPARTMENTS = ["sales", "after_sales"] as const;
export type LeadDepartment = (typeof LEAD_DEPARTMENTS)[number];
export const LEAD_SOURCES = ["desk", "board", "calls", "order", "rule", "card"] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];
