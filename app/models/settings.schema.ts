import { z } from "zod";
import { numeric } from "./fields";

const positiveInt = (max: number) =>
  numeric(z.number({ error: "errors.invalid" }).int("customers:settings.errors.integer").min(1, "customers:settings.errors.positive").max(max, "customers:settings.errors.tooLarge"));

/**
 * A store's rule settings, with the domain brief's defaults. Stored as JSON in
 * store_settings; a store without a row uses the defaults.
 */
export const StoreSettingsSchema = z
  .object({
    /** 8-group matrix: a line is High with at least `minVisits` visits of that line within `windowDays`. */
    mMinVisits: positiveInt(100).default(2),
    mWindowDays: positiveInt(3650).default(365),
    rMinVisits: positiveInt(100).default(1),
    rWindowDays: positiveInt(3650).default(730),
    iMinVisits: positiveInt(100).default(1),
    iWindowDays: positiveInt(3650).default(365),
    /** Pyramid cuts, in percent of the store's customers (A ≤ 1 %, B ≤ 5 %, C ≤ 20 %). */
    tierAPercent: positiveInt(100).default(1),
    tierBPercent: positiveInt(100).default(5),
    tierCPercent: positiveInt(100).default(20),
    /** Pyramid and RFM revenue/frequency window. */
    revenueWindowDays: positiveInt(3650).default(365),
    /** Insurance renewal touchpoint: expiring within N days. */
    insuranceDueDays: positiveInt(3650).default(60),
    /** Warranty "ending soon" horizon. */
    warrantyEndingDays: positiveInt(3650).default(90),
    /** Review: visits within N days after the event count as campaign revenue. */
    attributionDays: positiveInt(365).default(30),
    /** Event day: the check-in desk opens this many minutes before the event's start (early arrivals). */
    checkinOpensMinutes: positiveInt(1440).default(120),
  })
  .refine((s) => s.tierAPercent < s.tierBPercent, { path: ["tierBPercent"], message: "customers:settings.errors.cutsIncreasing" })
  .refine((s) => s.tierBPercent < s.tierCPercent, { path: ["tierCPercent"], message: "customers:settings.errors.cutsIncreasing" });

export type StoreSettings = z.infer<typeof StoreSettingsSchema>;
export const DEFAULT_SETTINGS: StoreSettings = StoreSettingsSchema.parse({});
