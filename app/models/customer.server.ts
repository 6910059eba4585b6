import type { DB } from "#db/client";
import { toInt } from "#db/dialect";

/** 13812345678 → 138****5678 (what staff see). */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : "****";
}

export async function listCustomers(
  db: DB,
  { storeId, q, page = 1, pageSize = 25 }: { storeId: number; q?: string; page?: number; pageSize?: number },
) {
  let query = db.selectFrom("customers").where("customers.store_id", "=", storeId);
  const term = q?.trim();
  if (term) {
    const like = `%${term}%`;
    query = query.where((eb) =>
      eb.or([
        eb("customers.name", "like", like),
        eb("customers.customer_code", "=", term),
        /^\d{4}$/.test(term) ? eb("customers.phone", "like", `%${term}`) : eb("customers.phone", "=", term),
        eb("customers.id", "in", eb.selectFrom("vehicles").select("customer_id")
          .where("vehicles.store_id", "=", storeId)
          .where((v) => v.or([v("vehicles.plate", "like", like), v("vehicles.vin", "=", term.toUpperCase())]))),
      ]),
    );
  }
  const total = toInt((await query.select((eb) => eb.fn.countAll().as("n")).executeTakeFirst())?.n);
  const rows = await query
    .select(["customers.id", "customers.customer_code", "customers.name", "customers.phone", "customers.usage", "customers.do_not_contact"])
    .orderBy("customers.customer_code")
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { total, rows };
}

export async function getCustomerCard(db: DB, { storeId, id }: { storeId: number; id: number }) {
  const customer = await db.selectFrom("customers").selectAll().where("store_id", "=", storeId).where("id", "=", id).executeTakeFirst();
  if (!customer) return null;
  const [vehicles, visits, preferences] = await Promise.all([
    db.selectFrom("vehicles").selectAll().where("customer_id", "=", id).orderBy("id").execute(),
    db.selectFrom("service_visits").innerJoin("vehicles", "vehicles.id", "service_visits.vehicle_id")
      .select(["service_visits.id", "service_visits.ro_number", "service_visits.visit_date", "service_visits.type", "service_visits.amount_fen", "vehicles.plate"])
      .where("service_visits.customer_id", "=", id).orderBy("service_visits.visit_date", "desc").execute(),
    db.selectFrom("customer_preferences").select("preference").where("customer_id", "=", id).execute(),
  ]);
  return { customer, vehicles, visits, preferences: preferences.map((p) => p.preference) };
}
