import type { DB } from "#db/client";
import type { Role } from "#db/schema";
import { createStore } from "~/models/store.server";
import { createUser } from "~/models/user.server";

let seq = 0;
const next = () => `${Date.now().toString(36)}${(++seq).toString(36)}`;

export async function makeStore(db: DB, overrides: { code?: string; name?: string } = {}) {
  const code = overrides.code ?? `S${next()}`;
  return createStore(db, { code, name: overrides.name ?? `Store ${code}` });
}

export async function makeUser(db: DB, storeId: number, role: Role = "manager", password = "password123") {
  return createUser(db, { storeId, email: `${role}-${next()}@test.test`, password, displayName: `${role} ${seq}`, role });
}

export async function makeCustomer(
  db: DB,
  storeId: number,
  fields: { code?: string; name?: string; phone?: string | null; doNotContact?: boolean; usage?: "private" | "official" | "commercial" | null } = {},
) {
  const now = new Date().toISOString();
  return db
    .insertInto("customers")
    .values({
      store_id: storeId, customer_code: fields.code ?? `C${next()}`, name: fields.name ?? "测试客户",
      phone: fields.phone === undefined ? "13800001234" : fields.phone, gender: null, usage: fields.usage ?? "private",
      do_not_contact: fields.doNotContact ? 1 : 0, created_at: now, updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function makeVehicle(db: DB, storeId: number, customerId: number, fields: Partial<{ vin: string; plate: string; purchase_date: string | null; warranty_end: string | null; insurance_expiry: string | null; model: string }> = {}) {
  return db
    .insertInto("vehicles")
    .values({
      store_id: storeId, customer_id: customerId, vin: fields.vin ?? `VIN${next()}`.toUpperCase().padEnd(17, "0").slice(0, 17),
      plate: fields.plate ?? "豫A12345", model: fields.model ?? "A4L", purchase_date: fields.purchase_date ?? null,
      warranty_end: fields.warranty_end ?? null, insurance_expiry: fields.insurance_expiry ?? null, mileage_km: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function makeVisit(db: DB, storeId: number, vehicle: { id: number; customer_id: number }, visit: { date: string; type: string; fen?: number; ro?: string }) {
  return db
    .insertInto("service_visits")
    .values({
      store_id: storeId, vehicle_id: vehicle.id, customer_id: vehicle.customer_id, ro_number: visit.ro ?? `RO${next()}`,
      visit_date: visit.date, type: visit.type, amount_fen: visit.fen ?? 10000,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
