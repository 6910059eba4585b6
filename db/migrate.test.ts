import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "./client";
import { migrateToLatest } from "./migrate";
import { createTestDb } from "../tests/helpers/test-db";
import { makeCustomer, makeStore, makeVehicle, makeVisit } from "../tests/helpers/factories";

describe("migrations", () => {
  let db: DB;
  beforeEach(async () => { db = await createTestDb(); });
  afterEach(() => db.destroy());

  it("create every table of the Database interface and are idempotent", async () => {
    const tables = (await db.introspection.getTables()).map((t) => t.name);
    for (const t of ["stores", "users", "sessions", "customers", "customer_preferences", "vehicles", "service_visits"]) expect(tables).toContain(t);
    const again = await migrateToLatest(db);
    expect(again.results).toEqual([]);
  });

  it("enforce the domain's keys and checks", async () => {
    const s1 = await makeStore(db);
    const s2 = await makeStore(db);
    const c = await makeCustomer(db, s1.id, { code: "C1" });
    await expect(makeCustomer(db, s1.id, { code: "C1" })).rejects.toThrow(/UNIQUE/);
    await makeCustomer(db, s2.id, { code: "C1" }); // the same code in another store is fine
    const v = await makeVehicle(db, s1.id, c.id, { vin: "LFV00000000000001" });
    await expect(makeVehicle(db, s1.id, c.id, { vin: "LFV00000000000001" })).rejects.toThrow(/UNIQUE/);
    await expect(makeVisit(db, s1.id, v, { date: "2026-01-01", type: "maintenance", fen: -1 })).rejects.toThrow(/CHECK/);
    await expect(makeVisit(db, s1.id, v, { date: "2026-01-01", type: "car_wash" })).rejects.toThrow(/CHECK/);
    await makeVisit(db, s1.id, v, { date: "2026-01-01", type: "maintenance", ro: "RO1" });
    await expect(makeVisit(db, s1.id, v, { date: "2026-01-02", type: "maintenance", ro: "RO1" })).rejects.toThrow(/UNIQUE/);
  });

  it("turn foreign keys on", async () => {
    await expect(makeVehicle(db, 999, 999)).rejects.toThrow(/FOREIGN KEY/);
  });
});
