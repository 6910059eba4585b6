/** Customer card edits and the customer list's query (browser-safe, shared by forms and routes). */
import { z } from "zod";
import { GENDERS, PREFERENCES, TIERS, USAGES } from "./domain";
import { asList, isChecked, numeric } from "./fields";

const blankToNull = <T extends z.ZodType>(schema: T) =>
  z.union([z.literal(""), schema]).optional().transform((v) => (v === "" || v === undefined ? null : (v as z.infer<T>)));


/** Mainland mobile (11 digits from 1) or a landline with area code (010-12345678). */
export const PHONE_PATTERN = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;

/** What a manager may change on the customer card: contact data, preferences, consent. */
export const CustomerEditSchema = z.object({
  name: z.string({ error: "errors.required" }).trim().min(1, "errors.required").max(50, "errors.tooLong"),
  phone: blankToNull(z.string().trim().regex(PHONE_PATTERN, "customers:edit.errors.phone")),
  gender: blankToNull(z.enum(GENDERS)),
  usage: blankToNull(z.enum(USAGES)),
  doNotContact: z.preprocess(isChecked, z.boolean()),
  preferences: z.preprocess(asList, z.array(z.enum(PREFERENCES, { error: "errors.invalid" })).max(PREFERENCES.length)),
});
export type CustomerEditInput = z.input<typeof CustomerEditSchema>;
export type CustomerEdit = z.infer<typeof CustomerEditSchema>;

export const CUSTOMER_SORTS = ["code", "name", "revenue", "lastVisit"] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/** /customers?q=&group=&tier=&usage=&preference=&sort=&dir=&page=&size= (bad values fall back to defaults). */
export const CustomerListQuerySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  group: z.preprocess(asList, z.array(numeric(z.number().int().min(1).max(8)))).catch([]),
  tier: z.preprocess(asList, z.array(z.enum(TIERS))).catch([]),
  usage: z.enum(USAGES).optional().catch(undefined),
  preference: z.enum(PREFERENCES).optional().catch(undefined),
  sort: z.enum(CUSTOMER_SORTS).catch("code"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  page: numeric(z.number().int().min(1).max(100000)).catch(1),
  size: numeric(z.union([z.literal(25), z.literal(50), z.literal(100)])).catch(25),
});
export type CustomerListQuery = z.infer<typeof CustomerListQuerySchema>;
