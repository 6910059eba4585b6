/**
 * Route actions under hostile form posts, called with a real Request against a real migrated
 * database (either engine): never a 5xx or an uncaught error, no change to the database when
 * the post is refused, redirects stay on the site, and accepted text is stored byte for byte
 * (as the form's own schema parsed it).
 *
 * Feature authors: add your action to TARGETS below (route module, who posts, the form's
 * fields with a valid-value arbitrary each, and where accepted text is stored).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { DB } from "#db/client";
import { listTables, summariseDatabase, type TableInfo } from "#db/introspect";
import { makeCustomer, makeStore, makeUser } from "../helpers/factories";
import { FUZZ_RUNS, HOSTILE_STRINGS, hostileForm, prototypeIsClean } from "../helpers/fuzz";
import { createTestDb } from "../helpers/test-db";

process.env.SESSION_SECRET ||= "fuzz-secret-0123456789abcdef";

interface Fixture {
  db: DB;
  storeId: number;
  otherStoreId: number;
  managerId: number;
  customerId: number;
  cookie: { manager: string; staff: string };
}

interface Target {
  name: string;
  route: () => Promise<{ action: (args: any) => Promise<unknown> }>;
  path: (fx: Fixture) => string;
  params?: (fx: Fixture) => Record<string, string>;
  as: "manager" | "staff" | null;
  /** the form's fields, each with an arbitrary of valid values (mixed with hostile ones by hostileForm) */
  fields: (fx: Fixture) => Record<string, fc.Arbitrary<string>>;
  /** tables a refused post may still write (a failed sign-in is recorded, for throttling) */
  writesOnRefusal?: string[];
  /** after an accepted post: the stored values that must equal the schema's parse of the same form */
  stored?: { schema: () => Promise<z.ZodType>; read: (fx: Fixture) => Promise<Record<string, unknown>> };
}

const TARGETS: Target[] = [
  {
    name: "sign-in (login)",
    route: () => import("~/routes/login"),
    path: () => "/login",
    as: null,
    fields: () => ({
      email: fc.constantFrom("fuzz-manager@test.test", "nobody@test.test", "FUZZ-MANAGER@test.test "),
      password: fc.constantFrom("password123", "wrong"),
      redirectTo: fc.constantFrom("/", "/customers", "//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"),
    }),
    writesOnRefusal: ["login_attempts"],
  },
  {
    name: "language switch (lang)",
    route: () => import("~/routes/lang"),
    path: () => "/lang",
    as: null,
    fields: () => ({ lang: fc.constantFrom("en", "zh-CN"), redirectTo: fc.constantFrom("/", "/settings", "//evil.example", "http://evil.example") }),
  },
  {
    name: "store switch (store)",
    route: () => import("~/routes/store"),
    path: () => "/store",
    as: "manager",
    fields: (fx) => ({ storeId: fc.constantFrom(String(fx.storeId), String(fx.otherStoreId)), redirectTo: fc.constantFrom("/", "/customers/1", "//evil.example") }),
  },
  {
    name: "store settings (settings)",
    route: () => import("~/routes/settings"),
    path: () => "/settings",
    as: "manager",
    fields: () => ({
      mMinVisits: fc.constantFrom("2", "3"), mWindowDays: fc.constantFrom("365", "730"),
      rMinVisits: fc.constantFrom("1", "2"), rWindowDays: fc.constantFrom("730", "365"),
      iMinVisits: fc.constantFrom("1"), iWindowDays: fc.constantFrom("365"),
      tierAPercent: fc.constantFrom("1", "2"), tierBPercent: fc.constantFrom("5", "10"), tierCPercent: fc.constantFrom("20", "30"),
      revenueWindowDays: fc.constantFrom("365"), insuranceDueDays: fc.constantFrom("60", "90"),
      warrantyEndingDays: fc.constantFrom("90"), attributionDays: fc.constantFrom("30", "60"),
    }),
  },
  {
    name: "customer card edit (customers.$id)",
    route: () => import("~/routes/customers.$id"),
    path: (fx) => `/customers/${fx.customerId}`,
    params: (fx) => ({ id: String(fx.customerId) }),
    as: "manager",
    fields: () => ({
      name: fc.oneof(fc.constantFrom("王小明", "O'Brien, \"Jr.\"", "🚗 李", "مرحبا", "<b>x</b>"), fc.string({ minLength: 1, maxLength: 50 })),
      phone: fc.constantFrom("", "13800001234", "010-12345678"),
      gender: fc.constantFrom("", "M", "F"),
      usage: fc.constantFrom("", "private", "official", "commercial"),
      doNotContact: fc.constantFrom("on", ""),
      preferences: fc.constantFrom("golf", "car_show", "wine_cigar"),
    }),
    stored: {
      schema: async () => (await import("~/models/customer.schema")).CustomerEditSchema,
      read: async (fx) => {
        const c = await fx.db.selectFrom("customers").select(["name", "phone", "gender", "usage"]).where("id", "=", fx.customerId).executeTakeFirstOrThrow();
        return { name: c.name, phone: c.phone, gender: c.gender, usage: c.usage };
      },
    },
  },
  {
    name: "new campaign plan (campaigns.new)",
    route: () => import("~/routes/campaigns.new"),
    path: () => "/campaigns/new",
    as: "manager",
    fields: () => ({
      version: fc.constant("0"),
      name: fc.oneof(fc.constantFrom("春季保养节", "Summer 🚗 care", "<script>x</script>"), fc.string({ minLength: 1, maxLength: 80 })),
      background: fc.string({ maxLength: 200 }),
      eventStart: fc.constantFrom("2026-12-01T09:00", ""),
      eventEnd: fc.constantFrom("2026-12-01T17:00", ""),
      kpiRevenue: fc.constantFrom("1000", "1000.50", ""),
      "budget.0.category": fc.constantFrom("gifts", "media"),
      "budget.0.quantity": fc.constantFrom("1", "20"),
      "budget.0.unitCost": fc.constantFrom("100", "0.01"),
      "channels.0.key": fc.constantFrom("phone", "sms"),
      "channels.0.selected": fc.constantFrom("on", ""),
    }),
  },
];

let fx: Fixture;
let tables: TableInfo[];

async function signedCookie(userId: number): Promise<string> {
  const { createUserSession } = await import("~/utils/session.server");
  const res = await createUserSession({ request: new Request("http://localhost/login"), userId, redirectTo: "/" });
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

beforeAll(async () => {
  const db = await createTestDb();
  (globalThis as { __db?: DB }).__db = db; // getDb() in the routes returns this database
  const store = await makeStore(db);
  const other = await makeStore(db);
  const manager = await makeUser(db, store.id, "manager");
  await db.updateTable("users").set({ email: "fuzz-manager@test.test" }).where("id", "=", manager.id).execute();
  const staff = await makeUser(db, store.id, "staff");
  const customer = await makeCustomer(db, store.id, { name: "原名" });
  fx = {
    db, storeId: store.id, otherStoreId: other.id, managerId: manager.id, customerId: customer.id,
    cookie: { manager: await signedCookie(manager.id), staff: await signedCookie(staff.id) },
  };
  tables = await listTables(db);
}, 60_000);

afterAll(async () => {
  (globalThis as { __db?: DB }).__db = undefined;
  await fx?.db.destroy();
});

async function post(target: Target, entries: [string, string][]) {
  const body = new URLSearchParams();
  for (const [k, v] of entries) body.append(k, v);
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (target.as) headers.Cookie = fx.cookie[target.as];
  const request = new Request(`http://localhost${target.path(fx)}`, { method: "POST", headers, body });
  const sent = await request.clone().formData(); // what the action really receives (lone surrogates become U+FFFD)
  const mod = await target.route();
  let res: unknown;
  try {
    res = await mod.action({ request, params: target.params?.(fx) ?? {}, context: { ip: `10.${entries.length}.0.1` } });
  } catch (e) {
    if (!(e instanceof Response)) throw new Error(`${target.name}: the action threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    res = e;
  }
  if (!(res instanceof Response)) throw new Error(`${target.name}: the action returned a ${typeof res}, not a Response`);
  return { status: res.status, location: res.headers.get("location"), sent };
}

const without = (summary: Awaited<ReturnType<typeof summariseDatabase>>, skip: string[] = []) => summary.filter((t) => !skip.includes(t.table));

describe("actions under hostile form posts", () => {
  for (const target of TARGETS) {
    it(`${target.name}: never a 5xx, nothing changes on refusal, redirects stay on the site, accepted text is stored as sent`, async () => {
      const schema = await target.stored?.schema();
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(hostileForm(target.fields(fx)), async (entries) => {
          const before = await summariseDatabase(fx.db, tables);
          const res = await post(target, entries);
          expect(res.status, JSON.stringify(entries).slice(0, 500)).toBeLessThan(500);
          expect(prototypeIsClean()).toEqual([]);
          if (res.location !== null) {
            expect(res.location).toMatch(/^\/(?![/\\])/);
          }
          if (res.status >= 400) {
            const after = await summariseDatabase(fx.db, tables);
            expect(without(after, target.writesOnRefusal)).toEqual(without(before, target.writesOnRefusal));
          } else {
            accepted++;
            if (schema && target.stored) {
              const { parseFormData } = await import("~/utils/form");
              const parsed = parseFormData(schema, res.sent);
              expect(parsed.ok).toBe(true);
              if (parsed.ok) {
                const stored = await target.stored.read(fx);
                for (const [k, v] of Object.entries(stored)) expect(v, k).toEqual((parsed.data as Record<string, unknown>)[k]);
              }
            }
          }
        }),
        { numRuns: Math.max(1, Math.round(FUZZ_RUNS / 2)) },
      );
      // The valid values must get through sometimes, or the property tested nothing. Not for
      // sign-in: five failures lock the account for 15 minutes, so whether a valid sign-in
      // comes after them depends on the random order (valid sign-ins are tested elsewhere).
      if (target.name !== "store switch (store)" && target.name !== "sign-in (login)") expect(accepted).toBeGreaterThan(0);
    }, 120_000);
  }

  // Deterministic: every hostile string in every text field of the customer card, on this engine.
  it("customer card edit: each hostile string as the name is either refused with nothing changed or stored exactly", async () => {
    const target = TARGETS.find((t) => t.name.startsWith("customer card edit"))!;
    const schema = await target.stored!.schema();
    const { parseFormData } = await import("~/utils/form");
    const problems: string[] = [];
    for (const name of HOSTILE_STRINGS) {
      const before = await summariseDatabase(fx.db, tables);
      const res = await post(target, [["name", name], ["phone", ""], ["gender", ""], ["usage", ""]]).catch((e: Error) => ({ status: 500, error: e.message, sent: null, location: null }));
      const label = JSON.stringify(name.slice(0, 30));
      if (res.status >= 500) problems.push(`${label}: ${res.status} ${"error" in res ? res.error : ""}`);
      else if (res.status >= 400) {
        if (JSON.stringify(await summariseDatabase(fx.db, tables)) !== JSON.stringify(before)) problems.push(`${label}: refused but the database changed`);
      } else {
        const parsed = parseFormData(schema, res.sent!);
        const stored = (await target.stored!.read(fx)).name;
        if (!parsed.ok || stored !== (parsed.data as { name: string }).name) problems.push(`${label}: stored ${JSON.stringify(stored)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
