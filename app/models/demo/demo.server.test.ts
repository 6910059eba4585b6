import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../../tests/helpers/test-db";
import { DEMO_USERS, generateCustomerBase, seedDemo } from "./demo.server";
import { verifyLogin } from "~/models/user.server";

describe("demo dealership", () => {
  let db: DB;
  beforeAll(async () => {
    db = await createTestDb();
    await seedDemo(db, { today: "2026-11-22" });
  });
  afterAll(() => db.destroy());

  it("is generated deterministically from its seed", () => {
    const a = generateCustomerBase({ seed: 7, count: 50, today: "2026-11-22", platePrefix: "豫A", codePrefix: "C" });
    const b = generateCustomerBase({ seed: 7, count: 50, today: "2026-11-22", platePrefix: "豫A", codePrefix: "C" });
    expect(a).toEqual(b);
  });

  it("has two stores, about 3,000 customers in Zhengzhou, and two years of visits", async () => {
    const stores = await db.selectFrom("stores").select(["id", "code"]).orderBy("id").execute();
    expect(stores.map((s) => s.code)).toEqual(["ZZ01", "LY01"]);
    const zz = stores[0]!.id;
    const customers = await db.selectFrom("customers").select((eb) => eb.fn.countAll<number>().as("n")).where("store_id", "=", zz).executeTakeFirstOrThrow();
    expect(Number(customers.n)).toBe(3000);
    const span = await db.selectFrom("service_visits").select((eb) => [eb.fn.min("visit_date").as("first"), eb.fn.max("visit_date").as("last")]).where("store_id", "=", zz).executeTakeFirstOrThrow();
    expect(span.first! < "2025-01-01").toBe(true);
    expect(span.last! <= "2026-11-22").toBe(true);
    const plates = await db.selectFrom("vehicles").select("plate").where("store_id", "=", zz).limit(20).execute();
    expect(plates.every((p) => p.plate!.startsWith("豫A"))).toBe(true);
  });

  it("lets every demo user sign in with demo1234", async () => {
    for (const u of DEMO_USERS) {
      expect(await verifyLogin(db, { email: u.email, password: "demo1234", ip: `test-${u.email}` }), u.email).not.toBeNull();
    }
  });

  it("re-creates itself without duplicates", async () => {
    await seedDemo(db, { today: "2026-11-22" });
    const n = await db.selectFrom("customers").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(3400);
  });
});
