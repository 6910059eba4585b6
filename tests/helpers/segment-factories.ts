import type { DB } from "#db/client";
import { makeCustomer, makeVehicle, makeVisit } from "./factories";

/**
 * A customer with one vehicle and the given visits, in one call:
 * `await customerWith(db, storeId, { code: "C1", visits: [["2026-01-01", "maintenance", 100]] })`.
 */
export async function customerWith(
  db: DB,
  storeId: number,
  opts: {
    code: string;
    doNotContact?: boolean;
    usage?: "private" | "official" | "commercial" | null;
    phone?: string | null;
    name?: string;
    vehicle?: false | { purchase_date?: string | null; warranty_end?: string | null; insurance_expiry?: string | null; model?: string; plate?: string; vin?: string };
    /** [date, type, yuan] */
    visits?: [string, string, number?][];
    preferences?: string[];
  },
) {
  const customer = await makeCustomer(db, storeId, { code: opts.code, doNotContact: opts.doNotContact, usage: opts.usage, phone: opts.phone, name: opts.name });
  if (opts.preferences?.length) {
    await db.insertInto("customer_preferences").values(opts.preferences.map((p) => ({ customer_id: customer.id, preference: p }))).execute();
  }
  if (opts.vehicle === false) return { customer, vehicle: null };
  const vehicle = await makeVehicle(db, storeId, customer.id, opts.vehicle ?? {});
  for (const [date, type, yuan] of opts.visits ?? []) await makeVisit(db, storeId, vehicle, { date, type, fen: Math.round((yuan ?? 100) * 100) });
  return { customer, vehicle };
}

/** Many customers, each with one visit of the given amount (fast: bulk inserts). */
export async function bulkCustomersWithRevenue(db: DB, storeId: number, list: { code: string; fen: number; date: string }[]) {
  const now = new Date().toISOString();
  for (let i = 0; i < list.length; i += 300) {
    const chunk = list.slice(i, i + 300);
    const customers = await db.insertInto("customers")
      .values(chunk.map((c) => ({ store_id: storeId, customer_code: c.code, name: c.code, phone: null, gender: null, usage: "private" as const, do_not_contact: 0, created_at: now, updated_at: now })))
      .returning(["id", "customer_code"]).execute();
    const vehicles = await db.insertInto("vehicles")
      .values(customers.map((c) => ({ store_id: storeId, customer_id: c.id, vin: `V${storeId}X${c.customer_code}`, plate: null, model: null, purchase_date: null, warranty_end: null, insurance_expiry: null, mileage_km: null })))
      .returning(["id", "customer_id"]).execute();
    const byCustomer = new Map(chunk.map((c, k) => [customers[k]!.id, c]));
    const visits = vehicles.filter((v) => byCustomer.get(v.customer_id)!.fen > 0).map((v) => {
      const c = byCustomer.get(v.customer_id)!;
      return { store_id: storeId, vehicle_id: v.id, customer_id: v.customer_id, ro_number: `RO-${storeId}-${c.code}`, visit_date: c.date, type: "repair", amount_fen: c.fen };
    });
    if (visits.length) await db.insertInto("service_visits").values(visits).execute();
  }
}
