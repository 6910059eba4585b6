/**
 * Saved segments: the builder's condition list (browser-safe, shared by the builder form
 * and the server). A definition is a flat list of conditions combined with AND ("all") or
 * OR ("any"); an empty list means every contactable customer of the store.
 */
import { z } from "zod";
import { LINES, PREFERENCES, TIERS, USAGES } from "./domain";
import { numeric } from "./fields";
import { LEAD_KINDS } from "./lead.schema";

export const VEHICLE_AGE_BUCKETS = ["lt1", "1to2", "2to3", "3to4", "ge4", "unknown"] as const;
export type VehicleAgeBucket = (typeof VEHICLE_AGE_BUCKETS)[number];
export const WARRANTY_STATUSES = ["in", "ending", "ended", "unknown"] as const;
export type WarrantyStatus = (typeof WARRANTY_STATUSES)[number];
export const RFM_METRICS = ["r", "f", "m"] as const;
export type RfmMetric = (typeof RFM_METRICS)[number];

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "errors.invalid")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "errors.invalid");
const score = numeric(z.number().int().min(1).max(5));
/**
 * A condition's list of choices: repeats dropped, at most `max` (each value is a bound
 * parameter of the segment's query: a hostile list must not reach an engine's limit).
 */
const choices = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess((v) => (Array.isArray(v) ? [...new Set(v)] : v), z.array(item).min(1).max(max, "errors.tooLong"));

export const ConditionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("group"), values: choices(numeric(z.number().int().min(1).max(8)), 8) }),
  z.object({ kind: z.literal("tier"), values: choices(z.enum(TIERS), TIERS.length) }),
  z.object({ kind: z.literal("rfm"), metric: z.enum(RFM_METRICS), min: score, max: score }),
  z.object({ kind: z.literal("vehicleAge"), values: choices(z.enum(VEHICLE_AGE_BUCKETS), VEHICLE_AGE_BUCKETS.length) }),
  z.object({ kind: z.literal("warranty"), values: choices(z.enum(WARRANTY_STATUSES), WARRANTY_STATUSES.length) }),
  /** due = true: a vehicle's insurance expires within the store's insuranceDueDays. */
  z.object({ kind: z.literal("insuranceDue"), due: z.boolean() }),
  z.object({ kind: z.literal("usage"), values: choices(z.enum(USAGES), USAGES.length) }),
  /** The customer has at least one of these preferences. */
  z.object({ kind: z.literal("preference"), values: choices(z.enum(PREFERENCES), PREFERENCES.length) }),
  /** The customer has a vehicle of one of these models. */
  z.object({ kind: z.literal("model"), values: choices(z.string().trim().min(1).max(60), 50) }),
  /** Last visit (on or before the as-of date) strictly before / after a date; customers without a visit never match. */
  z.object({ kind: z.literal("lastVisit"), op: z.enum(["before", "after"]), date: isoDate }),
  /** Has (or has no) visit of a business line within the last N days (same window rule as the matrix). */
  z.object({ kind: z.literal("lineVisit"), line: z.enum(LINES), has: z.boolean(), days: numeric(z.number().int().min(1).max(3650)) }),
  /** The customer has an open lead (new or contacted) of one of these kinds — read live, not as of the snapshot date. */
  z.object({ kind: z.literal("openLead"), values: choices(z.enum(LEAD_KINDS), LEAD_KINDS.length) }),
]);
export type Condition = z.infer<typeof ConditionSchema>;

export const SegmentDefinitionSchema = z.object({
  match: z.enum(["all", "any"]).default("all"),
  conditions: z.array(ConditionSchema).max(40).default([]),
});
export type SegmentDefinition = z.infer<typeof SegmentDefinitionSchema>;

export const EMPTY_DEFINITION: SegmentDefinition = { match: "all", conditions: [] };

// ── The builder form: plain fields (works without JavaScript, and as URL search params) ──

/** Flat field values of the builder form (FormData or URLSearchParams → object). */
export type BuilderFields = Record<string, string | string[] | undefined>;

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((x) => x !== "");
const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? v[0] ?? "" : v ?? "").trim();

/**
 * Builder fields → a definition (not yet validated). Each filled section becomes one
 * condition: groups, tiers, rMin/rMax (fMin…, mMin…), vehicleAge, warranty, insuranceDue
 * (yes|no), usage, preference, model, lastVisitAfter, lastVisitBefore,
 * line_M|R|I|B (has|hasNo) with line_X_days, openLead (lead kinds).
 */
export function definitionFromFields(fields: BuilderFields): unknown {
  const conditions: unknown[] = [];
  const groups = list(fields.groups);
  if (groups.length) conditions.push({ kind: "group", values: groups });
  const tiers = list(fields.tiers);
  if (tiers.length) conditions.push({ kind: "tier", values: tiers });
  for (const metric of RFM_METRICS) {
    const min = one(fields[`${metric}Min`]);
    const max = one(fields[`${metric}Max`]);
    if (min || max) conditions.push({ kind: "rfm", metric, min: min || "1", max: max || "5" });
  }
  for (const kind of ["vehicleAge", "warranty", "usage", "preference", "model", "openLead"] as const) {
    const values = list(fields[kind]);
    if (values.length) conditions.push({ kind, values });
  }
  const ins = one(fields.insuranceDue);
  if (ins === "yes" || ins === "no") conditions.push({ kind: "insuranceDue", due: ins === "yes" });
  else if (ins) conditions.push({ kind: "insuranceDue", due: ins });
  const after = one(fields.lastVisitAfter);
  if (after) conditions.push({ kind: "lastVisit", op: "after", date: after });
  const before = one(fields.lastVisitBefore);
  if (before) conditions.push({ kind: "lastVisit", op: "before", date: before });
  for (const line of LINES) {
    const mode = one(fields[`line_${line}`]);
    if (mode === "has" || mode === "hasNo") {
      conditions.push({ kind: "lineVisit", line, has: mode === "has", days: one(fields[`line_${line}_days`]) || "365" });
    }
  }
  return { match: one(fields.match) === "any" ? "any" : "all", conditions };
}

/** A definition → the builder's field values (the inverse of definitionFromFields). */
export function fieldsFromDefinition(def: SegmentDefinition): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { match: def.match };
  const push = (key: string, values: (string | number)[]) => {
    const prev = out[key];
    out[key] = [...(Array.isArray(prev) ? prev : prev ? [prev] : []), ...values.map(String)];
  };
  for (const c of def.conditions) {
    switch (c.kind) {
      case "group": push("groups", c.values); break;
      case "tier": push("tiers", c.values); break;
      case "rfm": out[`${c.metric}Min`] = String(c.min); out[`${c.metric}Max`] = String(c.max); break;
      case "vehicleAge": case "warranty": case "usage": case "preference": case "model": case "openLead": push(c.kind, c.values); break;
      case "insuranceDue": out.insuranceDue = c.due ? "yes" : "no"; break;
      case "lastVisit": out[c.op === "after" ? "lastVisitAfter" : "lastVisitBefore"] = c.date; break;
      case "lineVisit": out[`line_${c.line}`] = c.has ? "has" : "hasNo"; out[`line_${c.line}_days`] = String(c.days); break;
    }
  }
  return out;
}

/** URLSearchParams (repeated keys) → builder fields. */
export function fieldsFromSearchParams(params: URLSearchParams): BuilderFields {
  const out: BuilderFields = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

/** The save form: name + description + the builder fields. */
export const SegmentMetaSchema = z.object({
  name: z.string({ error: "errors.required" }).trim().min(1, "errors.required").max(80, "errors.tooLong"),
  description: z.string().trim().max(500, "errors.tooLong").optional().transform((s) => (s ? s : null)),
  version: numeric(z.number().int().min(1)).optional(),
});
export type SegmentMeta = z.infer<typeof SegmentMetaSchema>;
