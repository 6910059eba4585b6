import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../tests/helpers/test-db";
import { makeStore } from "../../tests/helpers/factories";
import { hashPassword, verifyPassword } from "./password.server";
import { LOGIN_LIMITS } from "./login-throttle.server";
import { createUser, LoginThrottled, verifyLogin } from "./user.server";

describe("passwords", () => {
  it("hashes with scrypt and a random salt", async () => {
    const a = await hashPassword("secret-1");
    const b = await hashPassword("secret-1");
    expect(a).toMatch(/^scrypt\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("secret-1", a)).toBe(true);
    expect(await verifyPassword("secret-2", a)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
  });
});

describe("verifyLogin", () => {
  let db: DB;
  beforeEach(async () => {
    db = await createTestDb();
    const store = await makeStore(db);
    await createUser(db, { storeId: store.id, email: "Someone@Test.test", password: "password123", displayName: "S", role: "manager" });
  });
  afterEach(() => db.destroy());

  it("accepts the right password, case-insensitive email", async () => {
    const user = await verifyLogin(db, { email: "someone@test.test ", password: "password123", ip: "1.1.1.1" });
    expect(user?.email).toBe("someone@test.test");
  });
  it("refuses a wrong password and an unknown email alike", async () => {
    expect(await verifyLogin(db, { email: "someone@test.test", password: "nope", ip: "1.1.1.1" })).toBeNull();
    expect(await verifyLogin(db, { email: "nobody@test.test", password: "password123", ip: "1.1.1.1" })).toBeNull();
  });
  it("throttles the account from one address after 5 failures, even with the right password; another address still signs in", async () => {
    const now = new Date("2026-11-22T10:00:00Z");
    for (let i = 0; i < LOGIN_LIMITS.pairFree; i++) {
      expect(await verifyLogin(db, { email: "someone@test.test", password: "bad", ip: "10.0.0.1", now })).toBeNull();
    }
    await expect(verifyLogin(db, { email: "someone@test.test", password: "password123", ip: "10.0.0.1", now })).rejects.toBeInstanceOf(LoginThrottled);
    expect(await verifyLogin(db, { email: "someone@test.test", password: "password123", ip: "9.9.9.9", now })).not.toBeNull();
    // after the first delay the pair may try again
    const later = new Date(now.getTime() + LOGIN_LIMITS.pairFirstDelayMs);
    expect(await verifyLogin(db, { email: "someone@test.test", password: "password123", ip: "10.0.0.1", now: later })).not.toBeNull();
  });
  it("refuses an inactive user", async () => {
    await db.updateTable("users").set({ active: 0 }).execute();
    expect(await verifyLogin(db, { email: "someone@test.test", password: "password123", ip: "1.1.1.1" })).toBeNull();
  });
});
