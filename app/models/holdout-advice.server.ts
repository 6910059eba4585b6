/**
 * The baseline visit rate for the plan's hold-out advice (issue 15): the share of the store's
 * customers with at least one service visit in the last N days, N the store's attribution
 * window (the same window the review counts visits in). Fewer than MIN_BASELINE_CUSTOMERS
 * customers: the stated default.
 */
import type { DB } from "#db/client";
import { toInt } from "#db/dialect";
import { addDays, todayIn } from "~/utils/format";
import { DEFAULT_BASELINE_VISIT_RATE, MIN_BASELINE_CUSTOMERS } from "./review-stats";
import { getStoreSettings } from "./settings.server";
import { DEFAULT_TIMEZONE } from "./domain";

export interface Baseline {
  rate: number;
  days: number;
  source: "history" | "default";
}

export async function baselineVisitRate(db: DB, { storeId, now = new Date() }: { storeId: number; now?: Date }): Promise<Baseline> {
  const [settings, store] = await Promise.all([
    getStoreSettings(db, { storeId }),
    db.selectFrom("stores").select("timezone").where("id", "=", storeId).executeTakeFirst(),
  ]);
  const days = settings.attributionDays;
  const today = todayIn(store?.timezone ?? DEFAULT_TIMEZONE, now);
  const [customers, visitors] = await Promise.all([
    db.selectFrom("customers").select((eb) => eb.fn.countAll().as("n")).where("store_id", "=", storeId).executeTakeFirstOrThrow(),
    db.selectFrom("service_visits").select((eb) => eb.fn.count("customer_id").distinct().as("n"))
      .where("store_id", "=", storeId).where("visit_date", ">", addDays(today, -days)).where("visit_date", "<=", today).executeTakeFirstOrThrow(),
  ]);
  const n = toInt(customers.n);
  if (n < MIN_BASELINE_CUSTOMERS || toInt(visitors.n) === 0) return { rate: DEFAULT_BASELINE_VISIT_RATE, days, source: "default" };
  return { rate: toInt(visitors.n) / n, days, source: "history" };
}
