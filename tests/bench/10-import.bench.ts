/**
 * Import speed: 100,000 customers, 120,000 vehicles and 1,000,000 visits as CSV files,
 * imported through the real import path (`importCustomerBase`, the same function as the
 * CLI and the web page) into a fresh migrated SQLite file; against the floor: the same
 * rows inserted by bare better-sqlite3 prepared statements in one transaction into another
 * fresh migrated file. Leaves the imported database for later benches in ctx.shared.bigStore.
 */
import os from "node:os";
import path from "node:path";
import { createDb, openSqlite } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { importCustomerBase } from "~/models/import.server";
import { generateImportSet } from "../helpers/import-factories";
import type { BenchContext, BenchRow } from "./run";

export const BIG = { customers: 100_000, vehicles: 120_000, visits: 1_000_000 };

async function freshDb(file: string) {
  const db = createDb(`file:${file}`);
  await migrateToLatest(db);
  return db;
}

export default async function importBench(ctx: BenchContext): Promise<BenchRow[]> {
  let t = performance.now();
  const set = generateImportSet(path.join(ctx.workDir, "csv"), BIG);
  ctx.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
  ctx.log(`generated ${BIG.customers} customers, ${BIG.vehicles} vehicles, ${BIG.visits} visits in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // the real import path
  const dbFile = path.join(ctx.workDir, "big.db");
  const db = await freshDb(dbFile);
  t = performance.now();
  let cpu = process.cpuUsage();
  const outcome = await importCustomerBase(db, { store: { code: "BIG01", name: "Bench store" }, files: set.files });
  const importS = (performance.now() - t) / 1000;
  const cpuSeconds = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(1);
  const importCpu = cpuSeconds(process.cpuUsage(cpu));
  if (!outcome.ok) throw new Error(`bench import refused: ${JSON.stringify(outcome.issues.slice(0, 5))}`);
  const counts = outcome.counts;
  ctx.log(`import: ${importS.toFixed(2)} s (cpu ${importCpu} s) — customers +${counts.customers?.inserted}, vehicles +${counts.vehicles?.inserted}, visits +${counts.visits?.inserted}`);
  await db.destroy();

  // the floor: same rows, bare prepared statements, one transaction
  const floorFile = path.join(ctx.workDir, "floor.db");
  await (await freshDb(floorFile)).destroy();
  const sqlite = openSqlite(floorFile);
  t = performance.now();
  cpu = process.cpuUsage();
  const now = new Date().toISOString();
  sqlite.transaction(() => {
    const storeId = Number(sqlite.prepare("insert into stores (code, name, timezone, created_at) values (?, ?, ?, ?)").run("FLOOR", "Floor", "Asia/Shanghai", now).lastInsertRowid);
    const insCustomer = sqlite.prepare("insert into customers (store_id, customer_code, name, phone, gender, usage, do_not_contact, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const insPref = sqlite.prepare("insert into customer_preferences (customer_id, preference) values (?, ?)");
    const customerIds: number[] = [];
    for (const c of set.customers) {
      const id = Number(insCustomer.run(storeId, c[0], c[1], c[2], c[3], c[4], c[5], now, now).lastInsertRowid);
      customerIds.push(id);
      for (const p of c[6]) insPref.run(id, p);
    }
    const insVehicle = sqlite.prepare("insert into vehicles (store_id, customer_id, vin, plate, model, purchase_date, warranty_end, insurance_expiry, mileage_km) values (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const vehicleIds: number[] = [];
    for (const v of set.vehicles) vehicleIds.push(Number(insVehicle.run(storeId, customerIds[v[1]], v[0], v[2], v[3], v[4], v[5], v[6], v[7]).lastInsertRowid));
    const insVisit = sqlite.prepare("insert into service_visits (store_id, vehicle_id, customer_id, ro_number, visit_date, type, amount_fen) values (?, ?, ?, ?, ?, ?, ?)");
    for (const s of set.visits) insVisit.run(storeId, vehicleIds[s[1]], customerIds[set.vehicles[s[1]]![1]], s[0], s[2], s[3], s[4]);
  })();
  const floorS = (performance.now() - t) / 1000;
  const floorCpu = cpuSeconds(process.cpuUsage(cpu));
  sqlite.close();
  ctx.log(`floor (bare prepared statements, one transaction): ${floorS.toFixed(2)} s (cpu ${floorCpu} s); ratio ${(importS / floorS).toFixed(2)}×`);

  ctx.shared.bigStore = { dbFile, storeId: outcome.storeId, storeCode: "BIG01" };
  return [{
    name: "import 100k customers / 120k vehicles / 1M visits (CSV → SQLite)",
    value: importS, unit: "s", floor: floorS,
    target: "≤ 3× floor and < 30 s", ok: importS <= 3 * floorS && importS < 30,
  }];
}
