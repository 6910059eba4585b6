/**
 * The demo dealership: a Zhengzhou store (plates 豫A) with ~3,000 customers and two years
 * of service history, and a smaller Luoyang store (豫C) that only the group admin sees.
 * Generated from a fixed seed relative to "today", so every group of the 8-group matrix
 * and every pyramid tier is populated on whatever day the demo is made.
 */
import type { DB } from "#db/client";
import type { Department, Role } from "#db/schema";
import { addDays, todayIn } from "~/utils/format";
import { PREFERENCES, USAGES, visitTypesOfLine, type Line, type VisitType, DEFAULT_TIMEZONE } from "~/models/domain";
import { hashPassword } from "~/models/password.server";
import { createRng, type Rng } from "~/models/random";
import { createStore, deleteStore, getStoreByCode } from "~/models/store.server";
import type { DemoContext } from "./context";
import { seedSegmentsDemo } from "./segments.server";
import { seedCampaignsDemo } from "./campaigns.server";
import { seedInvitationsDemo } from "./invitations.server";
import { seedExecutionDemo } from "./execution.server";
import { ensureSegments } from "~/models/segmentation.server";

export const DEMO_PASSWORD = "demo1234";
export const DEMO_STORES = [
  { code: "ZZ01", name: "郑州中原之星汽车服务有限公司（演示）", plate: "豫A", customers: 3000, seed: 20261122 },
  { code: "LY01", name: "洛阳河洛之星汽车服务有限公司（演示）", plate: "豫C", customers: 400, seed: 20261123 },
] as const;

export const DEMO_USERS: { email: string; name: string; role: Role; department: Department; store: string }[] = [
  { email: "manager@demo.test", name: "王建国", role: "manager", department: "after_sales", store: "ZZ01" },
  { email: "manager2@demo.test", name: "李娜", role: "manager", department: "marketing", store: "ZZ01" },
  { email: "staff1@demo.test", name: "张伟", role: "staff", department: "after_sales", store: "ZZ01" },
  { email: "staff2@demo.test", name: "刘芳", role: "staff", department: "after_sales", store: "ZZ01" },
  { email: "staff3@demo.test", name: "陈磊", role: "staff", department: "sales", store: "ZZ01" },
  { email: "admin@demo.test", name: "赵总", role: "admin", department: "marketing", store: "ZZ01" },
  { email: "ly.manager@demo.test", name: "孙敏", role: "manager", department: "after_sales", store: "LY01" },
  { email: "ly.sales@demo.test", name: "周强", role: "staff", department: "sales", store: "LY01" },
];

export async function demoStoreExists(db: DB): Promise<boolean> {
  return !!(await getStoreByCode(db, DEMO_STORES[0].code));
}

export async function isDatabaseEmpty(db: DB): Promise<boolean> {
  return !(await db.selectFrom("stores").select("id").limit(1).executeTakeFirst());
}

const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞建国海燕晨宇浩然欣怡子涵梓轩雨桐志强晓东文博佳琪俊杰思远";
const MODELS = ["A3L", "A4L", "A6L", "Q2L", "Q3", "Q5L", "Q7", "e-tron"] as const;
const PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
const VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";

/** Amount ranges in yuan for each visit type. */
const AMOUNT: Record<VisitType, [number, number]> = {
  first_maintenance: [0, 300], maintenance: [450, 1800], care: [200, 900],
  repair: [800, 9000], warranty: [0, 600], inspection: [100, 300], rescue: [200, 800], extended_warranty: [2000, 6000],
  insurance_renewal: [3000, 12000], accident: [2000, 40000], self_paid_accident: [500, 8000],
  beauty: [200, 2500], decoration: [500, 12000],
};

function personName(rng: Rng) {
  return rng.pick([...SURNAMES]) + rng.pick([...GIVEN]) + (rng.chance(0.6) ? rng.pick([...GIVEN]) : "");
}

interface Rows {
  customers: { code: string; name: string; phone: string; gender: "M" | "F"; usage: string; dnc: number; prefs: string[] }[];
  vehicles: { vin: string; code: string; plate: string; model: string; purchase: string; warranty: string; insurance: string; km: number }[];
  visits: { ro: string; vin: string; date: string; type: VisitType; fen: number }[];
}

/** Generates a store's customer base deterministically from a seed and an anchor date. */
export function generateCustomerBase(opts: { seed: number; count: number; today: string; platePrefix: string; codePrefix: string }): Rows {
  const rng = createRng(opts.seed);
  const rows: Rows = { customers: [], vehicles: [], visits: [] };
  const usedPhones = new Set<string>();
  let ro = 0;
  for (let i = 1; i <= opts.count; i++) {
    const code = `${opts.codePrefix}${String(i).padStart(6, "0")}`;
    let phone: string;
    do phone = `1${rng.pick(["3", "5", "7", "8", "9"])}${String(rng.int(0, 999999999)).padStart(9, "0")}`; while (usedPhones.has(phone));
    usedPhones.add(phone);
    const prefs = PREFERENCES.filter(() => rng.chance(0.12));
    rows.customers.push({
      code, name: personName(rng), phone, gender: rng.chance(0.62) ? "M" : "F",
      usage: rng.chance(0.8) ? "private" : rng.chance(0.5) ? "official" : "commercial",
      dnc: rng.chance(0.03) ? 1 : 0, prefs,
    });
    if (rng.chance(0.02)) continue; // a customer with no vehicle on file
    const vehicleCount = rng.chance(0.12) ? 2 : 1;
    // Loyalty profile of this customer for the last two years.
    const dormant = rng.chance(0.06);
    const mHigh = !dormant && rng.chance(0.5);
    const rHigh = !dormant && rng.chance(0.4);
    const iHigh = !dormant && rng.chance(0.42);
    const spend = rng.chance(0.05) ? 4 : rng.chance(0.2) ? 2 : 1; // a few big spenders make the pyramid's top
    for (let v = 0; v < vehicleCount; v++) {
      const vin = `LFV${Array.from({ length: 14 }, () => rng.pick([...VIN_CHARS])).join("")}`;
      const purchase = addDays(opts.today, -rng.int(30, 8 * 365));
      const insurance = addDays(opts.today, rng.int(-20, 345));
      rows.vehicles.push({
        vin, code,
        plate: `${opts.platePrefix}${Array.from({ length: 5 }, () => rng.pick([...PLATE_CHARS])).join("")}`,
        model: rng.pick(MODELS), purchase, warranty: addDays(purchase, 3 * 365), insurance,
        km: rng.int(800, 180000),
      });
      if (v > 0 && rng.chance(0.5)) continue; // the second car often serviced elsewhere
      const add = (line: Line, count: number, minAgo: number, maxAgo: number) => {
        for (let k = 0; k < count; k++) {
          const type = rng.pick(visitTypesOfLine(line));
          const [lo, hi] = AMOUNT[type];
          const date = addDays(opts.today, -rng.int(minAgo, maxAgo));
          if (date < purchase) continue;
          ro += 1;
          rows.visits.push({ ro: `RO${opts.codePrefix}${String(ro).padStart(7, "0")}`, vin, date, type, fen: rng.int(lo, hi) * 100 * spend });
        }
      };
      if (dormant) { add("M", rng.int(0, 1), 400, 720); continue; }
      add("M", mHigh ? rng.int(2, 4) : rng.int(0, 1), 1, 360);
      add("M", rng.int(0, 2), 366, 720);
      add("R", rHigh ? rng.int(1, 3) : 0, 1, 725);
      add("I", iHigh ? rng.int(1, 2) : 0, 1, 360);
      if (!iHigh && rng.chance(0.3)) add("I", 1, 370, 720);
      add("B", rng.chance(0.35) ? rng.int(1, 2) : 0, 1, 720);
    }
  }
  return rows;
}

async function insertChunks<T>(items: T[], size: number, fn: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}

/** Writes generated rows for a store (used by the demo; the CSV import has its own path). */
async function insertCustomerBase(db: DB, storeId: number, rows: Rows) {
  const now = new Date().toISOString();
  await insertChunks(rows.customers, 400, (chunk) =>
    db.insertInto("customers").values(chunk.map((c) => ({
      store_id: storeId, customer_code: c.code, name: c.name, phone: c.phone, gender: c.gender,
      usage: c.usage as (typeof USAGES)[number], do_not_contact: c.dnc, created_at: now, updated_at: now,
    }))).execute());
  const customerIds = new Map(
    (await db.selectFrom("customers").select(["id", "customer_code"]).where("store_id", "=", storeId).execute())
      .map((r) => [r.customer_code, r.id]),
  );
  const prefRows = rows.customers.flatMap((c) => c.prefs.map((p) => ({ customer_id: customerIds.get(c.code)!, preference: p })));
  await insertChunks(prefRows, 800, (chunk) => db.insertInto("customer_preferences").values(chunk).execute());
  await insertChunks(rows.vehicles, 300, (chunk) =>
    db.insertInto("vehicles").values(chunk.map((v) => ({
      store_id: storeId, customer_id: customerIds.get(v.code)!, vin: v.vin, plate: v.plate, model: v.model,
      purchase_date: v.purchase, warranty_end: v.warranty, insurance_expiry: v.insurance, mileage_km: v.km,
    }))).execute());
  const vehicles = new Map(
    (await db.selectFrom("vehicles").select(["id", "vin", "customer_id"]).where("store_id", "=", storeId).execute())
      .map((r) => [r.vin, r]),
  );
  await insertChunks(rows.visits, 400, (chunk) =>
    db.insertInto("service_visits").values(chunk.map((s) => {
      const v = vehicles.get(s.vin)!;
      return { store_id: storeId, vehicle_id: v.id, customer_id: v.customer_id, ro_number: s.ro, visit_date: s.date, type: s.type, amount_fen: s.fen };
    })).execute());
}

/**
 * Later features add their demo records (campaigns at each stage, invitations, reviews)
 * here; each receives the fresh stores and users.
 */
export type { DemoContext };

/** (Re-)creates the demo stores, their users and customer base. */
export async function seedDemo(db: DB, opts: { today?: string } = {}): Promise<DemoContext> {
  const today = opts.today ?? todayIn(DEFAULT_TIMEZONE);
  for (const s of DEMO_STORES) {
    const existing = await getStoreByCode(db, s.code);
    if (existing) await deleteStore(db, { storeId: existing.id });
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const ctx: DemoContext = { db, today, stores: {}, users: {} };
  await db.transaction().execute(async (trx) => {
    for (const s of DEMO_STORES) {
      const store = await createStore(trx, { code: s.code, name: s.name });
      ctx.stores[s.code] = store.id;
      await insertCustomerBase(trx, store.id, generateCustomerBase({
        seed: s.seed, count: s.customers, today, platePrefix: s.plate, codePrefix: s.code === "ZZ01" ? "C" : "L",
      }));
    }
    const now = new Date().toISOString();
    for (const u of DEMO_USERS) {
      const row = await trx.insertInto("users").values({
        store_id: ctx.stores[u.store]!, email: u.email, display_name: u.name, password_hash: passwordHash,
        role: u.role, department: u.department, active: 1, created_at: now,
      }).returning("id").executeTakeFirstOrThrow();
      ctx.users[u.email] = row.id;
    }
  });
  await seedSegmentsDemo(ctx);
  await seedCampaignsDemo(ctx);
  await seedInvitationsDemo(ctx);
  await seedExecutionDemo(ctx);
  // The event-day demos add service visits after the segments were first computed: the snapshot
  // is brought up to date here, so that a fresh demo database serves its first pages without a
  // write (a server started read-only on it, SQLITE_READONLY=1, still reads every page).
  for (const storeId of Object.values(ctx.stores)) await ensureSegments(db, { storeId, asOf: ctx.today });
  return ctx;
}
