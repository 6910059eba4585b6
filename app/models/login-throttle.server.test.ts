import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb, type DB } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { makeStore } from "../../tests/helpers/factories";
import { createPgDatabase, TEST_ENGINE } from "../../tests/helpers/pg";
import { createTestDb } from "../../tests/helpers/test-db";
import {
  LOGIN_LIMITS, LoginThrottled, pruneLoginThrottle, reserveLoginAttempt, settleLoginAttempt, throttleKeys, type LoginReservation,
} from "./login-throttle.server";
import { createUser, verifyLogin } from "./user.server";

const T0 = new Date("2026-12-02T09:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;

/** One attempt that fails its password check: the reservation, or the refusal. */
async function fail(db: DB, email: string, ip: string, now = T0): Promise<LoginReservation | LoginThrottled> {
  try {
    const r = await reserveLoginAttempt(db, { email, ip, now });
    await settleLoginAttempt(db, r, { success: false, now });
    return r;
  } catch (e) {
    if (e instanceof LoginThrottled) return e;
    throw e;
  }
}
async function succeed(db: DB, email: string, ip: string, now = T0) {
  const r = await reserveLoginAttempt(db, { email, ip, now });
  await settleLoginAttempt(db, r, { success: true, now });
}
const throttled = (x: unknown): x is LoginThrottled => x instanceof LoginThrottled;

describe("sign-in throttling", () => {
  let db: DB;
  beforeEach(async () => {
    db = await createTestDb();
  });
  afterEach(() => db.destroy());

  it("an account+address pair gets five tries, then waits a delay that doubles with each further failure", async () => {
    for (let i = 0; i < LOGIN_LIMITS.pairFree; i++) expect(throttled(await fail(db, "a@x.test", "1.1.1.1"))).toBe(false);
    const refused = await fail(db, "a@x.test", "1.1.1.1", at(1000));
    expect(refused).toBeInstanceOf(LoginThrottled);
    expect((refused as LoginThrottled).scope).toBe("pair");
    expect((refused as LoginThrottled).retryAfterMinutes).toBe(1);
    // after one minute: one more try, then two minutes' wait, then four
    expect(throttled(await fail(db, "a@x.test", "1.1.1.1", at(MIN)))).toBe(false);
    expect(throttled(await fail(db, "a@x.test", "1.1.1.1", at(MIN + 2 * MIN - 1000)))).toBe(true);
    expect(throttled(await fail(db, "a@x.test", "1.1.1.1", at(3 * MIN)))).toBe(false);
    const third = await fail(db, "a@x.test", "1.1.1.1", at(3 * MIN + 1000));
    expect((third as LoginThrottled).retryAfterMinutes).toBe(4);
    // the wait never grows past the ceiling
    let t = 3 * MIN;
    for (let i = 0; i < 8; i++) {
      t += LOGIN_LIMITS.pairMaxDelayMs;
      expect(throttled(await fail(db, "a@x.test", "1.1.1.1", at(t)))).toBe(false);
    }
    expect((await fail(db, "a@x.test", "1.1.1.1", at(t + 1000)) as LoginThrottled).retryAfterMinutes).toBe(LOGIN_LIMITS.pairMaxDelayMs / MIN);
  });

  it("a stranger failing from another address does not lock the user out", async () => {
    for (let i = 0; i < 20; i++) await fail(db, "manager@x.test", "6.6.6.6", at(i * 1000));
    expect(throttled(await fail(db, "manager@x.test", "6.6.6.6", at(30_000)))).toBe(true);
    // the manager, from the dealership's address, signs in at once
    await expect(succeed(db, "manager@x.test", "10.0.0.5", at(31_000))).resolves.toBeUndefined();
  });

  it("every address together meets a high ceiling per account, for the rest of its window", async () => {
    for (let i = 0; i < LOGIN_LIMITS.accountMax; i++) expect(throttled(await fail(db, "a@x.test", `10.1.${i >> 8}.${i & 255}`))).toBe(false);
    const refused = await fail(db, "a@x.test", "10.9.9.9", at(1000));
    expect((refused as LoginThrottled).scope).toBe("account");
    expect(throttled(await fail(db, "a@x.test", "10.9.9.9", at(LOGIN_LIMITS.accountWindowMs + 1000)))).toBe(false);
  });

  it("one address over many accounts meets its own ceiling", async () => {
    for (let i = 0; i < LOGIN_LIMITS.addressMax; i++) expect(throttled(await fail(db, `u${i}@x.test`, "7.7.7.7"))).toBe(false);
    const refused = await fail(db, "another@x.test", "7.7.7.7");
    expect((refused as LoginThrottled).scope).toBe("address");
    expect(throttled(await fail(db, "another@x.test", "7.7.7.8"))).toBe(false);
  });

  it("a success gives its attempt back and starts the pair again", async () => {
    for (let i = 0; i < LOGIN_LIMITS.pairFree - 1; i++) await fail(db, "a@x.test", "1.1.1.1");
    await succeed(db, "a@x.test", "1.1.1.1");
    const keys = throttleKeys("a@x.test", "1.1.1.1");
    const rows = await db.selectFrom("login_throttle").select(["key", "failures"]).orderBy("key").execute();
    expect(rows).toEqual([{ key: keys.account, failures: LOGIN_LIMITS.pairFree - 1 }, { key: keys.address, failures: LOGIN_LIMITS.pairFree - 1 }]);
    for (let i = 0; i < LOGIN_LIMITS.pairFree; i++) expect(throttled(await fail(db, "a@x.test", "1.1.1.1"))).toBe(false);
  });

  it("a pair quiet for a day starts again; pruning drops counters that block nothing", async () => {
    for (let i = 0; i < LOGIN_LIMITS.pairFree; i++) await fail(db, "a@x.test", "1.1.1.1");
    expect(throttled(await fail(db, "a@x.test", "1.1.1.1", at(1000)))).toBe(true);
    expect(throttled(await fail(db, "a@x.test", "1.1.1.1", at(LOGIN_LIMITS.pairForgetMs)))).toBe(false);
    await pruneLoginThrottle(db, at(3 * LOGIN_LIMITS.pairForgetMs), true);
    expect(await db.selectFrom("login_throttle").selectAll().execute()).toEqual([]);
  });

  it("25 parallel wrong passwords for one account from one address evaluate at most 5", async () => {
    const store = await makeStore(db);
    await createUser(db, { storeId: store.id, email: "burst@x.test", password: "password123", displayName: "B", role: "manager" });
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => verifyLogin(db, { email: "burst@x.test", password: "wrong", ip: "5.5.5.5" })));
    const evaluated = Number((await db.selectFrom("login_attempts").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    expect(evaluated).toBeLessThanOrEqual(LOGIN_LIMITS.pairFree);
    expect(evaluated).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(evaluated);
    expect(results.filter((r) => r.status === "rejected").every((r) => (r as PromiseRejectedResult).reason instanceof LoginThrottled)).toBe(true);
  });
});

/**
 * Two pools on one PostgreSQL database: what two app servers sharing it are. (On SQLite, app
 * servers are processes: two connections in one process would block each other's event loop
 * at BEGIN IMMEDIATE; tests/integration/edge-limits.test.ts runs two server processes.)
 */
describe("sign-in throttling across app servers sharing a database", () => {
  it.skipIf(TEST_ENGINE !== "pg")("a burst split over two connection pools still takes at most the limit", async () => {
    const pgDb = await createPgDatabase();
    const a = createDb(pgDb.url);
    const b = createDb(pgDb.url);
    try {
      await migrateToLatest(a);
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => fail(i % 2 ? a : b, "shared@x.test", "4.4.4.4")));
      expect(results.filter((r) => !throttled(r))).toHaveLength(LOGIN_LIMITS.pairFree);
      const pair = await a.selectFrom("login_throttle").select("failures").where("key", "=", throttleKeys("shared@x.test", "4.4.4.4").pair).executeTakeFirstOrThrow();
      expect(pair.failures).toBe(LOGIN_LIMITS.pairFree);
      // accounts and addresses crossing each other in parallel: every attempt is taken or refused, none deadlocks
      const mixed = await Promise.all(Array.from({ length: 90 }, (_, i) =>
        (i % 3 ? succeed(i % 2 ? a : b, `m${i % 3}@x.test`, `9.9.9.${i % 5}`).then(() => "ok", (e) => e) : fail(i % 2 ? a : b, `m${i % 4}@x.test`, `9.9.9.${i % 5}`))));
      expect(mixed.filter((r) => !(r === "ok" || throttled(r) || (r && typeof r === "object" && "keys" in r)))).toEqual([]);
    } finally {
      await a.destroy();
      await b.destroy();
      await pgDb.drop();
    }
  });
});
