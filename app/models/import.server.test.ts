import path from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "#db/client";
import { createTestDb } from "../../tests/helpers/test-db";
import { sqliteOnly } from "../../tests/helpers/pg";
import { makeCustomer, makeStore, makeUser, makeVehicle, makeVisit } from "../../tests/helpers/factories";
import { getCustomerCard, updateCustomer } from "./customer.server";
import { importApplyingTo } from "./import-lease.server";
import { ensureSegments } from "./segmentation.server";
import {
  formatImportIssues, ImportAlreadyRunning, importCustomerBase, ImportNotFinished, normalizePhone, parseAmount, parseImportDate,
  recoverImports, type ImportProgress, type ImportSource,
} from "./import.server";
import type { ImportFile, ImportIssue, ImportOutcome } from "./import.schema";

const FIX = path.resolve(__dirname, "../../tests/fixtures/import");
const fixture = (...p: string[]) => path.join(FIX, ...p);
const good = { customers: fixture("good/customers.csv"), vehicles: fixture("good/vehicles.csv"), visits: fixture("good/visits.csv") };
const csv = (name: string, ...lines: string[]): ImportSource => ({ name, text: lines.join("\n") + "\n" });

const CUSTOMERS_HEADER = "customer_code,name,phone,gender,usage,preferences,do_not_contact";
const VEHICLES_HEADER = "vin,customer_code,plate,model,purchase_date,warranty_end,insurance_expiry,mileage_km";
const VISITS_HEADER = "ro_number,vin,visit_date,type,amount";

let db: DB;
beforeEach(async () => { db = await createTestDb(); });
afterEach(async () => { await db.destroy(); });

function expectOk(outcome: ImportOutcome): asserts outcome is Extract<ImportOutcome, { ok: true }> {
  if (!outcome.ok) throw new Error(`expected a successful import, got ${JSON.stringify(outcome.issues, null, 1)}`);
}
function expectRefused(outcome: ImportOutcome): Extract<ImportOutcome, { ok: false }> {
  if (outcome.ok) throw new Error("expected the import to be refused");
  return outcome;
}
/** Batches of rows left in the staging table (none once an import has ended). */
async function stagedRows() {
  return Number((await db.selectFrom("import_staged_batches").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
}
/** [file, line, column, reason] of each issue, for compact assertions */
const brief = (issues: ImportIssue[]) => issues.map((i) => [i.file, i.line, i.column, i.reason]);

/** Every row of the store-owned tables, to compare a database before and after. */
async function snapshot() {
  return {
    stores: await db.selectFrom("stores").selectAll().orderBy("id").execute(),
    customers: await db.selectFrom("customers").selectAll().orderBy("id").execute(),
    preferences: await db.selectFrom("customer_preferences").selectAll().orderBy("customer_id").orderBy("preference").execute(),
    vehicles: await db.selectFrom("vehicles").selectAll().orderBy("id").execute(),
    visits: await db.selectFrom("service_visits").selectAll().orderBy("id").execute(),
  };
}

describe("value rules", () => {
  it.each([
    ["2026-02-28", "2026-02-28"], ["2024-02-29", "2024-02-29"], ["2023/5/1", "2023-05-01"], ["2000-02-29", "2000-02-29"],
  ])("accepts the date %s as %s", (raw, iso) => expect(parseImportDate(raw)).toBe(iso));
  it.each(["2026-02-30", "2025-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "26-01-01", "2026-1-1x", "today", ""])(
    "refuses the date %j", (raw) => expect(parseImportDate(raw)).toBeNull());

  it.each([
    ["13800138000", "13800138000"], ["+86 139 0013 9000", "13900139000"], ["8615912345678", "15912345678"], ["138-0013-8000", "13800138000"],
    ["0371-65432100", "0371-65432100"], ["010-87654321", "010-87654321"], ["01087654321", "01087654321"], ["0371 6543210", "03716543210"],
  ])("accepts the phone %s as %s", (raw, stored) => expect(normalizePhone(raw)).toBe(stored));
  it.each(["12345", "12800138000", "1380013800", "138001380001", "0371-0543210", "0371-123456", "abc", "400-800-8888"])(
    "refuses the phone %j", (raw) => expect(normalizePhone(raw)).toBeNull());

  it.each([["0", 0], ["1,280.50", 128050], ["299.99", 29999], ["¥12", 1200], ["0.1", 10]])("amount %s → %d fen", (raw, fen) =>
    expect(parseAmount(raw)).toBe(fen));
  it.each([["-5", "negativeAmount"], ["-0.01", "negativeAmount"], ["12.345", "badAmount"], ["abc", "badAmount"], ["1e3", "badAmount"], ["-x", "badAmount"]])(
    "amount %s is refused as %s", (raw, reason) => expect(parseAmount(raw)).toBe(reason));
});

describe("importing good files", () => {
  it("creates the store, imports quoted, multi-line and BOM-less rows, and stores money in fen", async () => {
    const outcome = await importCustomerBase(db, { store: { code: "IMP1", name: "Import test" }, files: good });
    expectOk(outcome);
    expect(outcome.storeCreated).toBe(true);
    expect(outcome.counts).toEqual({
      customers: { fileName: "customers.csv", rows: 4, inserted: 4, updated: 0, unchanged: 0 },
      vehicles: { fileName: "vehicles.csv", rows: 3, inserted: 3, updated: 0, unchanged: 0 },
      visits: { fileName: "visits.csv", rows: 5, inserted: 5, updated: 0, unchanged: 0 },
    });
    const store = await db.selectFrom("stores").selectAll().where("code", "=", "IMP1").executeTakeFirstOrThrow();
    expect(store.name).toBe("Import test");
    const customers = await db.selectFrom("customers").selectAll().where("store_id", "=", store.id).orderBy("customer_code").execute();
    expect(customers.map((c) => [c.customer_code, c.name, c.phone, c.gender, c.usage, c.do_not_contact])).toEqual([
      ["T0001", "王建国", "13800138000", "M", "private", 0],
      ["T0002", "李娜, Lina", "0371-65432100", "F", "official", 1],
      ["T0003", '张"小伟"', "13900139000", null, "commercial", 0],
      ["T0004", "刘芳\n(second line)", null, "F", null, 0],
    ]);
    const prefs = await db.selectFrom("customer_preferences").innerJoin("customers", "customers.id", "customer_preferences.customer_id")
      .select(["customers.customer_code", "customer_preferences.preference"]).orderBy("customer_code").orderBy("preference").execute();
    expect(prefs.map((p) => `${p.customer_code}:${p.preference}`)).toEqual(["T0001:car_show", "T0001:golf", "T0003:test_drive"]);
    const vehicles = await db.selectFrom("vehicles").selectAll().where("store_id", "=", store.id).orderBy("vin").execute();
    expect(vehicles.map((v) => v.vin)).toEqual(["LFV2A1111111111111", "LFV2A2222222222222", "LFV2A3333333333333"]);
    expect(vehicles[1]).toMatchObject({ purchase_date: "2024-02-29", warranty_end: "2027-02-28", mileage_km: null });
    expect(vehicles[2]).toMatchObject({ plate: null, model: null, purchase_date: null });
    const visits = await db.selectFrom("service_visits").innerJoin("customers", "customers.id", "service_visits.customer_id")
      .innerJoin("vehicles", "vehicles.id", "service_visits.vehicle_id")
      .select(["ro_number", "amount_fen", "type", "customers.customer_code", "vehicles.vin"]).orderBy("ro_number").execute();
    expect(visits).toEqual([
      { ro_number: "RO-0001", amount_fen: 0, type: "first_maintenance", customer_code: "T0001", vin: "LFV2A1111111111111" },
      { ro_number: "RO-0002", amount_fen: 128050, type: "maintenance", customer_code: "T0001", vin: "LFV2A1111111111111" },
      { ro_number: "RO-0003", amount_fen: 680000, type: "insurance_renewal", customer_code: "T0002", vin: "LFV2A2222222222222" },
      { ro_number: "RO-0004", amount_fen: 1200050, type: "accident", customer_code: "T0002", vin: "LFV2A2222222222222" },
      { ro_number: "RO-0005", amount_fen: 29999, type: "beauty", customer_code: "T0003", vin: "LFV2A3333333333333" },
    ]);
  });

  it("accepts Chinese headers, values and a BOM", async () => {
    const outcome = await importCustomerBase(db, {
      store: { code: "ZH1" },
      files: { customers: fixture("zh/客户.csv"), vehicles: fixture("zh/车辆.csv"), visits: fixture("zh/维修记录.csv") },
    });
    expectOk(outcome);
    expect(outcome.counts.customers).toMatchObject({ fileName: "客户.csv", inserted: 2 });
    const customers = await db.selectFrom("customers").selectAll().orderBy("customer_code").execute();
    expect(customers.map((c) => [c.customer_code, c.gender, c.usage, c.do_not_contact, c.phone])).toEqual([
      ["Z0001", "M", "official", 0, "13912345678"],
      ["Z0002", "F", "private", 1, "010-87654321"],
    ]);
    const prefs = await db.selectFrom("customer_preferences").select("preference").orderBy("preference").execute();
    expect(prefs.map((p) => p.preference)).toEqual(["car_show", "golf", "test_drive"]);
    const vehicle = await db.selectFrom("vehicles").selectAll().where("vin", "=", "LFVZH000000000001").executeTakeFirstOrThrow();
    expect(vehicle).toMatchObject({ purchase_date: "2023-05-01", warranty_end: "2026-05-01", mileage_km: 12500, plate: "豫A88888" });
    const visits = await db.selectFrom("service_visits").select(["ro_number", "type", "amount_fen"]).orderBy("ro_number").execute();
    expect(visits).toEqual([
      { ro_number: "ZRO001", type: "first_maintenance", amount_fen: 0 },
      { ro_number: "ZRO002", type: "maintenance", amount_fen: 88000 },
      { ro_number: "ZRO003", type: "self_paid_accident", amount_fen: 320010 },
      { ro_number: "ZRO004", type: "insurance_renewal", amount_fen: 450000 },
    ]);
  });

  it("is idempotent: the same files again change nothing and count every row unchanged", async () => {
    expectOk(await importCustomerBase(db, { store: { code: "IDEM" }, files: good }));
    const before = await snapshot();
    const again = await importCustomerBase(db, { store: { code: "IDEM" }, files: good });
    expectOk(again);
    expect(again.storeCreated).toBe(false);
    expect(Object.values(again.counts).map((c) => [c.inserted, c.updated, c.unchanged])).toEqual([[0, 0, 4], [0, 0, 3], [0, 0, 5]]);
    expect(await snapshot()).toEqual(before);
  });

  it("updates changed rows by key, adds the file's preferences to those on file, and moves visits with their vehicle's owner", async () => {
    expectOk(await importCustomerBase(db, { store: { code: "UPD" }, files: good }));
    const outcome = await importCustomerBase(db, {
      store: { code: "UPD" },
      files: {
        customers: csv("customers.csv", CUSTOMERS_HEADER, "T0001,王建国,13800138001,M,private,art,0", "T0002,\"李娜, Lina\",0371-65432100,F,official,,1", "T0009,新客户,,,,,"),
        vehicles: csv("vehicles.csv", VEHICLES_HEADER, "LFV2A3333333333333,T0009,,,,,,"),
        visits: csv("visits.csv", VISITS_HEADER, "RO-0005,LFV2A3333333333333,2025-10-20,beauty,299.99", "RO-0002,LFV2A1111111111111,2025-07-02,maintenance,1300", "RO-0100,LFV2A1111111111111,2025-11-01,care,88"),
      },
    });
    expectOk(outcome);
    expect(Object.values(outcome.counts).map((c) => [c.inserted, c.updated, c.unchanged])).toEqual([[1, 1, 1], [0, 1, 0], [1, 2, 0]]);
    const t1 = await db.selectFrom("customers").selectAll().where("customer_code", "=", "T0001").executeTakeFirstOrThrow();
    expect(t1.phone).toBe("13800138001");
    expect(t1.updated_at > t1.created_at || t1.updated_at === t1.created_at).toBe(true);
    // merged, not replaced (issue 10): car_show and golf were on file
    const prefs = await db.selectFrom("customer_preferences").select("preference").where("customer_id", "=", t1.id).orderBy("preference").execute();
    expect(prefs.map((p) => p.preference)).toEqual(["art", "car_show", "golf"]);
    const moved = await db.selectFrom("service_visits").innerJoin("customers", "customers.id", "service_visits.customer_id")
      .select(["customers.customer_code", "service_visits.amount_fen"]).where("ro_number", "in", ["RO-0005", "RO-0002"]).orderBy("ro_number").execute();
    expect(moved).toEqual([{ customer_code: "T0001", amount_fen: 130000 }, { customer_code: "T0009", amount_fen: 29999 }]);
    expect(await db.selectFrom("customers").select("id").execute()).toHaveLength(5);
  });

  it("lets vehicles and visits refer to customers and vehicles already on file", async () => {
    const store = await makeStore(db, { code: "REF" });
    const customer = await makeCustomer(db, store.id, { code: "OLD1" });
    await makeVehicle(db, store.id, customer.id, { vin: "LFVOLD00000000001" });
    const outcome = await importCustomerBase(db, {
      store: { id: store.id },
      files: {
        vehicles: csv("v.csv", VEHICLES_HEADER, "LFVNEW00000000001,OLD1,豫A1,A4L,2024-01-01,,,"),
        visits: csv("s.csv", VISITS_HEADER, "R1,LFVOLD00000000001,2025-01-01,repair,10", "R2,lfvnew00000000001,2025-01-02,warranty,0"),
      },
    });
    expectOk(outcome);
    expect(outcome.storeCreated).toBe(false);
    const visits = await db.selectFrom("service_visits").select(["ro_number", "customer_id"]).orderBy("ro_number").execute();
    expect(visits).toEqual([{ ro_number: "R1", customer_id: customer.id }, { ro_number: "R2", customer_id: customer.id }]);
  });

  it("does not see another store's customers or vehicles", async () => {
    const other = await makeStore(db, { code: "OTHER" });
    const c = await makeCustomer(db, other.id, { code: "SHARED" });
    await makeVehicle(db, other.id, c.id, { vin: "LFVOTHER000000001" });
    const mine = await makeStore(db, { code: "MINE" });
    const refused = expectRefused(await importCustomerBase(db, {
      store: { id: mine.id },
      files: {
        vehicles: csv("v.csv", VEHICLES_HEADER, "LFVMINE0000000001,SHARED,,,,,,"),
        visits: csv("s.csv", VISITS_HEADER, "R1,LFVOTHER000000001,2025-01-01,repair,10"),
      },
    }));
    expect(brief(refused.issues)).toEqual([["vehicles", 2, "customer_code", "unknownCustomer"], ["visits", 2, "vin", "unknownVin"]]);
  });

  it("reports progress while reading and writing, and yields to the event loop between chunks", async () => {
    const lines = [VISITS_HEADER];
    for (let i = 0; i < 5000; i++) lines.push(`RO${i},LFV2A1111111111111,2025-01-01,maintenance,${i}.5`);
    expectOk(await importCustomerBase(db, { store: { code: "PROG" }, files: good }));
    const progress: ImportProgress[] = [];
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 0);
    const outcome = await importCustomerBase(db, {
      store: { code: "PROG" }, files: { visits: csv("visits.csv", ...lines) }, chunkSize: 100, onProgress: (p) => progress.push({ ...p }),
    });
    clearInterval(timer);
    expectOk(outcome);
    expect(outcome.counts.visits).toMatchObject({ inserted: 5000 });
    const reading = progress.filter((p) => p.phase === "reading");
    const writing = progress.filter((p) => p.phase === "writing");
    expect(reading.at(-1)!.done).toBe(reading.at(-1)!.total);
    expect(writing[0]!.done).toBe(0);
    expect(writing.at(-1)).toEqual({ phase: "writing", done: 5000, total: 5000 });
    expect(writing.length).toBeGreaterThanOrEqual(50);
    for (let i = 1; i < writing.length; i++) expect(writing[i]!.done).toBeGreaterThanOrEqual(writing[i - 1]!.done);
    // timers ran while the 50 chunks were written
    expect(ticks).toBeGreaterThanOrEqual(10);
  });
});

describe("all or nothing: the bad-row report", () => {
  const bad = { customers: fixture("bad/customers.csv"), vehicles: fixture("bad/vehicles.csv"), visits: fixture("bad/visits.csv") };

  it("lists every bad row with file, line, column, value and reason, and imports nothing", async () => {
    const existing = await makeStore(db, { code: "KEEP" });
    const before = await snapshot();
    const refused = expectRefused(await importCustomerBase(db, { store: { code: "BAD1" }, files: bad }));
    expect(brief(refused.issues)).toEqual([
      ["customers", 3, "name", "required"],
      ["customers", 4, "phone", "badPhone"],
      ["customers", 5, "customer_code", "duplicateKey"],
      ["customers", 6, "gender", "badGender"],
      ["customers", 7, "usage", "badUsage"],
      ["customers", 8, "preferences", "badPreference"],
      ["customers", 9, "do_not_contact", "badFlag"],
      ["customers", 10, "", "columnCount"],
      ["vehicles", 2, "purchase_date", "badDate"],
      ["vehicles", 3, "customer_code", "unknownCustomer"],
      ["vehicles", 4, "vin", "duplicateKey"],
      ["vehicles", 5, "vin", "required"],
      ["vehicles", 6, "mileage_km", "badNumber"],
      ["visits", 2, "type", "unknownType"],
      ["visits", 3, "amount", "negativeAmount"],
      ["visits", 4, "amount", "badAmount"],
      ["visits", 5, "amount", "badAmount"],
      ["visits", 6, "vin", "unknownVin"],
      ["visits", 7, "ro_number", "duplicateKey"],
      ["visits", 8, "visit_date", "badDate"],
      ["visits", 9, "visit_date", "required"],
    ]);
    expect(refused.issueCount).toBe(21);
    expect(refused.truncated).toBe(false);
    const byLine = (file: ImportFile, line: number) => refused.issues.find((i) => i.file === file && i.line === line)!;
    expect(byLine("customers", 4)).toMatchObject({ fileName: "customers.csv", value: "12345" });
    expect(byLine("customers", 5)).toMatchObject({ value: "B0001", firstLine: 2 });
    expect(byLine("customers", 8)).toMatchObject({ value: "karaoke" });
    expect(byLine("vehicles", 2)).toMatchObject({ value: "2026-02-30" });
    expect(byLine("visits", 3)).toMatchObject({ value: "-5" });
    expect(byLine("visits", 6)).toMatchObject({ value: "NOSUCHVIN00000000" });
    // nothing written, the store not created
    expect(await snapshot()).toEqual(before);
    expect(before.stores.map((s) => s.code)).toEqual([existing.code]);
    // the CLI's English lines
    const text = formatImportIssues(refused);
    expect(text[0]).toBe("import refused: 21 problem(s) found, nothing was imported");
    expect(text).toContain('vehicles.csv line 2, column purchase_date, value "2026-02-30": not a valid date (e.g. 2026-03-05, 2026/3/5, 2026年3月5日, 20260305)');
    expect(text).toContain('visits.csv line 7, column ro_number, value "BRO001": duplicate key in the file (first on line 2)');
  });

  it("refuses a whole set when a single row of one file is bad, even with good rows on file", async () => {
    expectOk(await importCustomerBase(db, { store: { code: "ONE" }, files: good }));
    const before = await snapshot();
    const refused = expectRefused(await importCustomerBase(db, {
      store: { code: "ONE" },
      files: {
        customers: csv("customers.csv", CUSTOMERS_HEADER, "T0001,改名,13800138000,M,private,,0", "N0001,新,13800138009,M,private,,0"),
        visits: csv("visits.csv", VISITS_HEADER, "RO-0001,LFV2A1111111111111,2025-01-10,first_maintenance,0", "RO-9999,LFV2A1111111111111,2025-01-11,maintenance,1.999"),
      },
    }));
    expect(brief(refused.issues)).toEqual([["visits", 3, "amount", "badAmount"]]);
    expect(await snapshot()).toEqual(before);
  });

  it("reports header problems: missing, unknown and repeated columns, an empty file", async () => {
    const refused = expectRefused(await importCustomerBase(db, {
      store: { code: "HDR" },
      files: {
        customers: csv("c.csv", "customer_code,name,电话,手机,gender,usage,preferences,do_not_contact,wechat", "C1,x,13800138000,13800138000,,,,,"),
        // only key and rule columns are required (issue 12): mileage may be absent, the customer code may not
        vehicles: csv("v.csv", "vin,plate,model,purchase_date,warranty_end,insurance_expiry", "V1,,,,,"),
        visits: { name: "s.csv", text: "" },
      },
    }));
    expect(brief(refused.issues)).toEqual([
      ["customers", 1, "手机", "duplicateColumn"],
      ["customers", 1, "wechat", "unknownColumn"],
      ["vehicles", 1, "customer_code", "missingColumn"],
      ["visits", 1, "", "emptyFile"],
    ]);
  });

  it("reports broken quoting and values too long; a file mixing GBK and UTF-8 is neither: refused on the line of its first undecodable bytes (issue 12)", async () => {
    const gbk = Buffer.concat([
      Buffer.from(`${CUSTOMERS_HEADER}\nG1,`), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from(",13800138000,M,private,,0\n"),
      Buffer.from(`G2,${"长".repeat(101)},13800138000,M,private,,0\n`),
    ]);
    const refused = expectRefused(await importCustomerBase(db, {
      store: { code: "ENC" },
      files: {
        customers: { name: "gbk.csv", text: gbk },
        vehicles: csv("v.csv", VEHICLES_HEADER, `V1,G1,,${"长".repeat(65)},,,,`),
        visits: csv("s.csv", VISITS_HEADER, 'R1,V1,2025-01-01,repair,"10"x'),
      },
    }));
    expect(brief(refused.issues)).toEqual([
      ["customers", 3, "", "undecodable"],
      ["vehicles", 2, "model", "tooLong"],
      ["visits", 2, "", "badCsv"],
    ]);
  });

  it("refuses a cell with a NUL or another control character (on either engine), keeping tabs and line breaks", async () => {
    const before = await snapshot();
    const refused = expectRefused(await importCustomerBase(db, {
      store: { code: "CTRL" },
      files: { customers: csv("c.csv", CUSTOMERS_HEADER, "C1,王\u0000五,,,,,", "C2,李\u0007四,,,,,", 'C3,"张\t三\nline",,,,,') },
    }));
    expect(brief(refused.issues)).toEqual([["customers", 2, "name", "controlChar"], ["customers", 3, "name", "controlChar"]]);
    expect(refused.issues[0]!.value).toBe("王\\u0000五");
    expect(await snapshot()).toEqual(before);
    const ok = await importCustomerBase(db, { store: { code: "CTRL" }, files: { customers: csv("c.csv", CUSTOMERS_HEADER, 'C3,"张\t三",,,,,') } });
    expectOk(ok);
  });

  it("counts lines spanned by quoted newlines and skips blank lines", async () => {
    const refused = expectRefused(await importCustomerBase(db, {
      store: { code: "LINES" },
      files: { customers: csv("c.csv", CUSTOMERS_HEADER, 'C1,"two\nlines",,,,,', "", 'C2,"three\r\nlines\nhere",,,,,', "C3,x,999,,,,") },
    }));
    expect(brief(refused.issues)).toEqual([["customers", 8, "phone", "badPhone"]]);
  });

  it("accepts visit types by key or Chinese name, and refuses others", async () => {
    expectOk(await importCustomerBase(db, { store: { code: "TYPES" }, files: good }));
    const refused = expectRefused(await importCustomerBase(db, {
      store: { code: "TYPES" },
      files: { visits: csv("s.csv", VISITS_HEADER, "X1,LFV2A1111111111111,2025-01-01,延保,1", "X2,LFV2A1111111111111,2025-01-01,Maintenance,1", "X3,LFV2A1111111111111,2025-01-01,洗车,1") },
    }));
    expect(brief(refused.issues)).toEqual([["visits", 4, "type", "unknownType"]]);
  });

  it("refuses values that are names of JavaScript object members", async () => {
    const refused = expectRefused(await importCustomerBase(db, {
      store: { code: "PROTO" },
      files: {
        customers: csv("c.csv", CUSTOMERS_HEADER, "P1,x,,toString,constructor,hasOwnProperty,__proto__"),
        visits: csv("s.csv", VISITS_HEADER, "R1,V1,2025-01-01,constructor,1"),
      },
    }));
    expect(brief(refused.issues)).toEqual([
      ["customers", 2, "gender", "badGender"],
      ["customers", 2, "usage", "badUsage"],
      ["customers", 2, "preferences", "badPreference"],
      ["customers", 2, "do_not_contact", "badFlag"],
      ["visits", 2, "vin", "unknownVin"],
      ["visits", 2, "type", "unknownType"],
    ]);
  });

  // SQLite trigger syntax: the staging and the apply themselves are engine-independent.
  sqliteOnly("keeps the database as it was when a write fails before the commit point (while staging)", async () => {
    const store = await makeStore(db, { code: "FAIL" });
    const c = await makeCustomer(db, store.id, { code: "K1" });
    const v = await makeVehicle(db, store.id, c.id, { vin: "LFVKEEP0000000001" });
    await makeVisit(db, store.id, v, { date: "2025-01-01", type: "repair", ro: "KEEP1" });
    // a trigger makes the database refuse to stage the third batch of visits
    await sql.raw("create trigger boom before insert on import_staged_batches when new.file = 'visits' and new.seq = 3 begin select raise(abort, 'boom'); end").execute(db);
    const before = await snapshot();
    const lines = [VISITS_HEADER];
    for (let i = 0; i < 300; i++) lines.push(`R${i},LFVNEW00000000001,2025-02-01,care,10`);
    await expect(importCustomerBase(db, {
      store: { id: store.id }, chunkSize: 50,
      files: {
        customers: csv("c.csv", CUSTOMERS_HEADER, "K1,改名,,,,,", "K2,新客户,,,,,"),
        vehicles: csv("v.csv", VEHICLES_HEADER, "LFVNEW00000000001,K2,,,,,,"),
        visits: csv("s.csv", ...lines),
      },
    })).rejects.toThrow(/boom/);
    expect(await snapshot()).toEqual(before);
    const job = await db.selectFrom("import_jobs").selectAll().executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: "failed", message: expect.stringMatching(/boom/), owner: null, cleanup_pending: 0 });
    expect(await stagedRows()).toBe(0);
    // the store may import again at once
    expectOk(await importCustomerBase(db, { store: { id: store.id }, files: { customers: csv("c.csv", CUSTOMERS_HEADER, "K1,改名,,,,,") } }));
  });

  sqliteOnly("completes an import whose write failed after the commit point once the cause is gone (roll-forward), exactly as an import that never failed", async () => {
    const files = (n: number) => {
      const lines = [VISITS_HEADER];
      for (let i = 0; i < n; i++) lines.push(`R${i},LFVNEW00000000001,2025-02-01,care,${10 + i}`);
      return {
        customers: csv("c.csv", CUSTOMERS_HEADER, "K1,改名,,,,,1", "K2,新客户,,,,,"),
        vehicles: csv("v.csv", VEHICLES_HEADER, "LFVNEW00000000001,K2,,,,,,"),
        visits: csv("s.csv", ...lines),
      };
    };
    const setUp = async (target: DB) => {
      const store = await makeStore(target, { code: "FAIL" });
      const c = await makeCustomer(target, store.id, { code: "K1" });
      const v = await makeVehicle(target, store.id, c.id, { vin: "LFVKEEP0000000001" });
      await makeVisit(target, store.id, v, { date: "2025-01-01", type: "repair", ro: "KEEP1" });
      return store;
    };
    // the reference: the same import on a twin database, never interrupted
    const twin = await createTestDb();
    const twinStore = await setUp(twin);
    const clean = await importCustomerBase(twin, { store: { id: twinStore.id }, chunkSize: 50, files: files(300) });
    expectOk(clean);

    const store = await setUp(db);
    await ensureSegments(db, { storeId: store.id });
    const segmentsBefore = await db.selectFrom("customer_segments").selectAll().orderBy("customer_id").execute();
    expect(segmentsBefore).toHaveLength(1);
    // the database refuses one visit late in the file, after customers, vehicles and 250 visits were written
    await sql.raw("create trigger boom before insert on service_visits when new.ro_number = 'R250' begin select raise(abort, 'boom'); end").execute(db);
    const error = await importCustomerBase(db, { store: { id: store.id }, chunkSize: 50, files: files(300) }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ImportNotFinished);
    expect((error as Error).message).toMatch(/boom.*completed automatically/);
    const job = await db.selectFrom("import_jobs").selectAll().executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: "applying", apply_file: "visits", apply_seq: 5, owner: null }); // 5 batches of 50 visits applied
    // readers are told, and the segment snapshot is not rebuilt from half the import
    expect(await importApplyingTo(db, { storeId: store.id })).toBe(true);
    expect(await ensureSegments(db, { storeId: store.id })).toBeTruthy();
    expect(await db.selectFrom("customer_segments").selectAll().orderBy("customer_id").execute()).toEqual(segmentsBefore);
    // another import of the store finishes it first — and here the database still refuses: it waits
    await expect(importCustomerBase(db, { store: { id: store.id }, files: { customers: csv("c.csv", CUSTOMERS_HEADER, "K9,x,,,,,") } }))
      .rejects.toBeInstanceOf(ImportAlreadyRunning);

    await sql.raw("drop trigger boom").execute(db);
    expect(await recoverImports(db)).toEqual([job.id]);
    const done = await db.selectFrom("import_jobs").selectAll().where("id", "=", job.id).executeTakeFirstOrThrow();
    expect(done).toMatchObject({ status: "done", cleanup_pending: 0, owner: null });
    expect(JSON.parse(done.outcome!)).toEqual(clean);
    expect(await stagedRows()).toBe(0);
    expect(await importApplyingTo(db, { storeId: store.id })).toBe(false);
    await ensureSegments(db, { storeId: store.id });
    expect(await db.selectFrom("customer_segments").select("customer_code").orderBy("customer_code").execute()).toEqual([{ customer_code: "K1" }, { customer_code: "K2" }]);
    // every row as the uninterrupted import wrote it (the import's timestamp is kept across the roll-forward)
    const rows = async (target: DB) => ({
      customers: (await target.selectFrom("customers").selectAll().orderBy("id").execute()).map(({ created_at, updated_at, ...r }) => ({ ...r, changed: created_at !== updated_at })),
      preferences: await target.selectFrom("customer_preferences").selectAll().orderBy("customer_id").orderBy("preference").execute(),
      vehicles: await target.selectFrom("vehicles").selectAll().orderBy("id").execute(),
      visits: await target.selectFrom("service_visits").selectAll().orderBy("id").execute(),
      changes: (await target.selectFrom("customer_changes").selectAll().orderBy("id").execute()).map(({ changed_at, ...r }) => r),
    });
    expect(await rows(db)).toEqual(await rows(twin));
    await twin.destroy();
  });
});

describe("consent and preferences from a file (issue 10)", () => {
  const header = CUSTOMERS_HEADER;
  it("never clears do-not-contact nor a preference from an empty or 0 cell; records every change with the import as its source", async () => {
    expectOk(await importCustomerBase(db, { store: { code: "DNC" }, files: { customers: csv("customers.csv", header, "D1,甲,,,,golf,1", "D2,乙,,,,,0", "D3,丙,,,,,") } }));
    const store = await db.selectFrom("stores").select("id").where("code", "=", "DNC").executeTakeFirstOrThrow();
    const manager = await makeUser(db, store.id, "manager");
    const d2 = await db.selectFrom("customers").select("id").where("customer_code", "=", "D2").executeTakeFirstOrThrow();
    // a manager sets D2 do-not-contact and gives preferences in the app
    await updateCustomer(db, { storeId: store.id, customerId: d2.id, userId: manager.id, input: { name: "乙", phone: null, gender: null, usage: null, doNotContact: true, preferences: ["art", "golf"] } });

    // the dealer's file again: empty 勿扰 and 活动偏好 cells, a 否, D3 newly refusing contact, D1 renamed
    const again = await importCustomerBase(db, {
      store: { code: "DNC" }, userId: manager.id,
      files: { customers: csv("客户.csv", "客户编号,姓名,电话,性别,用途,活动偏好,勿扰", "D1,甲一,,,,,", "D2,乙,,,,车展,否", "D3,丙,,,,,是") },
    });
    expectOk(again);
    expect(again.counts.customers).toMatchObject({ inserted: 0, updated: 3, unchanged: 0 });
    const flags = await db.selectFrom("customers").select(["customer_code", "do_not_contact", "name"]).where("store_id", "=", store.id).orderBy("customer_code").execute();
    expect(flags).toEqual([
      { customer_code: "D1", do_not_contact: 1, name: "甲一" },
      { customer_code: "D2", do_not_contact: 1, name: "乙" },
      { customer_code: "D3", do_not_contact: 1, name: "丙" },
    ]);
    const prefs = await db.selectFrom("customer_preferences").innerJoin("customers", "customers.id", "customer_preferences.customer_id")
      .select(["customer_code", "preference"]).orderBy("customer_code").orderBy("preference").execute();
    expect(prefs.map((p) => `${p.customer_code}:${p.preference}`)).toEqual(["D1:golf", "D2:art", "D2:car_show", "D2:golf"]);

    const job = await db.selectFrom("import_jobs").select("id").orderBy("id", "desc").executeTakeFirstOrThrow();
    const history = await db.selectFrom("customer_changes").innerJoin("customers", "customers.id", "customer_changes.customer_id")
      .select(["customer_code", "field", "old_value", "new_value", "user_id", "import_job_id"])
      .where("customer_changes.import_job_id", "is not", null).orderBy("customer_code").orderBy("field").execute();
    expect(history).toEqual([
      { customer_code: "D1", field: "name", old_value: "甲", new_value: "甲一", user_id: manager.id, import_job_id: job.id },
      { customer_code: "D2", field: "preferences", old_value: "art;golf", new_value: "art;car_show;golf", user_id: manager.id, import_job_id: job.id },
      { customer_code: "D3", field: "do_not_contact", old_value: "0", new_value: "1", user_id: manager.id, import_job_id: job.id },
    ]);
    // the customer card shows them, with the import (its file) as the source
    const card = await getCustomerCard(db, { storeId: store.id, id: d2.id });
    expect(card!.changes[0]).toMatchObject({ field: "preferences", import_job_id: job.id, import_file: "客户.csv" });

    // only a manager in the app clears it, with history
    await updateCustomer(db, { storeId: store.id, customerId: d2.id, userId: manager.id, input: { name: "乙", phone: null, gender: null, usage: null, doNotContact: false, preferences: [] } });
    expect((await db.selectFrom("customers").select("do_not_contact").where("id", "=", d2.id).executeTakeFirstOrThrow()).do_not_contact).toBe(0);
    // and the same file once more changes nothing else: D2 stays contactable (the file says 否)
    const third = await importCustomerBase(db, {
      store: { code: "DNC" },
      files: { customers: csv("客户.csv", "客户编号,姓名,电话,性别,用途,活动偏好,勿扰", "D1,甲一,,,,,", "D2,乙,,,,,否", "D3,丙,,,,,是") },
    });
    expectOk(third);
    expect(third.counts.customers).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
  });
});

describe("dealer files (issue 12)", () => {
  it("a file without an optional column keeps the values on file for it; new rows get none; vehicles may move", async () => {
    const store = await makeStore(db, { code: "OPT" });
    const c = await makeCustomer(db, store.id, { code: "K1", phone: "13900001111", usage: "official" });
    await db.updateTable("customers").set({ gender: "F" }).where("id", "=", c.id).execute();
    await makeVehicle(db, store.id, c.id, { vin: "LFVOPT00000000001", plate: "豫A99999", model: "Q5L", purchase_date: "2024-01-02", insurance_expiry: "2026-09-01" });
    await db.updateTable("vehicles").set({ mileage_km: 4321 }).where("vin", "=", "LFVOPT00000000001").execute();
    const run = () => importCustomerBase(db, {
      store: { id: store.id },
      files: {
        customers: csv("c.csv", "客户编号,车主姓名", "K1,改名", "K2,新客户"),
        vehicles: csv("v.csv", "车架号,客户编号,车型名称", "LFVOPT00000000001,K2,Q7", "LFVOPT00000000002,K2,"),
      },
    });
    const outcome = await run();
    expectOk(outcome);
    expect(outcome.formats).toEqual({ customers: "utf-8", vehicles: "utf-8" });
    const customers = await db.selectFrom("customers").select(["customer_code", "name", "phone", "gender", "usage"]).where("store_id", "=", store.id).orderBy("customer_code").execute();
    expect(customers).toEqual([
      { customer_code: "K1", name: "改名", phone: "13900001111", gender: "F", usage: "official" },
      { customer_code: "K2", name: "新客户", phone: null, gender: null, usage: null },
    ]);
    const vehicles = await db.selectFrom("vehicles").innerJoin("customers", "customers.id", "vehicles.customer_id")
      .select(["vin", "customer_code", "plate", "model", "purchase_date", "insurance_expiry", "mileage_km"]).where("vehicles.store_id", "=", store.id).orderBy("vin").execute();
    expect(vehicles).toEqual([
      { vin: "LFVOPT00000000001", customer_code: "K2", plate: "豫A99999", model: "Q7", purchase_date: "2024-01-02", insurance_expiry: "2026-09-01", mileage_km: 4321 },
      { vin: "LFVOPT00000000002", customer_code: "K2", plate: null, model: null, purchase_date: null, insurance_expiry: null, mileage_km: null },
    ]);
    // the same files again change nothing
    const again = await run();
    expectOk(again);
    expect([again.counts.customers?.unchanged, again.counts.vehicles?.unchanged]).toEqual([2, 2]);
  });

  it("a refused file set says how each file was read", async () => {
    const outcome = expectRefused(await importCustomerBase(db, {
      store: { code: "FMT" },
      files: { customers: { name: "c.csv", text: Buffer.from("\uFEFF客户编号,车主姓名\nK1,\n") } },
    }));
    expect(outcome.formats).toEqual({ customers: "utf-8-bom" });
    expect(brief(outcome.issues)).toEqual([["customers", 2, "车主姓名", "required"]]);
  });
});
