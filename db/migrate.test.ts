import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "./client";
import { constraintViolation } from "./dialect";
import { migrateToLatest } from "./migrate";
import { createTestDb } from "../tests/helpers/test-db";
import { makeCustomer, makeStore, makeVehicle, makeVisit } from "../tests/helpers/factories";

/** The constraint a rejected write broke, the same on SQLite and PostgreSQL. */
const violation = (p: Promise<unknown>) => p.then(() => "none", constraintViolation);

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
    expect(await violation(makeCustomer(db, s1.id, { code: "C1" }))).toBe("unique");
    await makeCustomer(db, s2.id, { code: "C1" }); // the same code in another store is fine
    const v = await makeVehicle(db, s1.id, c.id, { vin: "LFV00000000000001" });
    expect(await violation(makeVehicle(db, s1.id, c.id, { vin: "LFV00000000000001" }))).toBe("unique");
    expect(await violation(makeVisit(db, s1.id, v, { date: "2026-01-01", type: "maintenance", fen: -1 }))).toBe("check");
    expect(await violation(makeVisit(db, s1.id, v, { date: "2026-01-01", type: "car_wash" }))).toBe("check");
    await makeVisit(db, s1.id, v, { date: "2026-01-01", type: "maintenance", ro: "RO1" });
    expect(await violation(makeVisit(db, s1.id, v, { date: "2026-01-02", type: "maintenance", ro: "RO1" }))).toBe("unique");
  });

  it("turn foreign keys on", async () => {
    expect(await violation(makeVehicle(db, 999, 999))).toBe("foreign_key");
  });
});
